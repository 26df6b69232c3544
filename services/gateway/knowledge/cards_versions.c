/* A card's versions over HTTP: list, show, diff (?from=&to=), restore.
 * Agents and admins only. */
#include "gw_kb.h"

#include "hd/cfg.h"
#include "hd/err.h"

#include <string.h>

#define VERSION_SEGMENT 6 /* /api/v2/hd/cards/{id}/versions/{n} */

static int staff_only(gw_req *r, gw_resp *out)
{
	if (hd_role_is_agent(r->who.role))
		return HD_OK;
	return gw_from_err(out, HD_E_FORBIDDEN,
			   "Knowledge cards are for agents and admins");
}

static int version_number(gw_req *r, uint32_t *n, gw_resp *out)
{
	uint64_t v = 0;
	int rc = gw_path_id(r, VERSION_SEGMENT, &v, out);
	if (!rc && (v == 0 || v > UINT32_MAX))
		rc = gw_from_err(out, HD_E_NOTFOUND, "Not found");
	*n = (uint32_t)v;
	return rc;
}

int gw_cards_versions(gw *g, gw_req *r, gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardVersionList *l = NULL;
	q.id = r->id;
	int rc = staff_only(r, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.versions", &q,
			     &hd__card_version_list__descriptor, (void **)&l,
			     out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_versions; i++)
		json_array_append_new(arr,
				      gw_card_version_json(l->versions[i]));
	gw_reply_one(out, 200, "versions", arr);
	json_object_set_new(out->body, "count",
			    json_integer((json_int_t)l->n_versions));
	hd__card_version_list__free_unpacked(l, NULL);
	return HD_OK;
}

int gw_cards_version(gw *g, gw_req *r, gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardVersion *v = NULL;
	q.id = r->id;
	int rc = staff_only(r, out);
	rc = rc ? rc : version_number(r, &q.number, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.version", &q,
			     &hd__card_version__descriptor, (void **)&v, out);
	if (!rc)
		gw_reply_one(out, 200, "version", gw_card_version_json(v));
	hd__card_version__free_unpacked(v, NULL);
	return rc;
}

static int number_param(gw_req *r, const char *name, uint32_t *n, gw_resp *out)
{
	const char *s = gw_query(r, name);
	uint64_t v = 0;
	if (!s || hd_parse_u64(s, &v) || v == 0 || v > UINT32_MAX) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s: a version number is required",
			 name);
		return gw_error(out, 400, "InvalidParameter", msg);
	}
	*n = (uint32_t)v;
	return HD_OK;
}

int gw_cards_diff(gw *g, gw_req *r, gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardDiff *d = NULL;
	q.id = r->id;
	int rc = staff_only(r, out);
	rc = rc ? rc : number_param(r, "from", &q.from, out);
	rc = rc ? rc : number_param(r, "to", &q.to, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.diff", &q,
			     &hd__card_diff__descriptor, (void **)&d, out);
	if (!rc) {
		out->status = 200;
		out->body =
			json_pack("{s:{s:I, s:i, s:i, s:s}}", "diff", "card_id",
				  (json_int_t)r->id, "from", (int)d->from, "to",
				  (int)d->to, "unified", d->diff);
	}
	hd__card_diff__free_unpacked(d, NULL);
	return rc;
}

int gw_cards_restore(gw *g, gw_req *r, gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__Card *card = NULL;
	q.id = r->id;
	int rc = staff_only(r, out);
	rc = rc ? rc : version_number(r, &q.number, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.restore", &q,
			     &hd__card__descriptor, (void **)&card, out);
	if (!rc)
		gw_reply_one(out, 200, "card", gw_card_json(r, card));
	hd__card__free_unpacked(card, NULL);
	return rc;
}
