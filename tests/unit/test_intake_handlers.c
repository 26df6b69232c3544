/* Handler-level tests of intake's tickets (tickets.c): tickets.write
 * creates and updates from the Zendesk JSON, tickets.get and
 * tickets.comments read back with the caller's rights, called directly on a fresh store with intake's
 * modules bound as main.c binds them. Links libintake.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/ticket_patch.h"
#include "unit_intake.h"

static const hd_rpc_route *const routes[] = {intake_tickets_routes, NULL};

typedef struct fx {
	unit_store u;
	intake in;
	hd_principal agent, user, other, nobody;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	unit_intake_open(&f->u, &f->in);
	f->agent = unit_who("agent", INTAKE_ID(2, 0));
	f->user = unit_who("end-user", INTAKE_ID(3, 0));
	f->other = unit_who("end-user", INTAKE_ID(4, 0));
	f->nobody = unit_who("", 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	unit_intake_close(&f->u, &f->in);
	free(f);
	return 0;
}

/* tickets.write of the "ticket" object json as who, made into a patch as
 * the gateway makes it (its refusals answered in rep the same way); on
 * HD_OK the reply's ticket id. */
static int write_ticket(fx *f, const hd_principal *who, uint64_t id,
			const char *json, uint64_t *out, hd_rpc_rep *rep)
{
	Hd__TicketWriteRequest w = HD__TICKET_WRITE_REQUEST__INIT;
	hd_patch_err err = {"", ""};
	json_t *obj = json_loads(json, 0, NULL);
	w.id = id;
	w.patch = hd_ticket_patch_new();
	assert_non_null(w.patch);
	int rc = obj ? hd_ticket_patch_from_json(obj, w.patch, &err)
		     : hd_rpc_fail(rep, HD_E_INVALID, "ticket",
				   "ticket: is not JSON");
	json_decref(obj);
	if (rc == HD_E_INVALID && err.field[0])
		hd_rpc_fail(rep, rc, err.field, "%s", err.message);
	if (!rc)
		rc = unit_call(routes, &f->in, "tickets.write", &w.base, who,
			       rep);
	hd_ticket_patch_free(w.patch);
	if (!rc) {
		Hd__TicketWriteReply *r = unit_rep_decode(
			rep, &hd__ticket_write_reply__descriptor);
		assert_non_null(r->ticket);
		*out = r->ticket->id;
		hd__ticket_write_reply__free_unpacked(r, NULL);
	}
	return rc;
}

static Hd__Ticket *get_ticket(fx *f, const hd_principal *who, uint64_t id,
			      int want)
{
	hd_rpc_rep rep;
	Hd__TicketGetRequest g = HD__TICKET_GET_REQUEST__INIT;
	g.id = id;
	assert_rep_rc(
		unit_call(routes, &f->in, "tickets.get", &g.base, who, &rep),
		&rep, want);
	Hd__Ticket *tk =
		want ? NULL : unit_rep_decode(&rep, &hd__ticket__descriptor);
	unit_rep_release(&rep);
	return tk;
}

/* Rewrite ticket id as a build before the typed via stored it: via.source
 * in field 24 and the latest write's via in 42 as JSON text. */
typedef struct old_rec {
	fx *f;
	uint64_t id;
} old_rec;

static int make_old(hd_txn *t, void *arg)
{
	old_rec *o = arg;
	static const char src[] =
		"{\"from\":{\"address\":\"minji@example.kr\","
		"\"name\":\"김민지\"},\"to\":{},\"rel\":null}";
	static const char upd[] = "{\"channel\":\"email\"}";
	Hd__Ticket *tk = NULL;
	assert_hd_ok(hd_txn_get_pb_id(t, o->f->in.tk.tickets, o->id,
				      &hd__ticket__descriptor, (void **)&tk));
	hd__via__free_unpacked(tk->via, NULL);
	hd__via__free_unpacked(tk->update_via, NULL);
	tk->via = tk->update_via = NULL;
	hd_buf b;
	hd_buf_init(&b, 1 << 20);
	assert_hd_ok(hd_pb_pack(&b, tk));
	assert_hd_ok(hd_pb_put_bytes(&b, 24, src, strlen(src)));
	assert_hd_ok(hd_pb_put_bytes(&b, 42, upd, strlen(upd)));
	uint8_t key[8];
	hd_key_u64(key, o->id);
	hd_txn_put(t, o->f->in.tk.tickets, key, 8, b.data, b.len);
	hd_txn_del(t, o->f->in.meta, "via_typed", strlen("via_typed"));
	hd_buf_release(&b);
	hd__ticket__free_unpacked(tk, NULL);
	return t->rc;
}

