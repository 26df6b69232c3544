/* The settings documents admins keep about mail (key layout in
 * templates.h), as JSON checked and completed with defaults here:
 *   "csat": {"enabled": false, "delay_minutes": 1440, "link_days": 14,
 *            "channels": ["email","web","api","chat","voice"],
 *            "groups": [{"group_id": 5, "enabled": false},
 *                       {"group_id": 6, "delay_minutes": 60}]}
 *   "mail": {"acknowledgements": {"chat": false, …} (a channel not named
 *            is on), "senders": [{"brand_id": 0, "recipient": "",
 *            "name": "…", "address": "support@…"}]}: the sender of mail
 *            about a ticket is the one whose recipient is the support
 *            address the ticket came in to, else the one of its brand,
 *            else the one of brand 0 with no recipient, else "Hana Desk"
 *            <HD_MAIL_FROM>
 * settings.get (agents and admins) answers a document, settings.put
 * (admins) replaces it whole and answers what was stored. */
#include "templates.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DELAY_MIN (60 * 24 * 30)
#define MAX_LINK_DAYS 90
#define MAX_GROUPS    500
#define MAX_SENDERS   100
#define MAX_CHANNELS  32

static json_t *defaults(const char *name)
{
	if (strcmp(name, "csat") == 0)
		return json_pack("{s:b, s:i, s:i, s:[s,s,s,s,s], s:[]}",
				 "enabled", 0, "delay_minutes", 1440,
				 "link_days", 14, "channels", "email", "web",
				 "api", "chat", "voice", "groups");
	return json_pack("{s:{}, s:[]}", "acknowledgements", "senders");
}

json_t *notify_settings(notify *n, hd_txn *t, const char *name)
{
	Hd__NotifySettings *s = NULL;
	json_t *doc = NULL;
	if (notify_get_pb(t, n->settings, name, strlen(name),
			  &hd__notify_settings__descriptor,
			  (void **)&s) == HD_OK)
		doc = json_loads(s->json, 0, NULL);
	hd__notify_settings__free_unpacked(s, NULL);
	return json_is_object(doc) ? doc : (json_decref(doc), defaults(name));
}

/* ---- checking a document ---- */

static int bad(hd_rpc_rep *rep, const char *field, const char *msg)
{
	return hd_rpc_fail(rep, HD_E_INVALID, field, "%s: %s", field, msg);
}

static int word(const char *s)
{
	size_t n = strlen(s);
	return n && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static int count(json_t *o, const char *k, json_int_t lo, json_int_t hi,
		 json_int_t def, json_t *out, hd_rpc_rep *rep)
{
	json_t *v = json_object_get(o, k);
	if (v && !json_is_integer(v))
		return bad(rep, k, "must be a whole number");
	json_int_t x = v ? json_integer_value(v) : def;
	if (x < lo || x > hi)
		return hd_rpc_fail(rep, HD_E_INVALID, k,
				   "%s: must be between %lld and %lld", k,
				   (long long)lo, (long long)hi);
	return json_object_set_new(out, k, json_integer(x)) ? HD_E_NOMEM
							    : HD_OK;
}

static int csat_groups(json_t *in, json_t *out, hd_rpc_rep *rep)
{
	json_t *g = json_object_get(in, "groups"), *v, *list;
	size_t i;
	if (g && (!json_is_array(g) || json_array_size(g) > MAX_GROUPS))
		return bad(rep, "groups", "must be a list of rules");
	if (!(list = json_array()))
		return HD_E_NOMEM;
	json_array_foreach(g, i, v)
	{
		json_t *id = json_object_get(v, "group_id");
		json_t *en = json_object_get(v, "enabled");
		json_t *r = json_object();
		int rc = json_is_integer(id) && json_integer_value(id) > 0
				 ? HD_OK
				 : bad(rep, "groups",
				       "group_id must be a "
				       "group's id");
		if (!rc && en && !json_is_boolean(en))
			rc = bad(rep, "groups",
				 "enabled must be true or false");
		json_object_set(r, "group_id", id);
		json_object_set_new(r, "enabled",
				    json_boolean(!en || json_is_true(en)));
		if (!rc && json_object_get(v, "delay_minutes"))
			rc = count(v, "delay_minutes", 0, MAX_DELAY_MIN, 0, r,
				   rep);
		if (rc) {
			json_decref(r);
			json_decref(list);
			return rc;
		}
		json_array_append_new(list, r);
	}
	json_object_set_new(out, "groups", list);
	return HD_OK;
}

static int check_csat(json_t *in, json_t *out, hd_rpc_rep *rep)
{
	json_t *en = json_object_get(in, "enabled");
	json_t *ch = json_object_get(in, "channels"), *v;
	size_t i;
	if (en && !json_is_boolean(en))
		return bad(rep, "enabled", "must be true or false");
	json_object_set_new(out, "enabled", json_boolean(json_is_true(en)));
	int rc = count(in, "delay_minutes", 0, MAX_DELAY_MIN, 1440, out, rep);
	if (!rc)
		rc = count(in, "link_days", 1, MAX_LINK_DAYS, 14, out, rep);
	if (rc)
		return rc;
	if (!ch) {
		json_t *d = defaults("csat");
		json_object_set(out, "channels",
				json_object_get(d, "channels"));
		json_decref(d);
	} else if (!json_is_array(ch) || json_array_size(ch) > MAX_CHANNELS) {
		return bad(rep, "channels", "must be a list of channel names");
	} else {
		json_array_foreach(
			ch, i,
			v) if (!json_is_string(v) ||
			       !word(json_string_value(
				       v))) return bad(rep, "channels",
						       "must be channel names "
						       "(email, web, api, "
						       "chat, voice, …)");
		json_object_set(out, "channels", ch);
	}
	return csat_groups(in, out, rep);
}

static int plain(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && hd_utf8_valid(s, n) && !strpbrk(s, "\r\n<>\"");
}

static int address(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);
	return n >= 3 && n <= 254 && at && at != s && at[1] &&
	       !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n<>\"(),;:\\[]");
}

