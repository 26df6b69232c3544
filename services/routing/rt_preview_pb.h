/* The trigger preview's typed answer (hd.RulePreview), built from the
 * values the trigger cycle works on: the working ticket and the update's
 * JSON object (the action code still builds the update as json_t). The
 * messages are heap-built and freed like unpacked ones. No state; any
 * thread. */
#ifndef ROUTING_RT_PREVIEW_PB_H
#define ROUTING_RT_PREVIEW_PB_H

#include "rule_preview.pb-c.h"

#include <jansson.h>

/* Append item (a heap message) to the repeated field *arr / *n; the field
 * owns it afterwards. HD_E_NOMEM (item not taken). */
int rt_pv_push(void *arr, size_t *n, void *item);

/* A new key named field (NULL when out of memory). */
Hd__RulePreviewKey *rt_pv_key(const char *field);

/* j (string, number, boolean, null or a flat list) as a new RuleValue in
 * *out. HD_E_INVALID for other JSON, HD_E_NOMEM. */
int rt_pv_value(Hd__RuleValue **out, const json_t *j);

/* The comment object {"public", "body" | "html_body", "author_id"} as a
 * new PreviewComment in *out. HD_E_NOMEM. */
int rt_pv_comment(Hd__PreviewComment **out, const json_t *c);

/* The update object cmd (NULL: nothing to change) as p->command, key by
 * key in cmd's order. HD_E_INVALID for a key the action code does not
 * set, HD_E_NOMEM. */
int rt_pv_command(Hd__RulePreview *p, const json_t *cmd);

/* What the preview shows of tk (status, priority, type, subject,
 * group_id, assignee_id, tags) as p->ticket. HD_E_NOMEM. */
int rt_pv_ticket(Hd__RulePreview *p, const Hd__Ticket *tk);

#endif
