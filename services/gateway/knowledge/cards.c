/* Knowledge cards over HTTP (/api/v2/hd/cards, API.md §14): CRUD, list by
 * state and collection with offset or cursor pages, verify. Knowledge
 * (g->peers[1]) owns them and enforces who may do what; end-users get 403
 * here already, except for proposals (cards_proposals.c). */
#include "gw_kb.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <string.h>

#define COLL "hd/cards"

static int staff_only(gw_req *r, gw_resp *out)
{
	if (hd_role_is_agent(r->who.role))
		return HD_OK;
	return gw_from_err(out, HD_E_FORBIDDEN,
			   "Knowledge cards are for agents and admins");
}

/* One cards.* call for card r->id answered {"card": …} with status. */
static int card_call(gw *g, gw_req *r, const char *method, unsigned status,
		     gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__Card *card = NULL;
	q.id = r->id;
	int rc = staff_only(r, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, method, &q,
			     &hd__card__descriptor, (void **)&card, out);
	if (!rc)
		gw_reply_one(out, status, "card", gw_card_json(r, card));
	hd__card__free_unpacked(card, NULL);
	return rc;
}

static int cards_show(gw *g, gw_req *r, gw_resp *out)
{
	return card_call(g, r, "cards.get", 200, out);
}

static int cards_verify(gw *g, gw_req *r, gw_resp *out)
{
	return card_call(g, r, "cards.verify", 200, out);
}

static int cards_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardRequest *reply = NULL;
	q.id = r->id;
	int rc = staff_only(r, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.delete", &q,
			     &hd__card_request__descriptor, (void **)&reply,
			     out);
	hd__card_request__free_unpacked(reply, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

static bool given(const Hd__CardWrite *w, const char *field)
{
	for (size_t i = 0; i < w->n_fields; i++)
		if (!strcmp(w->fields[i], field))
			return true;
	return false;
}

/* 422 naming field unless id is an agent or admin (group: a live group)
 * in intake's directory; other failures are the directory's. */
static int check_ref(gw *g, gw_req *r, const char *method, uint64_t id,
		     const char *field, gw_resp *out)
{
	Hd__IdRequest q = HD__ID_REQUEST__INIT;
	void *reply = NULL;
	bool group = !strcmp(method, "groups.get");
	q.id = id;
	int rc = gw_call(g, g->intake[0], r, method, &q,
			 group ? &hd__group__descriptor : &hd__user__descriptor,
			 &reply, out);
	bool ok = !rc && (group ? !((Hd__Group *)reply)->deleted
				: hd_role_of(((Hd__User *)reply)->role) !=
					  HD__USER_ROLE__ROLE_END_USER);
	protobuf_c_message_free_unpacked(reply, NULL);
	if (rc && rc != HD_E_NOTFOUND)
		return rc;
	char msg[128];
	snprintf(msg, sizeof msg, "%s: must name %s", field,
		 group ? "a group" : "an agent or admin");
	return ok ? HD_OK : gw_invalid(out, field, msg);
}

/* The people a card names must exist and be staff. */
static int check_people(gw *g, gw_req *r, const Hd__CardWrite *w, gw_resp *out)
{
	const Hd__Card *c = w->card;
	int rc = HD_OK;
	if (given(w, "owner_id") && c->owner_id)
		rc = check_ref(g, r, "users.get", c->owner_id, "owner_id", out);
	if (!rc && given(w, "verifier") && c->verifier_user_id)
		rc = check_ref(g, r, "users.get", c->verifier_user_id,
			       "verifier", out);
	if (!rc && given(w, "verifier") && c->verifier_group_id)
		rc = check_ref(g, r, "groups.get", c->verifier_group_id,
			       "verifier", out);
	return rc;
}

static int write_card(gw *g, gw_req *r, uint64_t id, unsigned status,
		      gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	Hd__Card in = HD__CARD__INIT, *saved = NULL;
	Hd__CardWrite w = HD__CARD_WRITE__INIT;
	in.id = id;
	w.card = &in;
	int rc = staff_only(r, out);
	if (!rc)
		rc = gw_req_object(r, out, "card", &root, &obj);
	if (!rc)
		rc = gw_card_read(obj, &w, out);
	if (!rc)
		rc = check_people(g, r, &w, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.save", &w,
			     &hd__card__descriptor, (void **)&saved, out);
	if (!rc) {
		gw_reply_one(out, status, "card", gw_card_json(r, saved));
		gw_reply_location(r, out, status, COLL, saved->id);
	}
	hd__card__free_unpacked(saved, NULL);
	gw_card_input_release(&w);
	json_decref(root);
	return rc;
}

static int cards_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_card(g, r, 0, 201, out);
}

static int cards_update(gw *g, gw_req *r, gw_resp *out)
{
	return write_card(g, r, r->id, 200, out);
}

