/* The gateway's people area (users.c, orgs.c, groups.c, tokens.c, auth.c,
 * ratelimit.c): users, organizations, groups, memberships, tokens, and the
 * per-user rate limit. Every RPC goes to intake's directory shard
 * (g->intake[0]). Handlers run on MHD pool threads. */
#ifndef GW_USERS_H
#define GW_USERS_H

#include "gateway.h"
#include "gw_shared.h"
#include "user.pb-c.h"

#include <stdbool.h>

/* ---- users.c and dir_list.c: helpers the area shares ---- */

/* The Zendesk user object (API.md §3); new reference. */
json_t *gw_user_json(const gw_req *r, const Hd__User *u);

/* Read pagination into q (size, offset or cursor ids): 400 on bad values. */
int gw_dir_page(gw_req *r, gw_page *p, Hd__DirListRequest *q, gw_resp *out);
/* Add pagination to body; first/last: ids of the page's ends (0 = empty). */
void gw_dir_links(gw_req *r, const gw_page *p, json_t *body, uint64_t count,
		  bool has_more, uint64_t first, uint64_t last);
/* ?ids=1,2,3 into q->ids (≤100): 400 on a bad list; *buf is the caller's
 * (free). */
int gw_dir_ids(gw_req *r, Hd__DirListRequest *q, uint64_t **buf, gw_resp *out);

/* ---- dir_list.c: directory lists and deletes ---- */

/* Answer 200 with {key: arr} (arr's reference is taken) and pagination
 * from p, or, for show_many (p NULL), the number of items as count. */
void gw_dir_reply(gw_req *r, const gw_page *p, gw_resp *out, const char *key,
		  json_t *arr, uint64_t count, bool has_more);
/* One kind's list RPC with q, answered with gw_dir_reply. */
typedef int (*gw_dir_lister)(gw *g, gw_req *r, Hd__DirListRequest *q,
			     gw_page *p, gw_resp *out);
/* GET …/show_many?ids=: list with those ids, unpaginated. */
int gw_dir_show_many(gw *g, gw_req *r, gw_resp *out, gw_dir_lister list);
/* Call method with msg (NULL: an hd.IdRequest for r->id), discard its
 * reply (of type reply) and answer 204. */
int gw_dir_delete(gw *g, gw_req *r, const char *method, const void *msg,
		  const ProtobufCMessageDescriptor *reply, gw_resp *out);
/* users.c: users.list with q (organizations' users use it too). */
int gw_users_list_q(gw *g, gw_req *r, Hd__DirListRequest *q, gw_page *p,
		    gw_resp *out);

/* A JSON object key into a protobuf field, recording its name in
 * fields[*n] when present. 422 naming the key on a wrong type. Strings
 * borrow from the JSON tree; null reads as "" / 0 / false. */
typedef struct gw_keys {
	char *names[40];
	size_t n;
} gw_keys;
int gw_take_str(json_t *obj, const char *key, char **dst, gw_keys *k,
		gw_resp *out);
int gw_take_u64(json_t *obj, const char *key, uint64_t *dst, gw_keys *k,
		gw_resp *out);
int gw_take_bool(json_t *obj, const char *key, protobuf_c_boolean *dst,
		 gw_keys *k, gw_resp *out);
/* An array of strings; *arr is the caller's (free), its strings borrowed. */
int gw_take_strs(json_t *obj, const char *key, char ***arr, size_t *n,
		 gw_keys *k, gw_resp *out);
/* Read the body's "user" object o into u (strings borrowed from o; *tags
 * is the caller's to free, and u->user_fields too, with
 * hd_user_fields_free). 422 in out naming the key on a wrong type. */
int gw_user_from_json(json_t *o, Hd__User *u, gw_keys *k, char ***tags,
		      gw_resp *out);
/* Set a Location header for a created record. */
void gw_location(gw_req *r, gw_resp *out, const char *coll, uint64_t id);

/* ---- auth.c ---- */

/* Forget every cached credential (after a user, password or token write,
 * so this gateway never lets a revoked credential through). */
void gw_auth_flush(gw *g);

/* ---- ratelimit.c: a fixed one-minute window per authenticated user ---- */
typedef struct gw_rate {
	unsigned limit;
	unsigned remaining;
	unsigned reset; /* seconds until the window ends */
	bool limited;   /* over the limit: answer 429 */
} gw_rate;
/* The windows of one gateway (g->limits): per_minute for signed-in users
 * (HD_RATE_LIMIT), anon_per_minute for anonymous callers by client IP
 * (HD_ANON_RATE_LIMIT). HD_OK or HD_E_NOMEM. */
int gw_ratelimit_init(gw_ratelimit **out, unsigned per_minute,
		      unsigned anon_per_minute);
void gw_ratelimit_free(gw_ratelimit *l);
/* Count one request from user_id (0 = anonymous: not counted). */
void gw_ratelimit_take(gw_ratelimit *l, uint64_t user_id, gw_rate *out);
/* The same window for anonymous callers, keyed by a hash of the client IP
 * (never 0). */
void gw_ratelimit_take_anon(gw_ratelimit *l, uint64_t ip_key, gw_rate *out);
/* Add x-rate-limit, ratelimit-* and rate-limit-* (and Retry-After when
 * limited) to resp. */
void gw_ratelimit_headers(struct MHD_Response *resp, const gw_rate *rl);

/* ---- handlers in orgs.c, groups.c, tokens.c ---- */
int gw_orgs_list(gw *g, gw_req *r, gw_resp *out);
int gw_orgs_show_many(gw *g, gw_req *r, gw_resp *out);
int gw_orgs_search(gw *g, gw_req *r, gw_resp *out);
int gw_orgs_show(gw *g, gw_req *r, gw_resp *out);
int gw_orgs_create(gw *g, gw_req *r, gw_resp *out);
int gw_orgs_update(gw *g, gw_req *r, gw_resp *out);
int gw_orgs_delete(gw *g, gw_req *r, gw_resp *out);
int gw_orgs_users(gw *g, gw_req *r, gw_resp *out);
int gw_groups_list(gw *g, gw_req *r, gw_resp *out);
int gw_groups_assignable(gw *g, gw_req *r, gw_resp *out);
int gw_groups_count(gw *g, gw_req *r, gw_resp *out);
int gw_groups_show(gw *g, gw_req *r, gw_resp *out);
int gw_groups_create(gw *g, gw_req *r, gw_resp *out);
int gw_groups_update(gw *g, gw_req *r, gw_resp *out);
int gw_groups_delete(gw *g, gw_req *r, gw_resp *out);
int gw_groups_users(gw *g, gw_req *r, gw_resp *out);
int gw_members_list(gw *g, gw_req *r, gw_resp *out);
int gw_members_of_group(gw *g, gw_req *r, gw_resp *out);
int gw_members_of_user(gw *g, gw_req *r, gw_resp *out);
int gw_members_show(gw *g, gw_req *r, gw_resp *out);
int gw_members_create(gw *g, gw_req *r, gw_resp *out);
int gw_members_delete(gw *g, gw_req *r, gw_resp *out);
/* /api/v2/api_tokens and /api/v2/oauth/tokens alike (the path says which) */
int gw_tokens_list(gw *g, gw_req *r, gw_resp *out);
int gw_tokens_create(gw *g, gw_req *r, gw_resp *out);
int gw_tokens_delete(gw *g, gw_req *r, gw_resp *out);

#endif
