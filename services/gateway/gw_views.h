/* The gateway's view endpoints, internal interface (views.c, views_json.c).
 * Views live in routing (g->peers[0]), which runs them over its own copy of
 * the tickets. */
#ifndef GW_VIEWS_H
#define GW_VIEWS_H

#include "gw_fields.h"
#include "view.pb-c.h"

/* Storage behind a Hd__View read from JSON (strings borrowed from the JSON
 * stay with it); release after packing. */
typedef struct gw_view_input {
	Hd__ViewCondition *conds;
	Hd__ViewCondition **cond_ptrs;
	char *numbers; /* 24 bytes per condition: numeric values as text */
	char **columns;
	Hd__ViewRestriction restriction;
	uint64_t *restriction_ids;
} gw_view_input;

/* Overlay the JSON "view" object onto v (create: v from INIT; update: a
 * shallow copy of the stored view). 422 naming the field. */
int gw_view_read(json_t *view, gw_view_input *in, Hd__View *v, gw_resp *out);
void gw_view_input_release(gw_view_input *in);
/* The Zendesk view object; new reference. */
json_t *gw_view_json(const gw_req *r, const Hd__View *v);
/* execution.columns: [{id,title,filterable,sortable}]; new reference. */
json_t *gw_view_columns(const Hd__View *v);
/* views_count.c: the view_count object for view id counting count
 * tickets ("fresh" false while building); new reference. */
json_t *gw_view_count_json(const gw_req *r, uint64_t id, uint64_t count,
			   bool building);
/* GET /views/count_many?ids= — the counts of the listed views the caller
 * may see (others left out). */
int gw_views_count_many(gw *g, gw_req *r, gw_resp *out);

#endif