/* A ticket an older build stored still reads with its via after intake
 * starts on the store (the via is typed once, at start). */
static void test_old_via_record(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0;
	assert_rep_rc(write_ticket(f, &f->user, 0,
				   "{\"subject\":\"환불 요청\","
				   "\"comment\":{\"body\":\"확인 부탁\"}}",
				   &id, &rep),
		      &rep, HD_OK);
	unit_rep_release(&rep);
	Hd__Ticket *tk = get_ticket(f, &f->agent, id, HD_OK);
	assert_non_null(tk->update_via); /* written typed */
	hd__ticket__free_unpacked(tk, NULL);
	old_rec o = {f, id};
	assert_hd_ok(hd_store_write(f->in.store, make_old, &o));
	tk = get_ticket(f, &f->agent, id, HD_OK);
	assert_null(tk->via); /* the old text is there, not yet typed */
	hd__ticket__free_unpacked(tk, NULL);
	intake_tickets_stop(&f->in);
	assert_hd_ok(intake_tickets_start(&f->in));
	tk = get_ticket(f, &f->agent, id, HD_OK);
	assert_int_equal(tk->base.n_unknown_fields, 0);
	assert_non_null(tk->via);
	assert_string_equal(tk->via->from->address, "minji@example.kr");
	assert_string_equal(tk->via->from->name, "김민지");
	char *text = hd_via_source_text(tk->via);
	assert_string_equal(text,
			    "{\"from\":{\"address\":\"minji@example.kr\","
			    "\"name\":\"김민지\"},\"to\":{},\"rel\":null}");
	free(text);
	assert_int_equal(tk->update_via->channel, HD__VIA_CHANNEL__VIA_EMAIL);
	assert_string_equal(tk->subject, "환불 요청");
	hd__ticket__free_unpacked(tk, NULL);
}

static void test_create_then_get(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0;
	assert_rep_rc(write_ticket(f, &f->user, 0,
				   "{\"subject\":\"배송이 늦어요\","
				   "\"comment\":{\"body\":\"주문 3일째\"}}",
				   &id, &rep),
		      &rep, HD_OK);
	unit_rep_release(&rep);
	assert_true(id > 0);
	assert_int_equal(INTAKE_SHARD_OF(id), 0);

	Hd__Ticket *tk = get_ticket(f, &f->agent, id, HD_OK);
	assert_int_equal(tk->id, id);
	assert_string_equal(tk->subject, "배송이 늦어요");
	assert_string_equal(tk->status, "new");
	assert_int_equal(tk->requester_id, f->user.user_id);
	assert_true(tk->created_at > 0);
	hd__ticket__free_unpacked(tk, NULL);

	/* The requester sees it; another end-user gets "not found". */
	tk = get_ticket(f, &f->user, id, HD_OK);
	hd__ticket__free_unpacked(tk, NULL);
	get_ticket(f, &f->other, id, HD_E_NOTFOUND);
}

static void test_update_changes_fields(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0, same = 0;
	assert_hd_ok(
		write_ticket(f, &f->agent, 0,
			     "{\"subject\":\"환불\",\"comment\":{\"body\":"
			     "\"b\"},\"requester_id\":768,\"tags\":[\"배송\","
			     "\"vip\"]}",
			     &id, &rep));
	unit_rep_release(&rep);
	assert_rep_rc(write_ticket(f, &f->agent, id,
				   "{\"status\":\"pending\",\"priority\":"
				   "\"urgent\"}",
				   &same, &rep),
		      &rep, HD_OK);
	unit_rep_release(&rep);
	assert_int_equal(same, id);
	Hd__Ticket *tk = get_ticket(f, &f->agent, id, HD_OK);
	assert_string_equal(tk->status, "pending");
	assert_string_equal(tk->priority, "urgent");
	assert_int_equal(tk->requester_id, 768);
	assert_string_equal(tk->subject, "환불");
	assert_int_equal(tk->n_tags, 2);
	hd__ticket__free_unpacked(tk, NULL);
}

