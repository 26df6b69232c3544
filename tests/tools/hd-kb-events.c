/* hd-kb-events: print the kb.* events in a knowledge service's outbox, one
 * JSON object a line, for tests that check what metrics and notifications
 * will receive (kb.suggested, kb.deflection), via events.since.
 *   usage: hd-kb-events RPC_URL */
#include "alerts.pb-c.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "knowledge.pb-c.h"
#include "rpc.pb-c.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *ids_json(const uint64_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

static json_t *suggested(const ProtobufCBinaryData *p)
{
	Hd__KbSuggested *s = hd__kb_suggested__unpack(NULL, p->len, p->data);
	if (!s)
		return NULL;
	json_t *arts = json_array();
	for (size_t i = 0; i < s->n_suggestions; i++)
		json_array_append_new(
			arts,
			json_pack("{s:I, s:s, s:s, s:f, s:s}", "article_id",
				  (json_int_t)s->suggestions[i]->article_id,
				  "title", s->suggestions[i]->title, "html_url",
				  s->suggestions[i]->html_url, "score",
				  s->suggestions[i]->score, "kind",
				  s->suggestions[i]->kind));
	json_t *o = json_pack("{s:I, s:o}", "ticket_id",
			      (json_int_t)s->ticket_id, "suggestions", arts);
	hd__kb_suggested__free_unpacked(s, NULL);
	return o;
}

static json_t *deflection(const ProtobufCBinaryData *p)
{
	Hd__KbDeflection *d = hd__kb_deflection__unpack(NULL, p->len, p->data);
	if (!d)
		return NULL;
	json_t *o = json_pack(
		"{s:I, s:s, s:I, s:s, s:o, s:I, s:I}", "deflection_id",
		(json_int_t)d->deflection_id, "action", d->action, "user_id",
		(json_int_t)d->user_id, "locale", d->locale, "article_ids",
		ids_json(d->article_ids, d->n_article_ids), "article_id",
		(json_int_t)d->article_id, "at", (json_int_t)d->at);
	hd__kb_deflection__free_unpacked(d, NULL);
	return o;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s RPC_URL\n", argv[0]);
		return 2;
	}
	hd_rpc_client *c = NULL;
	hd_rpc_result res = {0};
	hd_principal who = {.role = "system"};
	Hd__EventsSinceRequest q = HD__EVENTS_SINCE_REQUEST__INIT;
	q.max = 10000;
	uint8_t buf[32];
	size_t len = hd__events_since_request__pack(&q, buf);
	int rc = hd_rpc_client_open(&c, argv[1]);
	if (!rc)
		rc = hd_rpc_call(c, "events.since", buf, len, &who, "kb-events",
				 10000, &res);
	if (!rc)
		rc = res.rc;
	Hd__EventsSinceReply *r =
		rc ? NULL
		   : hd__events_since_reply__unpack(NULL, res.len, res.payload);
	if (!rc && !r)
		rc = HD_E_DECODE;
	for (size_t i = 0; r && i < r->n_events; i++) {
		const Hd__Envelope *e = r->events[i];
		json_t *o = !strcmp(e->type, "kb.suggested")
				    ? suggested(&e->payload)
			    : !strcmp(e->type, "kb.deflection")
				    ? deflection(&e->payload)
				    : NULL;
		if (!o)
			continue;
		json_object_set_new(o, "type", json_string(e->type));
		char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		if (s)
			puts(s);
		free(s);
		json_decref(o);
	}
	hd__events_since_reply__free_unpacked(r, NULL);
	hd_rpc_result_release(&res);
	hd_rpc_client_close(c);
	if (rc)
		fprintf(stderr, "hd-kb-events: %s\n", hd_strerror(rc));
	return rc ? 1 : 0;
}
