/* The trigger / automation check (routing rt_rule_apply): arbitrary bytes
 * as an hd.RuleSaveRequest, applied to a new trigger, a new automation and
 * a stored rule. It saves the values or refuses naming the field; never
 * crashes. */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/store_pb.h"
#include "rt_rules.h"

#include <stdlib.h>

static void apply(const Hd__RuleSaveRequest *sr, const char *kind, bool stored)
{
	Hd__Rule *r = hd_pb_new(&hd__rule__descriptor);
	if (!r || hd_pb_set_string(&r->kind, kind))
		abort();
	if (stored && (hd_pb_set_string(&r->title, "stored") ||
		       hd_pb_set_string(&r->description, "설명")))
		abort();
	hd_rpc_rep rep = {0};
	int rc = rt_rule_apply(sr, r, &rep);
	if (rc == HD_E_INVALID && !rep.message[0] && !rep.field[0])
		abort(); /* a refusal must say what was wrong */
	hd_buf_release(&rep.payload);
	hd__rule__free_unpacked(r, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Hd__RuleSaveRequest *sr =
		hd__rule_save_request__unpack(NULL, size, data);
	if (!sr)
		return 0;
	apply(sr, "trigger", false);
	apply(sr, "automation", false);
	apply(sr, "trigger", true);
	hd__rule_save_request__free_unpacked(sr, NULL);
	return 0;
}
