/* Webhooks and side conversations over HTTP (API.md §11), answered by the
 * notifications service (g->peers[2]). */
#ifndef GW_WEBHOOKS_H
#define GW_WEBHOOKS_H

#include "gateway.h"
#include "gw_shared.h"
#include "notify.pb-c.h"

/* webhooks_json.c: the Zendesk webhook object (no secrets); new reference. */
json_t *gw_webhook_json(const Hd__Webhook *w);
/* Read a {"webhook":{…}} object onto w (create: base NULL; update: the
 * stored one, whose unspecified fields stay). Strings point into obj, which
 * must outlive w; arrays are malloc'd into *owned (free with
 * gw_webhook_input_release). 422 naming the field on bad input. */
typedef struct gw_webhook_input {
	Hd__WebhookHeader *headers;
	Hd__WebhookHeader **header_ptrs;
	char **subs;
	Hd__WebhookAuth auth;
} gw_webhook_input;
int gw_webhook_read(json_t *obj, int creating, Hd__Webhook *w,
		    gw_webhook_input *in, gw_resp *out);
void gw_webhook_input_release(gw_webhook_input *in);
/* The path's n-th segment (0 = "api") into out; false when absent/long. */
int gw_path_segment(const gw_req *r, int n, char *out, size_t cap);

extern const gw_route gw_webhook_routes[];
extern const gw_route gw_sc_routes[];

#endif
