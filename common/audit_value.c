/* Audit event values and voice data as JSON; see hd/audit_value.h. */
#include "hd/audit_value.h"

#include "hd/pb_unknown.h"
#include "hd/rule_value.h"
#include "hd/time_iso.h"

/* The JSON text of old field `field` of m parsed with flags, or NULL. */
static json_t *old_json(const ProtobufCMessage *m, uint32_t field, int flags)
{
	const uint8_t *data;
	size_t len;
	if (hd_pb_unknown_bytes(m, field, &data, &len))
		return NULL;
	return json_loadb((const char *)data, len, flags, NULL);
}

json_t *hd_audit_value_json(const Hd__AuditEvent *e, bool previous)
{
	const Hd__RuleValue *v = previous ? e->previous_value : e->value;
	if (v)
		return hd_rule_value_json(v);
	json_t *old = old_json(&e->base, previous ? 5 : 4, JSON_DECODE_ANY);
	return old ? old : json_null();
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *hd_voice_data_json(const Hd__Comment *c)
{
	const Hd__VoiceData *d = c->voice;
	if (!d)
		return old_json(&c->base, 12, 0);
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:I, "
		"s:o, s:n}",
		"call_id", d->call_id, "direction", d->direction, "outcome",
		d->outcome, "from", d->from, "to", d->to, "recording_url",
		str_or_null(d->recording_url), "transcription_text",
		str_or_null(d->transcription_text), "started_at",
		hd_time_json(d->started_at), "answered_at",
		hd_time_json(d->answered_at), "ended_at",
		hd_time_json(d->ended_at), "call_duration",
		(json_int_t)d->call_duration, "wait_seconds",
		(json_int_t)d->wait_seconds, "answered_by_id",
		d->answered_by_id ? json_integer((json_int_t)d->answered_by_id)
				  : json_null(),
		"location");
}
