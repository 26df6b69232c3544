/* Voice / CTI over HTTP.
 * POST /api/v2/hd/channels/voice {"call": {"call_id", "direction":
 *   "inbound"|"outbound", "caller", "called", "agent_id"?, "started_at",
 *   "answered_at"?, "ended_at"?, "wait_seconds"?, "talk_seconds"?,
 *   "recording_url"?, "transcript"?, "outcome": "answered"|"missed"|
 *   "abandoned"|"voicemail"}}
 * The customer is the caller of an inbound call and the called number of an
 * outbound one, found by phone number (voice.caller) or created as an
 * end-user with that phone. intake adds a VoiceComment to the customer's
 * open ticket or opens one (missed/abandoned: a callback ticket). Answers
 * 201 {"result": "ticket"|"comment", "ticket", "call"}, or 200 with
 * "duplicate" for a call_id seen before.
 * GET /api/v2/hd/channels/voice/calls?ticket_id=&agent_id=&start_time=
 *   &end_time= (ISO 8601 or epoch seconds; offset pagination) → {"calls"}. */
#include "gw_channels.h"

#include "hd/call_order.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/phone.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRANSCRIPT     ((size_t)256 << 10)
#define MAX_URL            2048
#define MAX_SECONDS        (7 * 86400)
#define MAX_OFFSET_RECORDS 10000

typedef struct call_in {
	Hd__CallRecord c;
	char caller[HD_PHONE_MAX], called[HD_PHONE_MAX];
} call_in;

static int one_of(json_t *obj, const char *key, const char *const *allowed,
		  const char **v, const char *why, gw_resp *out)
{
	int rc = gw_channel_str(obj, key, key, 16, true, v, out);
	for (size_t i = 0; !rc && allowed[i]; i++)
		if (strcmp(*v, allowed[i]) == 0)
			return HD_OK;
	return rc ? rc : gw_invalid(out, key, why);
}

static int phone(json_t *obj, const char *key, char norm[HD_PHONE_MAX],
		 gw_resp *out)
{
	const char *s;
	int rc = gw_channel_str(obj, key, key, 64, true, &s, out);
	if (!rc && !hd_phone_norm(s, norm))
		rc = gw_invalid(out, key, "is not a phone number");
	return rc;
}

static int seconds(json_t *obj, const char *key, uint32_t *v, gw_resp *out)
{
	uint64_t n = 0;
	int rc = gw_channel_uint(obj, key, key, &n, out);
	if (!rc && n > MAX_SECONDS)
		rc = gw_invalid(out, key, "is longer than a week");
	*v = (uint32_t)n;
	return rc;
}

static int read_texts(json_t *call, Hd__CallRecord *c, gw_resp *out)
{
	const char *url, *text;
	int rc = gw_channel_str(call, "recording_url", "recording_url", MAX_URL,
				false, &url, out);
	if (!rc && url && strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0)
		rc = gw_invalid(out, "recording_url", "must be an http(s) URL");
	if (!rc)
		rc = gw_channel_str(call, "transcript", "transcript",
				    MAX_TRANSCRIPT, false, &text, out);
	if (rc)
		return rc;
	c->recording_url = (char *)(url ? url : "");
	c->transcript = (char *)(text ? text : "");
	return HD_OK;
}

static int read_call(gw *g, gw_req *r, json_t *call, call_in *in, gw_resp *out)
{
	static const char *const dirs[] = {"inbound", "outbound", NULL};
	static const char *const outcomes[] = {"answered", "missed",
					       "abandoned", "voicemail", NULL};
	Hd__CallRecord *c = &in->c;
	const char *id, *dir, *outcome;
	int rc = gw_channel_id(call, "call_id", &id, out);
	if (!rc)
		rc = one_of(call, "direction", dirs, &dir,
			    "must be inbound or outbound", out);
	if (!rc)
		rc = one_of(call, "outcome", outcomes, &outcome,
			    "must be answered, missed, abandoned or voicemail",
			    out);
	if (!rc)
		rc = phone(call, "caller", in->caller, out);
	if (!rc)
		rc = phone(call, "called", in->called, out);
	if (!rc)
		rc = gw_channel_uint(call, "agent_id", "agent_id", &c->agent_id,
				     out);
	if (!rc && !c->agent_id && strcmp(outcome, "answered") == 0)
		rc = gw_invalid(out, "agent_id",
				"answered calls need an agent");
	if (!rc && c->agent_id)
		rc = gw_channel_agent(g, r, c->agent_id, "agent_id", out);
	if (!rc)
		rc = gw_channel_time(call, "started_at", "started_at", true,
				     &c->started_at, out);
	if (!rc)
		rc = gw_channel_time(call, "answered_at", "answered_at", false,
				     &c->answered_at, out);
	if (!rc)
		rc = gw_channel_time(call, "ended_at", "ended_at", false,
				     &c->ended_at, out);
	if (!rc)
		rc = seconds(call, "wait_seconds", &c->wait_seconds, out);
	if (!rc)
		rc = seconds(call, "talk_seconds", &c->talk_seconds, out);
	if (!rc)
		rc = read_texts(call, c, out);
	if (rc)
		return rc;
	c->call_id = (char *)id;
	c->direction = (char *)dir;
	c->outcome = (char *)outcome;
	c->caller = in->caller;
	c->called = in->called;
	return HD_OK;
}

