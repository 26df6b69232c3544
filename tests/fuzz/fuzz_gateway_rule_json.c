/* The trigger / automation decoder (gateway gw_rule_read): arbitrary bytes
 * as a rule object, as a trigger and as an automation. It fills the typed
 * rules.save request, which must then pack and decode again, or answers
 * 422 naming the key; it never crashes. */
#include "fuzz.h"
#include "gw_rules.h"

#include "hd/buf.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

/* Defined by the gateway's main.c, which a fuzz target does not link. */
const char *const gw_peer_names[GW_PEERS] = {0};

static void decode(json_t *obj, const char *kind)
{
	Hd__RuleSaveRequest sr = HD__RULE_SAVE_REQUEST__INIT;
	gw_rule_input in;
	gw_resp out = {0};
	sr.kind = (char *)kind;
	int rc = gw_rule_read(obj, kind, &in, &sr, &out);
	if (rc != 0 && out.status != 422 && out.status != 400)
		abort(); /* a refusal must be an answer that says why */
	if (rc == 0) {
		hd_buf b;
		hd_buf_init(&b, (size_t)64 << 20);
		if (hd_pb_pack(&b, &sr))
			abort();
		Hd__RuleSaveRequest *back = hd__rule_save_request__unpack(
			NULL, b.len, (const uint8_t *)(b.data ? b.data : ""));
		if (!back || back->n_fields != sr.n_fields)
			abort();
		hd__rule_save_request__free_unpacked(back, NULL);
		hd_buf_release(&b);
	}
	gw_rule_input_release(&in);
	json_decref(out.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size,
				 JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	decode(obj, "trigger");
	decode(obj, "automation");
	json_decref(obj);
	return 0;
}