static int check_senders(json_t *in, json_t *out, hd_rpc_rep *rep)
{
	json_t *s = json_object_get(in, "senders"), *v, *list;
	size_t i;
	if (s && (!json_is_array(s) || json_array_size(s) > MAX_SENDERS))
		return bad(rep, "senders", "must be a list of senders");
	if (!(list = json_array()))
		return HD_E_NOMEM;
	json_array_foreach(s, i, v)
	{
		json_t *b = json_object_get(v, "brand_id");
		const char *name =
			json_string_value(json_object_get(v, "name"));
		const char *addr =
			json_string_value(json_object_get(v, "address"));
		json_t *rcpt = json_object_get(v, "recipient");
		const char *to = json_string_value(rcpt);
		if ((rcpt && !json_is_null(rcpt) &&
		     (!to || (to[0] && !address(to)))) ||
		    (b && !json_is_null(b) &&
		     (!json_is_integer(b) || json_integer_value(b) < 0)) ||
		    !name || !plain(name, 200) || !addr || !address(addr)) {
			json_decref(list);
			return bad(rep, "senders",
				   "each needs a brand_id (0 or null: the "
				   "default), a name of one line and an e-mail "
				   "address (and may name the recipient: a "
				   "support address)");
		}
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:s, s:s}", "brand_id",
				  (json_int_t)(json_is_integer(b)
						       ? json_integer_value(b)
						       : 0),
				  "recipient", to ? to : "", "name", name,
				  "address", addr));
	}
	json_object_set_new(out, "senders", list);
	return HD_OK;
}

static int check_mail(json_t *in, json_t *out, hd_rpc_rep *rep)
{
	json_t *a = json_object_get(in, "acknowledgements"), *v;
	const char *k;
	if (a && !json_is_object(a))
		return bad(rep, "acknowledgements",
			   "must map channel names to true or false");
	json_object_foreach(
		a, k,
		v) if (!word(k) ||
		       !json_is_boolean(v)) return bad(rep, "acknowledgements",
						       "must map channel names "
						       "to true or false");
	json_object_set_new(out, "acknowledgements",
			    a ? json_deep_copy(a) : json_object());
	return check_senders(in, out, rep);
}

/* ---- reading what a document says ---- */

bool notify_ack_on(notify *n, hd_txn *t, const char *channel)
{
	json_t *doc = notify_settings(n, t, "mail");
	json_t *v = json_object_get(json_object_get(doc, "acknowledgements"),
				    channel);
	bool on = !json_is_false(v);
	json_decref(doc);
	return on;
}

/* How well sender rule v fits: 3 its recipient, 2 its brand, 1 the
 * default, 0 not at all. */
