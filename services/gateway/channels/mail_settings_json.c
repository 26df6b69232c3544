/* The survey and mail settings between Zendesk-style JSON and the typed
 * hd.NotifySettings notifications keeps: the gateway checks JSON types
 * only (a value of the wrong type is refused naming its key); ranges,
 * channel words and addresses are notifications' to check. */
#include "gw_mail_admin.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

static const char *const csat_keys[] = {
	"enabled", "delay_minutes", "link_days", "channels", "groups", NULL};
static const char *const mail_keys[] = {"acknowledgements", "senders", NULL};

static void *grow(void *arr, size_t n, size_t elem)
{
	return realloc(arr, (n + 1) * elem);
}

static int add_str(char ***arr, size_t *n, const char *s)
{
	char **g = grow(*arr, *n, sizeof **arr);
	if (!g)
		return HD_E_NOMEM;
	*arr = g;
	if (!(g[*n] = strdup(s)))
		return HD_E_NOMEM;
	(*n)++;
	return HD_OK;
}

static int whole(json_t *o, const char *key, int64_t *out, bool *has,
		 gw_resp *resp)
{
	json_t *v = json_object_get(o, key);
	if (has)
		*has = v != NULL;
	if (!v)
		return HD_OK;
	if (!json_is_integer(v))
		return gw_invalid_must(resp, key, "a whole number");
	*out = json_integer_value(v);
	return HD_OK;
}

static int group_rule(json_t *v, Hd__CsatSettings *c, gw_resp *out)
{
	json_t *en = json_object_get(v, "enabled");
	if (!json_is_object(v) ||
	    !json_is_integer(json_object_get(v, "group_id")))
		return gw_invalid(out, "groups",
				  "groups: group_id must be a group's id");
	if (en && !json_is_boolean(en))
		return gw_invalid(out, "groups",
				  "groups: enabled must be true or false");
	Hd__CsatGroupRule **g = grow(c->groups, c->n_groups, sizeof *g);
	Hd__CsatGroupRule *r = malloc(sizeof *r);
	if (g)
		c->groups = g;
	if (!g || !r) {
		free(r);
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	}
	hd__csat_group_rule__init(r);
	c->groups[c->n_groups++] = r;
	r->group_id = json_integer_value(json_object_get(v, "group_id"));
	r->has_enabled = en != NULL;
	r->enabled = json_is_true(en);
	bool has = false;
	int rc = whole(v, "delay_minutes", &r->delay_minutes, &has, out);
	r->has_delay = has;
	return rc;
}

static int csat_from_json(json_t *o, Hd__CsatSettings *c, gw_resp *out)
{
	json_t *en = json_object_get(o, "enabled");
	json_t *ch = json_object_get(o, "channels");
	json_t *groups = json_object_get(o, "groups"), *v;
	size_t i;
	if (en && !json_is_boolean(en))
		return gw_invalid_must(out, "enabled", "true or false");
	c->enabled = json_is_true(en);
	int rc = whole(o, "delay_minutes", &c->delay_minutes, NULL, out);
	if (!rc)
		rc = whole(o, "link_days", &c->link_days, NULL, out);
	if (!rc && ch && !json_is_array(ch))
		rc = gw_invalid_must(out, "channels",
				     "a list of channel names");
	json_array_foreach(rc ? NULL : ch, i, v)
	{
		if (!json_is_string(v))
			return gw_invalid_must(out, "channels",
					       "a list of channel names");
		if (add_str(&c->channels, &c->n_channels, json_string_value(v)))
			return gw_from_err(out, HD_E_NOMEM, "out of memory");
	}
	if (!rc && groups && !json_is_array(groups))
		rc = gw_invalid_must(out, "groups", "a list of rules");
	json_array_foreach(rc ? NULL : groups, i,
			   v) if ((rc = group_rule(v, c, out)) !=
				  HD_OK) return rc;
	return rc;
}

static const char *str_or_null(json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key);
	if (v && !json_is_null(v) && !json_is_string(v))
		*bad = 1;
	return json_is_string(v) ? json_string_value(v) : "";
}

static int sender(json_t *v, Hd__MailSettings *m, gw_resp *out)
{
	int bad = !json_is_object(v);
	json_t *b = json_object_get(v, "brand_id");
	bad |= b && !json_is_null(b) && !json_is_integer(b);
	const char *rcpt = str_or_null(v, "recipient", &bad);
	const char *name = str_or_null(v, "name", &bad);
	const char *addr = str_or_null(v, "address", &bad);
	if (bad)
		return gw_invalid(out, "senders",
				  "senders: each needs a brand_id (0 or null: "
				  "the default), a name of one line and an "
				  "e-mail address");
	Hd__MailSender **g = grow(m->senders, m->n_senders, sizeof *g);
	Hd__MailSender *s = malloc(sizeof *s);
	if (g)
		m->senders = g;
	if (!g || !s) {
		free(s);
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	}
	hd__mail_sender__init(s);
	m->senders[m->n_senders++] = s;
	s->brand_id = json_integer_value(b);
	s->recipient = strdup(rcpt);
	s->name = strdup(name);
	s->address = strdup(addr);
	return s->recipient && s->name && s->address
		       ? HD_OK
		       : gw_from_err(out, HD_E_NOMEM, "out of memory");
}