/* The end-user behind the customer's number, created when unknown. */
static int customer(gw *g, gw_req *r, const char *number, uint64_t *id,
		    gw_resp *out)
{
	Hd__PhoneLookup pl = HD__PHONE_LOOKUP__INIT;
	Hd__User *u = NULL;
	pl.phone = (char *)number;
	int rc = gw_call(g, g->intake[0], r, "voice.caller", &pl,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc == HD_OK) {
		*id = u->id;
		hd__user__free_unpacked(u, NULL);
		return HD_OK;
	}
	if (out->status != 404)
		return rc;
	char name[64];
	snprintf(name, sizeof name, "전화 고객 %s", number);
	Hd__User nu = HD__USER__INIT;
	nu.name = name;
	nu.phone = (char *)number;
	nu.role = "end-user";
	char *fields[] = {"name", "phone", "role"};
	Hd__UserWriteRequest wr = HD__USER_WRITE_REQUEST__INIT;
	wr.user = &nu;
	wr.fields = fields;
	wr.n_fields = 3;
	Hd__UserWriteReply *rep = NULL;
	json_decref(out->body);
	out->body = NULL;
	rc = gw_call(g, g->intake[0], r, "users.create", &wr,
		     &hd__user_write_reply__descriptor, (void **)&rep, out);
	if (!rc)
		*id = rep->user->id;
	hd__user_write_reply__free_unpacked(rep, NULL);
	return rc;
}

static json_t *call_json(const Hd__CallRecord *c)
{
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:o, "
		"s:s}",
		"call_id", c->call_id, "direction", c->direction, "caller",
		c->caller, "called", c->called, "agent_id",
		c->agent_id ? json_integer((json_int_t)c->agent_id)
			    : json_null(),
		"started_at", gw_time_json(c->started_at), "answered_at",
		gw_time_json(c->answered_at), "ended_at",
		gw_time_json(c->ended_at), "wait_seconds",
		(json_int_t)c->wait_seconds, "talk_seconds",
		(json_int_t)c->talk_seconds, "recording_url",
		gw_str_or_null(c->recording_url), "transcript",
		gw_str_or_null(c->transcript), "outcome", c->outcome);
	json_object_set_new(o, "customer_id",
			    json_integer((json_int_t)c->customer_id));
	json_object_set_new(o, "ticket_id",
			    json_integer((json_int_t)c->ticket_id));
	json_object_set_new(o, "comment_id",
			    json_integer((json_int_t)c->comment_id));
	json_object_set_new(o, "recorded_at", gw_time_json(c->recorded_at));
	return o;
}

static int voice_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *call = NULL;
	call_in in;
	Hd__ChannelReply *rep = NULL;
	hd__call_record__init(&in.c);
	int rc = gw_channel_staff(r, out);
	if (!rc)
		rc = gw_req_object(r, out, "call", &root, &call);
	if (!rc)
		rc = read_call(g, r, call, &in, out);
	if (!rc)
		rc = customer(g, r,
			      strcmp(in.c.direction, "outbound") == 0
				      ? in.called
				      : in.caller,
			      &in.c.customer_id, out);
	if (!rc)
		rc = gw_call(g,
			     g->intake[gw_ticket_spread(in.c.customer_id,
							g->shards)],
			     r, "voice.ingest", &in.c,
			     &hd__channel_reply__descriptor, (void **)&rep,
			     out);
	if (!rc) {
		const char *result = rep->duplicate ? "duplicate"
				     : rep->created ? "ticket"
						    : "comment";
		gw_channel_reply(r, out, rep, result);
		json_object_set_new(out->body, "call", call_json(rep->call));
		hd_info("voice.ingested",
			"ticket=%llu result=%s outcome=%s trace=%s",
			(unsigned long long)rep->ticket->id, result,
			rep->call->outcome, r->trace);
	}
	hd__channel_reply__free_unpacked(rep, NULL);
	json_decref(root);
	return rc;
}

