/* The typed values of audit events (hd.AuditEvent value/previous_value)
 * and voice comments (hd.VoiceData) as the Zendesk JSON the gateway
 * renders — and the one place that reads records stored when these were
 * JSON text (AuditEvent fields 4 and 5, Comment field 12), which survive
 * as protobuf-c unknown fields. No state; any thread. */
#ifndef HD_AUDIT_VALUE_H
#define HD_AUDIT_VALUE_H

#include "ticket.pb-c.h"

#include <jansson.h>
#include <stdbool.h>

/* e's value (previous: its previous_value) as JSON: the typed field, else
 * the old JSON text field, else null. A new reference; NULL only when out
 * of memory. */
json_t *hd_audit_value_json(const Hd__AuditEvent *e, bool previous);

/* c's VoiceComment "data" object: from c->voice, else the old JSON text
 * field (when it holds an object or array); NULL when c has neither. A new
 * reference. */
json_t *hd_voice_data_json(const Hd__Comment *c);

#endif
