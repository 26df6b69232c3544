/* Support addresses, Zendesk's /api/v2/recipient_addresses: list, show,
 * create, update, delete and PUT …/{id}/verify {"type":"forwarding"} (a
 * mail with a token goes to the address; it is verified when that mail comes
 * back through the mail channel). Admins only; intake's directory shard
 * keeps them (services/intake/addresses.c). spf_status, cname_status and
 * domain_verification_status are not checked here and answer "unknown". */
#include "gw_shared.h"

#include "address.pb-c.h"
#include "hd/err.h"

#include <stdio.h>
#include <string.h>

#define COLL "recipient_addresses"

static json_t *address_json(const gw_req *r, const Hd__RecipientAddress *a)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/recipient_addresses/%llu.json",
		 r->base_url, (unsigned long long)a->id);
	return json_pack(
		"{s:s, s:I, s:n, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
		"url", url, "id", (json_int_t)a->id, "brand_id", "default",
		a->is_default, "name", a->name, "email", a->email,
		"forwarding_status", a->forwarding_status, "spf_status",
		"unknown", "cname_status", "unknown",
		"domain_verification_status", "unknown", "created_at",
		gw_time_json(a->created_at), "updated_at",
		gw_time_json(a->updated_at));
}

/* One addresses.* call about r->id answered {"recipient_address": …}. */
static int one(gw *g, gw_req *r, const char *method, unsigned status,
	       gw_resp *out)
{
	Hd__RecipientAddressRequest q = HD__RECIPIENT_ADDRESS_REQUEST__INIT;
	Hd__RecipientAddress *a = NULL;
	q.id = r->id;
	int rc = gw_call(g, g->intake[0], r, method, &q,
			 &hd__recipient_address__descriptor, (void **)&a, out);
	if (!rc)
		gw_reply_one(out, status, "recipient_address",
			     address_json(r, a));
	hd__recipient_address__free_unpacked(a, NULL);
	return rc;
}

static int addresses_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__RecipientAddressRequest q = HD__RECIPIENT_ADDRESS_REQUEST__INIT;
	Hd__RecipientAddressList *l = NULL;
	int rc = gw_call(g, g->intake[0], r, "addresses.list", &q,
			 &hd__recipient_address_list__descriptor, (void **)&l,
			 out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_addresses; i++)
		json_array_append_new(arr, address_json(r, l->addresses[i]));
	out->status = 200;
	out->body = json_pack("{s:o, s:n, s:n, s:I}", "recipient_addresses",
			      arr, "next_page", "previous_page", "count",
			      (json_int_t)l->n_addresses);
	hd__recipient_address_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int addresses_show(gw *g, gw_req *r, gw_resp *out)
{
	return one(g, r, "addresses.get", 200, out);
}

/* name, email, default from obj onto a (strings borrowed from obj). */
static int read_input(json_t *obj, Hd__RecipientAddress *a, gw_resp *out)
{
	static const char *const strs[] = {"name", "email"};
	char **dst[] = {&a->name, &a->email};
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(obj, strs[i]);
		if (v && !json_is_string(v))
			return gw_invalid_must(out, strs[i], "a string");
		if (v)
			*dst[i] = (char *)json_string_value(v);
	}
	json_t *d = json_object_get(obj, "default");
	if (d && !json_is_boolean(d))
		return gw_invalid_must(out, "default", "true or false");
	if (d)
		a->is_default = json_is_true(d);
	return HD_OK;
}

static int save(gw *g, gw_req *r, const Hd__RecipientAddress *base,
		unsigned status, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	Hd__RecipientAddress a = HD__RECIPIENT_ADDRESS__INIT, *saved = NULL;
	Hd__RecipientAddressRequest q = HD__RECIPIENT_ADDRESS_REQUEST__INIT;
	if (base) { /* shallow: base keeps and frees its own */
		a.id = base->id;
		a.name = base->name;
		a.email = base->email;
		a.is_default = base->is_default;
	}
	int rc = gw_req_object(r, out, "recipient_address", &root, &obj);
	if (!rc)
		rc = read_input(obj, &a, out);
	q.address = &a;
	if (!rc)
		rc = gw_call(g, g->intake[0], r, "addresses.save", &q,
			     &hd__recipient_address__descriptor,
			     (void **)&saved, out);
	if (!rc) {
		gw_reply_one(out, status, "recipient_address",
			     address_json(r, saved));
		gw_reply_location(r, out, status, COLL, saved->id);
	}
	hd__recipient_address__free_unpacked(saved, NULL);
	json_decref(root);
	return rc;
}

static int addresses_create(gw *g, gw_req *r, gw_resp *out)
{
	return save(g, r, NULL, 201, out);
}

static int addresses_update(gw *g, gw_req *r, gw_resp *out)
{
	Hd__RecipientAddressRequest q = HD__RECIPIENT_ADDRESS_REQUEST__INIT;
	Hd__RecipientAddress *old = NULL;
	q.id = r->id;
	int rc =
		gw_call(g, g->intake[0], r, "addresses.get", &q,
			&hd__recipient_address__descriptor, (void **)&old, out);
	if (!rc)
		rc = save(g, r, old, 200, out);
	hd__recipient_address__free_unpacked(old, NULL);
	return rc;
}

static int addresses_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__RecipientAddressRequest q = HD__RECIPIENT_ADDRESS_REQUEST__INIT;
	Hd__RecipientAddressRequest *reply = NULL;
	q.id = r->id;
	int rc = gw_call(g, g->intake[0], r, "addresses.delete", &q,
			 &hd__recipient_address_request__descriptor,
			 (void **)&reply, out);
	hd__recipient_address_request__free_unpacked(reply, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

/* {"type":"forwarding"} (the default); SPF and DNS checks are not made. */
static int addresses_verify(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	int rc = r->body.len ? gw_parse_body(r, out, &root) : HD_OK;
	json_t *type = json_object_get(root, "type");
	if (!rc && type &&
	    (!json_is_string(type) ||
	     strcmp(json_string_value(type), "forwarding") != 0))
		rc = gw_invalid(out, "type",
				"type: only \"forwarding\" is checked here");
	json_decref(root);
	return rc ? rc : one(g, r, "addresses.verify", 200, out);
}

const gw_route gw_address_routes[] = {
	{"GET", "/api/v2/recipient_addresses", addresses_list, GW_AUTH_ADMIN},
	{"POST", "/api/v2/recipient_addresses", addresses_create,
	 GW_AUTH_ADMIN},
	{"GET", "/api/v2/recipient_addresses/{id}", addresses_show,
	 GW_AUTH_ADMIN},
	{"PUT", "/api/v2/recipient_addresses/{id}", addresses_update,
	 GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/recipient_addresses/{id}", addresses_delete,
	 GW_AUTH_ADMIN},
	{"PUT", "/api/v2/recipient_addresses/{id}/verify", addresses_verify,
	 GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
