/* Settings as an older build stored them — JSON text in the retired field
 * 2, already checked and completed then — read into the typed messages, so
 * an upgrade keeps what admins set. Everything built here is heap memory
 * that hd__notify_settings__free_unpacked releases. */
#include "templates.h"

#include "hd/err.h"
#include "hd/pb_unknown.h"

#include <stdlib.h>
#include <string.h>

#define LEGACY_JSON_FIELD 2

static char *dup_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return strdup(s ? s : "");
}

static int64_t num(json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

int notify_settings_add_channel(Hd__CsatSettings *c, const char *channel)
{
	char **grown =
		realloc(c->channels, (c->n_channels + 1) * sizeof *c->channels);
	if (!grown)
		return HD_E_NOMEM;
	c->channels = grown;
	if (!(c->channels[c->n_channels] = strdup(channel)))
		return HD_E_NOMEM;
	c->n_channels++;
	return HD_OK;
}

static void csat_from(json_t *doc, Hd__CsatSettings *c)
{
	json_t *v;
	size_t i;
	c->enabled = json_is_true(json_object_get(doc, "enabled"));
	c->delay_minutes = num(doc, "delay_minutes");
	c->link_days = num(doc, "link_days");
	json_array_foreach(json_object_get(doc, "channels"), i,
			   v) if (json_is_string(v))
		notify_settings_add_channel(c, json_string_value(v));
	json_t *groups = json_object_get(doc, "groups");
	c->groups = calloc(json_array_size(groups) + 1, sizeof *c->groups);
	json_array_foreach(c->groups ? groups : NULL, i, v)
	{
		Hd__CsatGroupRule *g = malloc(sizeof *g);
		if (!g)
			return;
		hd__csat_group_rule__init(g);
		g->group_id = num(v, "group_id");
		g->enabled = !json_is_false(json_object_get(v, "enabled"));
		g->has_delay =
			json_is_integer(json_object_get(v, "delay_minutes"));
		g->delay_minutes = num(v, "delay_minutes");
		c->groups[c->n_groups++] = g;
	}
}

static void mail_from(json_t *doc, Hd__MailSettings *m)
{
	json_t *acks = json_object_get(doc, "acknowledgements"), *v;
	json_t *senders = json_object_get(doc, "senders");
	const char *k;
	size_t i;
	m->acknowledgements =
		calloc(json_object_size(acks) + 1, sizeof *m->acknowledgements);
	json_object_foreach(m->acknowledgements ? acks : NULL, k, v)
	{
		Hd__MailAck *a = malloc(sizeof *a);
		if (!a)
			return;
		hd__mail_ack__init(a);
		a->channel = strdup(k);
		a->enabled = json_is_true(v);
		m->acknowledgements[m->n_acknowledgements++] = a;
	}
	m->senders = calloc(json_array_size(senders) + 1, sizeof *m->senders);
	json_array_foreach(m->senders ? senders : NULL, i, v)
	{
		Hd__MailSender *s = malloc(sizeof *s);
		if (!s)
			return;
		hd__mail_sender__init(s);
		s->brand_id = num(v, "brand_id");
		s->recipient = dup_str(v, "recipient");
		s->name = dup_str(v, "name");
		s->address = dup_str(v, "address");
		m->senders[m->n_senders++] = s;
	}
}

void notify_settings_legacy(Hd__NotifySettings *s)
{
	const uint8_t *text;
	size_t len;
	if (hd_pb_unknown_bytes(&s->base, LEGACY_JSON_FIELD, &text, &len))
		return;
	json_t *doc = json_loadb((const char *)text, len, 0, NULL);
	if (json_is_object(doc) && strcmp(s->name, "csat") == 0 &&
	    (s->csat = malloc(sizeof *s->csat)) != NULL) {
		hd__csat_settings__init(s->csat);
		csat_from(doc, s->csat);
	} else if (json_is_object(doc) && strcmp(s->name, "mail") == 0 &&
		   (s->mail = malloc(sizeof *s->mail)) != NULL) {
		hd__mail_settings__init(s->mail);
		mail_from(doc, s->mail);
	}
	json_decref(doc);
}