static int fit(json_t *v, uint64_t brand_id, const char *recipient)
{
	const char *to = json_string_value(json_object_get(v, "recipient"));
	json_int_t b = json_integer_value(json_object_get(v, "brand_id"));
	if (to && to[0])
		return recipient && strcasecmp(to, recipient) == 0 ? 3 : 0;
	if (b)
		return (uint64_t)b == brand_id ? 2 : 0;
	return 1;
}

void notify_sender_of(notify *n, hd_txn *t, uint64_t brand_id,
		      const char *recipient, char *name, char *addr, size_t cap)
{
	json_t *doc = notify_settings(n, t, "mail"), *v, *pick = NULL;
	int best = 0;
	size_t i;
	json_array_foreach(json_object_get(doc, "senders"), i, v)
	{
		int f = fit(v, brand_id, recipient);
		if (f > best) {
			best = f;
			pick = v;
		}
	}
	const char *nm = json_string_value(json_object_get(pick, "name"));
	const char *ad = json_string_value(json_object_get(pick, "address"));
	snprintf(name, cap, "%s", nm ? nm : "Hana Desk");
	snprintf(addr, cap, "%s", ad ? ad : n->cfg.mail_from);
	json_decref(doc);
}

/* ---- RPCs ---- */

static Hd__NotifySettings *decode(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__NotifySettings *s =
		hd__notify_settings__unpack(NULL, req->len, req->payload);
	if (!s)
		hd_rpc_fail(rep, HD_E_DECODE, "",
			    "payload is not an hd.NotifySettings");
	else if (strcmp(s->name, "csat") && strcmp(s->name, "mail")) {
		hd_rpc_fail(rep, HD_E_NOTFOUND, "name", "no such settings: %s",
			    s->name);
		hd__notify_settings__free_unpacked(s, NULL);
		s = NULL;
	}
	return s;
}

static int reply(hd_rpc_rep *rep, const char *name, json_t *doc)
{
	Hd__NotifySettings out = HD__NOTIFY_SETTINGS__INIT;
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	out.name = (char *)name;
	out.json = text;
	int rc = text ? hd_pb_pack(&rep->payload, &out) : HD_E_NOMEM;
	free(text);
	return rc;
}

static int settings_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	if (!hd_role_is_staff(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "",
				   "agents and admins only");
	Hd__NotifySettings *s = decode(req, rep);
	hd_txn t;
	int rc = s ? hd_store_read(n->store, &t) : HD_E_DECODE;
	if (!rc) {
		json_t *doc = notify_settings(n, &t, s->name);
		hd_txn_end(&t);
		rc = doc ? reply(rep, s->name, doc) : HD_E_NOMEM;
		json_decref(doc);
	}
	hd__notify_settings__free_unpacked(s, NULL);
	return rc;
}

typedef struct put_job {
	notify *n;
	Hd__NotifySettings *s;
} put_job;

static int put_fn(hd_txn *t, void *arg)
{
	put_job *j = arg;
	return notify_put_pb(t, j->n->settings, j->s->name, strlen(j->s->name),
			     j->s);
}

static int settings_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	if (!hd_role_is_admin(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "", "admins only");
	Hd__NotifySettings *s = decode(req, rep);
	json_t *in = s ? json_loads(s->json, 0, NULL) : NULL, *out = NULL;
	char *text = NULL;
	int rc = !s                    ? HD_E_DECODE
		 : !json_is_object(in) ? bad(rep, s->name, "must be an object")
				       : HD_OK;
	if (!rc && !(out = json_object()))
		rc = HD_E_NOMEM;
	if (!rc)
		rc = strcmp(s->name, "csat") == 0 ? check_csat(in, out, rep)
						  : check_mail(in, out, rep);
	if (!rc && !(text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS)))
		rc = HD_E_NOMEM;
	if (!rc) {
		if (s->json != protobuf_c_empty_string)
			free(s->json);
		s->json = text;
		text = NULL;
		s->updated_at = hd_now_ms();
		s->updated_by = req->principal.user_id;
		put_job j = {n, s};
		rc = hd_store_write(n->store, put_fn, &j);
	}
	if (!rc)
		rc = reply(rep, s->name, out);
	free(text);
	json_decref(in);
	json_decref(out);
	hd__notify_settings__free_unpacked(s, NULL);
	return rc;
}

const hd_rpc_route notify_settings_routes[] = {
	{"settings.get", settings_get},
	{"settings.put", settings_put},
	{NULL, NULL},
};
