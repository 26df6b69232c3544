/* The ticket endpoint's JSON decoding and validation (intake's tk_apply and
 * tk_diff): arbitrary bytes as the "ticket" object, applied as a create and
 * as an update, by an admin and by an end-user. It accepts or names the
 * field at fault; it never crashes and never leaves invalid UTF-8 in a
 * ticket it accepted. */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/text.h"
#include "tickets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A stored-looking ticket with status (NULL: unset); NULL when out of
 * memory. */
static Hd__Ticket *fresh(const char *status)
{
	Hd__Ticket *tk = calloc(1, sizeof *tk);
	if (!tk)
		return NULL;
	hd__ticket__init(tk);
	tk->id = 256;
	tk->requester_id = 7;
	if (hd_pb_set_string(&tk->via_channel, "api") ||
	    (status && hd_pb_set_string(&tk->status, status))) {
		hd__ticket__free_unpacked(tk, NULL);
		return NULL;
	}
	return tk;
}

static void apply(json_t *obj, const char *role, bool update)
{
	hd_principal who = {.user_id = 7};
	who.role = hd_role_of(role);
	Hd__Ticket *tk = fresh(update ? "open" : NULL);
	Hd__Ticket *before = update ? fresh("open") : NULL;
	tk_change ch = {0};
	hd_rpc_rep rep = {0};
	int rc = tk ? tk_apply(tk, before, obj, &who, &ch, &rep) : HD_E_NOMEM;
	if (rc == HD_OK) {
		rc = tk_diff(tk, before, &ch);
		if (!hd_utf8_valid(tk->subject, strlen(tk->subject)) ||
		    (ch.comment_body &&
		     !hd_utf8_valid(ch.comment_body, strlen(ch.comment_body))))
			abort();
	} else if (rc == HD_E_INVALID && !rep.field[0] && !rep.message[0]) {
		abort(); /* a refusal must say what was wrong */
	}
	tk_change_release(&ch);
	hd_buf_release(&rep.payload);
	hd__ticket__free_unpacked(tk, NULL);
	hd__ticket__free_unpacked(before, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size,
				 JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	apply(obj, "admin", false);
	apply(obj, "end-user", false);
	apply(obj, "agent", true);
	apply(obj, "end-user", true);
	json_decref(obj);
	return 0;
}