static Hd__CommentList *comments(fx *f, const hd_principal *who, uint64_t id,
				 int want)
{
	hd_rpc_rep rep;
	Hd__TicketChildRequest q = HD__TICKET_CHILD_REQUEST__INIT;
	q.ticket_id = id;
	assert_rep_rc(unit_call(routes, &f->in, "tickets.comments", &q.base,
				who, &rep),
		      &rep, want);
	Hd__CommentList *l =
		want ? NULL
		     : unit_rep_decode(&rep, &hd__comment_list__descriptor);
	unit_rep_release(&rep);
	return l;
}

static void test_comments_hide_private_notes(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0, same = 0;
	assert_hd_ok(write_ticket(f, &f->user, 0,
				  "{\"subject\":\"배송\",\"comment\":{\"body\":"
				  "\"언제 오나요?\"}}",
				  &id, &rep));
	unit_rep_release(&rep);
	assert_hd_ok(write_ticket(f, &f->agent, id,
				  "{\"comment\":{\"body\":\"창고 확인 중\","
				  "\"public\":false}}",
				  &same, &rep));
	unit_rep_release(&rep);

	Hd__CommentList *l = comments(f, &f->agent, id, HD_OK);
	assert_int_equal(l->n_comments, 2);
	assert_string_equal(l->comments[0]->body, "언제 오나요?");
	assert_true(l->comments[0]->public_);
	assert_int_equal(l->comments[0]->author_id, f->user.user_id);
	assert_string_equal(l->comments[1]->body, "창고 확인 중");
	assert_false(l->comments[1]->public_);
	hd__comment_list__free_unpacked(l, NULL);

	/* The requester sees only the public comment; others nothing. */
	l = comments(f, &f->user, id, HD_OK);
	assert_int_equal(l->n_comments, 1);
	assert_string_equal(l->comments[0]->body, "언제 오나요?");
	hd__comment_list__free_unpacked(l, NULL);
	comments(f, &f->other, id, HD_E_NOTFOUND);
	comments(f, &f->agent, INTAKE_ID(99, 0), HD_E_NOTFOUND);
}

static void test_write_refused(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0;
	/* Nobody signed in. */
	assert_rep_rc(write_ticket(f, &f->nobody, 0, "{\"subject\":\"x\"}", &id,
				   &rep),
		      &rep, HD_E_UNAUTHORIZED);
	unit_rep_release(&rep);
	/* An end-user may not tag. */
	assert_rep_rc(write_ticket(f, &f->user, 0,
				   "{\"subject\":\"x\",\"comment\":{\"body\":"
				   "\"b\"},\"tags\":[\"vip\"]}",
				   &id, &rep),
		      &rep, HD_E_FORBIDDEN);
	assert_string_equal(rep.field, "tags");
	unit_rep_release(&rep);
	/* Not JSON. */
	assert_rep_rc(write_ticket(f, &f->agent, 0, "{\"subject\":", &id, &rep),
		      &rep, HD_E_INVALID);
	assert_string_equal(rep.field, "ticket");
	unit_rep_release(&rep);
	/* A status that does not exist. */
	assert_rep_rc(write_ticket(f, &f->agent, 0,
				   "{\"subject\":\"x\",\"comment\":{\"body\":"
				   "\"b\"},\"status\":\"later\"}",
				   &id, &rep),
		      &rep, HD_E_INVALID);
	assert_non_null(strstr(rep.field, "status"));
	unit_rep_release(&rep);
	/* Bytes that are not a TicketWriteRequest. */
	static const uint8_t junk[] = {0xff, 0xff, 0xff};
	assert_rep_rc(unit_call_raw(routes, &f->in, "tickets.write", junk,
				    sizeof junk, &f->agent, &rep),
		      &rep, HD_E_DECODE);
	unit_rep_release(&rep);
	/* Nothing above was stored. */
	get_ticket(f, &f->agent, INTAKE_ID(1, 0), HD_E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_then_get, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update_changes_fields,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_comments_hide_private_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_via_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_refused, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
