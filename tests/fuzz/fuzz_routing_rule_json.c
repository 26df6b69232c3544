/* The trigger / automation decoder (routing rt_rule_from_json): arbitrary
 * bytes as a rule object, as a trigger and as an automation, created and
 * updated. It fills the rule or refuses naming the field; never crashes. */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/store_pb.h"
#include "rt_rules.h"

#include <stdlib.h>

static void decode(json_t *obj, const char *kind, bool creating)
{
	Hd__Rule r = HD__RULE__INIT;
	if (hd_pb_set_string(&r.kind, kind))
		return;
	hd_rpc_rep rep = {0};
	int rc = rt_rule_from_json(obj, &r, creating, &rep);
	if (rc == HD_E_INVALID && !rep.message[0] && !rep.field[0])
		abort(); /* a refusal must say what was wrong */
	hd_buf_release(&rep.payload);
	/* r lives on the stack; free what it owns, not r itself */
	Hd__Rule *heap = malloc(sizeof *heap);
	if (!heap)
		abort();
	*heap = r;
	hd__rule__free_unpacked(heap, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size,
				 JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	decode(obj, "trigger", true);
	decode(obj, "automation", true);
	decode(obj, "trigger", false);
	json_decref(obj);
	return 0;
}