static int mail_from_json(json_t *o, Hd__MailSettings *m, gw_resp *out)
{
	json_t *acks = json_object_get(o, "acknowledgements"), *v;
	json_t *senders = json_object_get(o, "senders");
	const char *k;
	size_t i;
	if (acks && !json_is_object(acks))
		return gw_invalid_must(out, "acknowledgements",
				       "a map of channel names to true or "
				       "false");
	json_object_foreach(acks, k, v)
	{
		if (!json_is_boolean(v))
			return gw_invalid_must(out, "acknowledgements",
					       "a map of channel names to true "
					       "or false");
		Hd__MailAck **g = grow(m->acknowledgements,
				       m->n_acknowledgements, sizeof *g);
		Hd__MailAck *a = malloc(sizeof *a);
		if (g)
			m->acknowledgements = g;
		if (!g || !a ||
		    !(hd__mail_ack__init(a), a->channel = strdup(k))) {
			free(a);
			return gw_from_err(out, HD_E_NOMEM, "out of memory");
		}
		a->enabled = json_is_true(v);
		m->acknowledgements[m->n_acknowledgements++] = a;
	}
	if (senders && !json_is_array(senders))
		return gw_invalid_must(out, "senders", "a list of senders");
	json_array_foreach(senders, i, v)
	{
		int rc = sender(v, m, out);
		if (rc)
			return rc;
	}
	return HD_OK;
}

Hd__NotifySettings *gw_settings_from_json(const char *name, json_t *o,
					  gw_resp *out)
{
	Hd__NotifySettings *s = hd_pb_new(&hd__notify_settings__descriptor);
	int csat = strcmp(name, "csat") == 0, rc = HD_OK;
	const char *const *keys = csat ? csat_keys : mail_keys;
	if (!s || !(s->name = strdup(name))) {
		hd__notify_settings__free_unpacked(s, NULL);
		gw_from_err(out, HD_E_NOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; keys[i] && !rc; i++)
		if (json_object_get(o, keys[i]))
			rc = add_str(&s->fields, &s->n_fields, keys[i]);
	if (csat && !rc &&
	    (s->csat = hd_pb_new(&hd__csat_settings__descriptor)))
		rc = csat_from_json(o, s->csat, out);
	else if (!csat && !rc &&
		 (s->mail = hd_pb_new(&hd__mail_settings__descriptor)))
		rc = mail_from_json(o, s->mail, out);
	if (!rc && !s->csat && !s->mail)
		rc = gw_from_err(out, HD_E_NOMEM, "out of memory");
	if (rc) {
		hd__notify_settings__free_unpacked(s, NULL);
		return NULL;
	}
	return s;
}

static json_t *csat_json(const Hd__CsatSettings *c)
{
	json_t *channels = json_array(), *groups = json_array();
	for (size_t i = 0; i < c->n_channels; i++)
		json_array_append_new(channels, json_string(c->channels[i]));
	for (size_t i = 0; i < c->n_groups; i++) {
		const Hd__CsatGroupRule *g = c->groups[i];
		json_t *r = json_pack("{s:b}", "enabled", g->enabled);
		if (g->has_delay)
			json_object_set_new(r, "delay_minutes",
					    json_integer(g->delay_minutes));
		json_object_set_new(r, "group_id",
				    json_integer((json_int_t)g->group_id));
		json_array_append_new(groups, r);
	}
	return json_pack("{s:o, s:I, s:b, s:o, s:I}", "channels", channels,
			 "delay_minutes", (json_int_t)c->delay_minutes,
			 "enabled", c->enabled, "groups", groups, "link_days",
			 (json_int_t)c->link_days);
}

static json_t *mail_json(const Hd__MailSettings *m)
{
	json_t *acks = json_object(), *senders = json_array();
	for (size_t i = 0; i < m->n_acknowledgements; i++)
		json_object_set_new(
			acks, m->acknowledgements[i]->channel,
			json_boolean(m->acknowledgements[i]->enabled));
	for (size_t i = 0; i < m->n_senders; i++) {
		const Hd__MailSender *s = m->senders[i];
		json_array_append_new(
			senders,
			json_pack("{s:s, s:I, s:s, s:s}", "address", s->address,
				  "brand_id", (json_int_t)s->brand_id, "name",
				  s->name, "recipient", s->recipient));
	}
	return json_pack("{s:o, s:o}", "acknowledgements", acks, "senders",
			 senders);
}

/* Keys in sorted order, as the settings always read. */
json_t *gw_settings_json(const Hd__NotifySettings *s)
{
	if (s->csat)
		return csat_json(s->csat);
	return s->mail ? mail_json(s->mail) : NULL;
}
