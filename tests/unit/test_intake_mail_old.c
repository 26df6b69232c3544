/* Unit tests for a mail.apply request an older build sent
 * (services/intake/mail_apply_old.c): via.source (field 8) and the
 * attachments (field 9) as JSON text read back typed; text that is not a via
 * is refused, not guessed at. Links libintake.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../services/intake/mail.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/ticket_patch.h"
#include "unit.h"

#include <string.h>

static const char src[] =
	"{\"from\":{\"address\":\"minji@example.kr\",\"name\":\"김민지\"},"
	"\"to\":{\"address\":\"help@example.kr\",\"name\":null},\"rel\":null}";
static const char atts[] =
	"[{\"id\":41,\"file_name\":\"영수증.pdf\",\"content_type\":"
	"\"application/pdf\",\"size\":1234}]";

static Hd__MailApplyRequest *old_request(hd_buf *b, const char *source,
					 const char *list)
{
	Hd__MailApplyRequest a = HD__MAIL_APPLY_REQUEST__INIT;
	a.subject = "환불 문의";
	assert_hd_ok(hd_pb_pack(b, &a));
	assert_hd_ok(hd_pb_put_bytes(b, 8, source, strlen(source)));
	assert_hd_ok(hd_pb_put_bytes(b, 9, list, strlen(list)));
	return hd__mail_apply_request__unpack(NULL, b->len,
					      (const uint8_t *)b->data);
}

static void test_old_request_reads(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	Hd__MailApplyRequest *a = old_request(&b, src, atts);
	assert_non_null(a);
	assert_null(a->via);
	assert_int_equal(a->n_attachments, 0);
	assert_hd_ok(mail_apply_old(a));
	assert_int_equal(a->base.n_unknown_fields, 0);
	assert_non_null(a->via);
	char *text = hd_via_source_text(a->via);
	assert_string_equal(text, src); /* the same via.source bytes */
	free(text);
	assert_int_equal(a->n_attachments, 1);
	assert_int_equal(a->attachments[0]->id, 41);
	assert_int_equal(a->attachments[0]->size, 1234);
	assert_string_equal(a->attachments[0]->file_name, "영수증.pdf");
	assert_string_equal(a->attachments[0]->content_type, "application/pdf");
	hd__mail_apply_request__free_unpacked(a, NULL);
	hd_buf_release(&b);
}

static void test_old_request_refused(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	Hd__MailApplyRequest *a = old_request(&b, "[\"not a source\"]", "[]");
	assert_non_null(a);
	assert_hd_rc(mail_apply_old(a), HD_E_INVALID);
	hd__mail_apply_request__free_unpacked(a, NULL);
	hd_buf_release(&b);
}

/* A request this build sent has nothing to do. */
static void test_new_request_untouched(void **state)
{
	(void)state;
	Hd__MailApplyRequest a = HD__MAIL_APPLY_REQUEST__INIT;
	assert_hd_ok(mail_apply_old(&a));
	assert_null(a.via);
	assert_int_equal(a.n_attachments, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_request_reads),
		cmocka_unit_test(test_old_request_refused),
		cmocka_unit_test(test_new_request_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
