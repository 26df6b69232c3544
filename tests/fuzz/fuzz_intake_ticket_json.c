/* The ticket endpoint's decoding and validation: arbitrary bytes as the
 * "ticket" object, made into an hd.TicketPatch as the gateway does
 * (hd_ticket_patch_from_json), the patch through the wire (pack, unpack)
 * and applied by intake (tk_apply, tk_diff) as a create and as an update,
 * by an admin and by an end-user. Each step accepts or names the field at
 * fault; nothing crashes and no accepted ticket holds invalid UTF-8. */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"
#include "hd/ticket_patch.h"
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

static void apply(const Hd__TicketPatch *p, const char *role, bool update)
{
	hd_principal who = {.user_id = 7};
	who.role = hd_role_of(role);
	Hd__Ticket *tk = fresh(update ? "open" : NULL);
	Hd__Ticket *before = update ? fresh("open") : NULL;
	tk_change ch = {0};
	hd_rpc_rep rep = {0};
	int rc = tk ? tk_apply(tk, before, p, &who, &ch, &rep) : HD_E_NOMEM;
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
	hd_patch_err err = {"", ""};
	Hd__TicketPatch *made = hd_ticket_patch_new(), *p = NULL;
	int rc = made && json_is_object(obj)
			 ? hd_ticket_patch_from_json(obj, made, &err)
			 : HD_E_NOMEM;
	if (rc == HD_E_INVALID && !err.field[0])
		abort(); /* a refusal must say what was wrong */
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 24);
	if (rc == HD_OK && hd_pb_pack(&b, made) == HD_OK)
		p = hd__ticket_patch__unpack(NULL, b.len,
					     (const uint8_t *)b.data);
	if (p) {
		apply(p, "admin", false);
		apply(p, "end-user", false);
		apply(p, "agent", true);
		apply(p, "end-user", true);
	}
	hd__ticket_patch__free_unpacked(p, NULL);
	hd_buf_release(&b);
	hd_ticket_patch_free(made);
	json_decref(obj);
	return 0;
}