/* ---- GET …/voice/calls ---- */

static int time_param(gw_req *r, const char *name, int64_t *ms, gw_resp *out)
{
	const char *v = gw_query(r, name);
	uint64_t secs;
	*ms = 0;
	if (!v)
		return HD_OK;
	if (hd_parse_u64(v, &secs) == HD_OK && secs < (uint64_t)1 << 40) {
		*ms = (int64_t)secs * 1000;
		return HD_OK;
	}
	json_t *o = json_pack("{s:s}", name, v);
	int rc = gw_channel_time(o, name, name, true, ms, out);
	json_decref(o);
	if (rc)
		gw_error(out, 400, "InvalidValue",
			 "start_time and end_time are ISO 8601 times or epoch "
			 "seconds");
	return rc;
}

static int id_param(gw_req *r, const char *name, uint64_t *id, gw_resp *out)
{
	const char *v = gw_query(r, name);
	*id = 0;
	if (v && (hd_parse_u64(v, id) || *id == 0))
		return gw_error(out, 400, "InvalidValue",
				"ticket_id and agent_id are positive integers");
	return HD_OK;
}

/* Each shard's newest page*size records, merged and cut to the page. */
static int calls_list(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	Hd__CallListRequest q = HD__CALL_LIST_REQUEST__INIT;
	int rc = gw_channel_staff(r, out);
	if (!rc)
		rc = gw_page_parse(r, &p, 100, MAX_OFFSET_RECORDS, out);
	if (!rc && p.cursor)
		rc = gw_error(out, 400, "InvalidPaginationParameter",
			      "calls use offset pagination (page, per_page)");
	if (!rc)
		rc = id_param(r, "ticket_id", &q.ticket_id, out);
	if (!rc)
		rc = id_param(r, "agent_id", &q.agent_id, out);
	if (!rc)
		rc = time_param(r, "start_time", &q.start_time, out);
	if (!rc)
		rc = time_param(r, "end_time", &q.end_time, out);
	if (rc)
		return rc;
	q.limit = (uint32_t)(p.page * p.size);
	Hd__CallList *reps[GW_MAX_SHARDS] = {0};
	Hd__CallRecord **all = NULL;
	size_t n = 0, nmissing = 0;
	uint64_t count = 0;
	unsigned missing[GW_MAX_SHARDS];
	for (unsigned s = 0; s < g->shards && !rc; s++) {
		if (q.ticket_id &&
		    gw_ticket_shard(g, q.ticket_id) != g->intake[s])
			continue;
		rc = gw_call(g, g->intake[s], r, "voice.calls", &q,
			     &hd__call_list__descriptor, (void **)&reps[s],
			     out);
		if (!q.ticket_id &&
		    gw_skip_shard(g, rc, s, missing, &nmissing, out)) {
			rc = HD_OK; /* answer from the others, marked */
			continue;
		}
		if (rc)
			break;
		count += reps[s]->count;
		Hd__CallRecord **grown =
			realloc(all, (n + reps[s]->n_calls + 1) * sizeof *all);
		if (!grown) {
			rc = gw_from_err(out, HD_E_NOMEM, "out of memory");
			break;
		}
		all = grown;
		for (size_t i = 0; i < reps[s]->n_calls; i++)
			all[n++] = reps[s]->calls[i];
	}
	if (!rc) {
		if (n)
			qsort(all, n, sizeof *all, hd_call_newest_first);
		size_t start = (size_t)((p.page - 1) * p.size);
		size_t end = start + p.size < n ? start + p.size : n;
		json_t *arr = json_array();
		for (size_t i = start; i < end; i++)
			json_array_append_new(arr, call_json(all[i]));
		out->status = 200;
		out->body = json_pack("{s:o}", "calls", arr);
		gw_page_links(r, &p, out->body, count, n > end, NULL, NULL);
		gw_partial(out, missing, nmissing);
	}
	free(all);
	for (unsigned s = 0; s < g->shards; s++)
		hd__call_list__free_unpacked(reps[s], NULL);
	return rc;
}

const gw_route gw_voice_routes[] = {
	{"POST", "/api/v2/hd/channels/voice", voice_create, GW_AUTH_USER},
	{"GET", "/api/v2/hd/channels/voice/calls", calls_list, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
