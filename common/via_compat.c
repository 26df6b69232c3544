/* See hd/via_compat.h. */
#include "hd/via_compat.h"

#include "hd/err.h"
#include "hd/pb_unknown.h"
#include "hd/rule_value.h"
#include "hd/ticket_patch.h"
#include "hd/vocab.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { OLD_TICKET_SOURCE = 24, OLD_TICKET_UPDATE = 42, OLD_AUDIT_SOURCE = 7 };

/* The old text of field tag as a typed via into *out (left alone when set
 * already or the text does not parse); source_only: the text is via.source,
 * else {"channel",…,"source"}. */
static int take(ProtobufCMessage *m, uint32_t tag, bool source_only,
		Hd__Via **out, bool *changed)
{
	bool nomem = false;
	char *text = hd_pb_take_unknown_text(m, tag, &nomem);
	if (!text)
		return nomem ? HD_E_NOMEM : HD_OK;
	*changed = true;
	json_t *j = text[0] ? json_loads(text, 0, NULL) : NULL;
	free(text);
	if (j && source_only)
		j = json_pack("{s:o}", "source", j);
	int rc = HD_OK;
	Hd__Via *v = j && !*out ? hd_via_new() : NULL;
	if (v) {
		hd_patch_err err = {"", ""};
		rc = hd_via_from_json(j, v, &err);
		if (rc == HD_OK) {
			*out = v;
			v = NULL;
		} else if (rc != HD_E_NOMEM) {
			rc = HD_OK; /* unreadable old text: no via */
		}
	} else if (j && !*out) {
		rc = HD_E_NOMEM;
	}
	if (v)
		hd__via__free_unpacked(v, NULL);
	json_decref(j);
	return rc;
}

int hd_ticket_via_compat(Hd__Ticket *tk, bool *changed)
{
	bool ch = false;
	int rc = take(&tk->base, OLD_TICKET_SOURCE, true, &tk->via, &ch);
	if (!rc)
		rc = take(&tk->base, OLD_TICKET_UPDATE, false, &tk->update_via,
			  &ch);
	if (changed)
		*changed = ch;
	return rc;
}

int hd_audit_via_compat(Hd__Audit *au, bool *changed)
{
	bool ch = false;
	int rc = take(&au->base, OLD_AUDIT_SOURCE, true, &au->via, &ch);
	if (changed)
		*changed = ch;
	return rc;
}

int hd_ticket_via_fix(ProtobufCMessage *msg, bool *changed)
{
	return hd_ticket_via_compat((Hd__Ticket *)msg, changed);
}

int hd_audit_via_fix(ProtobufCMessage *msg, bool *changed)
{
	return hd_audit_via_compat((Hd__Audit *)msg, changed);
}

const char *hd_ticket_update_channel(const Hd__Ticket *tk)
{
	if (tk->update_via)
		return hd_via_name(tk->update_via->channel);
	const uint8_t *data;
	size_t len;
	if (hd_pb_unknown_bytes(&tk->base, OLD_TICKET_UPDATE, &data, &len))
		return "";
	json_t *j = json_loadb((const char *)data, len, 0, NULL);
	const char *s = json_string_value(json_object_get(j, "channel"));
	/* the vocabulary's own spelling outlives j */
	const char *name = s ? hd_via_name(hd_via_of(s)) : "";
	json_decref(j);
	return name;
}

Hd__Via *hd_via_copy(const Hd__Via *v)
{
	if (!v)
		return NULL;
	size_t n = hd__via__get_packed_size(v);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return NULL;
	hd__via__pack(v, buf);
	Hd__Via *c = hd__via__unpack(NULL, n, buf);
	free(buf);
	return c;
}