static int filter(gw_req *r, const char *name, const char *const *allowed,
		  char **dst, gw_resp *out)
{
	const char *v = gw_query(r, name);
	*dst = "";
	if (!v || !v[0])
		return HD_OK;
	for (; allowed && *allowed; allowed++)
		if (!strcmp(v, *allowed))
			break;
	if ((allowed && !*allowed) || strlen(v) > 256) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s: is not a valid value", name);
		return gw_error(out, 400, "InvalidParameter", msg);
	}
	*dst = (char *)v;
	return HD_OK;
}

static int cards_list(gw *g, gw_req *r, gw_resp *out)
{
	static const char *const states[] = {"verified", "needs_verification",
					     NULL};
	gw_page p;
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardList *l = NULL;
	int rc = staff_only(r, out);
	rc = rc ? rc : gw_page_parse(r, &p, 100, 10000, out);
	rc = rc ? rc : filter(r, "state", states, &q.state, out);
	rc = rc ? rc : filter(r, "collection", NULL, &q.collection, out);
	rc = rc ? rc : gw_page_offset(&p, &q.offset, out);
	q.limit = p.size;
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.list", &q,
			     &hd__card_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_cards; i++)
		json_array_append_new(arr, gw_card_json(r, l->cards[i]));
	gw_reply_one(out, 200, "cards", arr);
	gw_page_offset_links(r, &p, out->body, q.offset + l->n_cards, l->count);
	hd__card_list__free_unpacked(l, NULL);
	return HD_OK;
}

/* GET /api/v2/hd/cards/search?query=&state=: {"results":[card +
 * result_type, score, snippet], "count", next_page…} like /search. */
static int cards_search(gw *g, gw_req *r, gw_resp *out)
{
	static const char *const states[] = {"verified", "needs_verification",
					     NULL};
	gw_page p;
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardList *l = NULL;
	const char *query = gw_query(r, "query");
	int rc = staff_only(r, out);
	rc = rc ? rc : gw_page_parse(r, &p, 25, 1000, out);
	rc = rc ? rc : filter(r, "state", states, &q.state, out);
	if (!rc && p.cursor)
		rc = gw_error(out, 400, "InvalidPaginationParameter",
			      "card search pages by offset only");
	if (!rc && (!query || !query[0]))
		rc = gw_error(out, 400, "InvalidParameter",
			      "query: is required");
	q.query = (char *)query;
	q.limit = p.size;
	q.offset = (p.page - 1) * p.size;
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.search", &q,
			     &hd__card_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_cards; i++) {
		json_t *o = gw_card_json(r, l->cards[i]);
		json_object_set_new(o, "result_type", json_string("card"));
		json_object_set_new(
			o, "score",
			json_real(i < l->n_scores ? l->scores[i] : 0));
		json_object_set_new(
			o, "snippet",
			json_string(i < l->n_snippets ? l->snippets[i] : ""));
		json_array_append_new(arr, o);
	}
	gw_reply_one(out, 200, "results", arr);
	gw_page_links(r, &p, out->body, l->count, 0, NULL, NULL);
	hd__card_list__free_unpacked(l, NULL);
	return HD_OK;
}

const gw_route gw_card_routes[] = {
	{"GET", "/api/v2/hd/cards/search", cards_search, GW_AUTH_USER},
	{"GET", "/api/v2/hd/cards", cards_list, GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards", cards_create, GW_AUTH_USER},
	{"GET", "/api/v2/hd/cards/proposals", gw_cards_proposals, GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/proposals", gw_cards_propose, GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/proposals/{id}/accept", gw_cards_accept,
	 GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/proposals/{id}/reject", gw_cards_reject,
	 GW_AUTH_USER},
	{"GET", "/api/v2/hd/cards/{id}", cards_show, GW_AUTH_USER},
	{"PUT", "/api/v2/hd/cards/{id}", cards_update, GW_AUTH_USER},
	{"DELETE", "/api/v2/hd/cards/{id}", cards_delete, GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/{id}/verify", cards_verify, GW_AUTH_USER},
	{"GET", "/api/v2/hd/cards/{id}/versions", gw_cards_versions,
	 GW_AUTH_USER},
	{"GET", "/api/v2/hd/cards/{id}/versions/{s}", gw_cards_version,
	 GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/{id}/versions/{s}/restore", gw_cards_restore,
	 GW_AUTH_USER},
	{"GET", "/api/v2/hd/cards/{id}/diff", gw_cards_diff, GW_AUTH_USER},
	{"GET", "/api/v2/hd/cards/{id}/proposals", gw_cards_card_proposals,
	 GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/{id}/proposals", gw_cards_propose_edit,
	 GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/{id}/proposals/{s}/accept",
	 gw_cards_card_accept, GW_AUTH_USER},
	{"POST", "/api/v2/hd/cards/{id}/proposals/{s}/reject",
	 gw_cards_card_reject, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
