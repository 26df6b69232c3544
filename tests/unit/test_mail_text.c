/* Unit tests for the e-mail channel's pure text helpers
 * (services/intake/mail_text.c): the reply trimmer, the subject's ticket
 * token and our Message-IDs. Compiled into this test directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mail.h"
#include "hd/obj_mac.h"
#include "unit.h"

#include "hd/cluster_key.h"
#include "hd/err.h"

#include <stdio.h>

/* The reply mail_trim_reply keeps of body, as a string. */
static char *kept(const char *body)
{
	static char out[4096];
	size_t n = mail_trim_reply(body, strlen(body));
	assert_true(n < sizeof out);
	memcpy(out, body, n);
	out[n] = '\0';
	return out;
}

static void test_trim_markers(void **state)
{
	(void)state;
	assert_string_equal(kept("고맙습니다.\n\nOn Mon, Mar 4, 2024 at 9:00 "
				 "AM Support <s@x.kr> wrote:\n> 질문\n"),
			    "고맙습니다.");
	/* Gmail wraps a long attribution over two lines. */
	assert_string_equal(kept("Thanks!\nOn Mon, Mar 4, 2024 at 9:00 AM Very "
				 "Long Name\n<someone@example.com> wrote:\n> "
				 "q\n"),
			    "Thanks!");
	assert_string_equal(kept("확인했습니다.\n\n2024년 3월 10일 (일) 오후 "
				 "3:00, 지원팀 <s@x.kr>님이 작성:\n> 안내\n"),
			    "확인했습니다.");
	assert_string_equal(kept("네.\r\n-----Original Message-----\r\nFrom: "
				 "a\r\n"),
			    "네.");
	assert_string_equal(kept("알겠습니다.\n\n-----원본 메시지-----\n보낸 "
				 "사람: 지원팀\n"),
			    "알겠습니다.");
	assert_string_equal(kept("위에 씁니다\n##- Please type your reply "
				 "above this line -##\n이전 내용\n"),
			    "위에 씁니다");
}

static void test_trim_quotes(void **state)
{
	(void)state;
	/* A trailing quoted block goes, blank lines inside it included. */
	assert_string_equal(kept("답장\n\n> 원문 1\n>\n> 원문 2\n\n"), "답장");
	/* Quotes answered inline stay: text follows them. */
	assert_string_equal(kept("> 질문?\n답: 네\n> 또?\n답: 아니요\n"),
			    "> 질문?\n답: 네\n> 또?\n답: 아니요");
	/* A quote right above a marker goes with it. */
	assert_string_equal(kept("ok\n> q\n\nOn Mon x wrote:\n> y\n"), "ok");
	/* Only history: keep it all rather than an empty comment. */
	assert_string_equal(kept("> 전부 인용\n> 입니다\n"),
			    "> 전부 인용\n> 입니다");
	assert_string_equal(kept("그냥 본문\n"), "그냥 본문");
	assert_string_equal(kept(""), "");
	/* "On" inside a sentence is not an attribution. */
	assert_string_equal(kept("On second thought, it works.\nThanks"),
			    "On second thought, it works.\nThanks");
}

static void test_subject_token(void **state)
{
	(void)state;
	assert_int_equal(mail_subject_ticket("Re: [#123] 로그인"), 123);
	assert_int_equal(mail_subject_ticket("RE: [Ticket #4567] x"), 4567);
	assert_int_equal(mail_subject_ticket("[ticket  #9]"), 9);
	assert_int_equal(mail_subject_ticket("[x] [#12]"), 12);
	assert_int_equal(mail_subject_ticket("no token"), 0);
	assert_int_equal(mail_subject_ticket("[#]"), 0);
	assert_int_equal(mail_subject_ticket("[#12"), 0);
	assert_int_equal(mail_subject_ticket("[#12a]"), 0);
	assert_int_equal(mail_subject_ticket("[#0]"), 0);
	assert_int_equal(mail_subject_ticket("#12"), 0);
	/* Overflow is no token, not a wrapped id. */
	assert_int_equal(mail_subject_ticket("[#99999999999999999999999]"), 0);
	assert_int_equal(mail_subject_ticket(""), 0);
}

/* "<head.{mac}@domain>" as notifications writes it. */
static const char *signed_id(const char *head, const char *domain)
{
	static char out[200];
	char mac[2 * HD_MAIL_MID_MAC_BYTES + 1];
	assert_int_equal(hd_obj_mac_hex(HD_MAIL_MID_MAC, head, strlen(head),
					HD_MAIL_MID_MAC_BYTES, mac, sizeof mac),
			 HD_OK);
	snprintf(out, sizeof out, "<%s.%s@%s>", head, mac, domain);
	return out;
}

static void test_message_ids(void **state)
{
	(void)state;
	uint8_t key[HD_CLUSTER_KEY_BYTES] = {7};
	hd_cluster_key_set(key);
	mail_ref r;
	assert_true(
		mail_ref_parse(signed_id("hd.t.256.a1B2", "hana.local"), &r));
	assert_int_equal(r.ticket_id, 256);
	assert_int_equal(r.side_conversation_id, 0);
	assert_true(mail_ref_parse(
		signed_id("hd.sc.77.512.z9", "hana.local") + 1, &r));
	assert_int_equal(r.ticket_id, 512);
	assert_int_equal(r.side_conversation_id, 77);
	/* The MAC binds every part: another ticket, unique or purpose fails. */
	char forged[200];
	snprintf(forged, sizeof forged, "%s",
		 signed_id("hd.t.256.a1B2", "hana.local"));
	memcpy(forged + 1, "hd.t.257", 8);
	assert_false(mail_ref_parse(forged, &r));
	snprintf(forged, sizeof forged, "%s",
		 signed_id("hd.t.256.a1B2", "hana.local"));
	forged[strlen("<hd.t.256.a1B2.")] ^= 1;
	assert_false(mail_ref_parse(forged, &r));
	/* The old, unsigned form is foreign now. */
	assert_false(mail_ref_parse("<hd.t.256.a1B2@hana.local>", &r));
	assert_false(mail_ref_parse("hd.sc.77.512.z9@hana.local", &r));
	assert_false(mail_ref_parse(signed_id("hd.t.256.", "hana.local"), &r));
	assert_false(
		mail_ref_parse(signed_id("hd.t.256.a-b", "hana.local"), &r));
	assert_false(mail_ref_parse(signed_id("hd.t.x.ab", "hana.local"), &r));
	assert_false(mail_ref_parse("hd.t.256.ab@", &r));
	/* Cut off right after a part: nothing is read past the end. */
	assert_false(mail_ref_parse("hd.t.256.ab", &r));
	assert_false(mail_ref_parse("<hd.sc.77.256.z9", &r));
	assert_false(mail_ref_parse("hd.sc.1.ab@x", &r));
	assert_false(mail_ref_parse("plain-0001@example.kr", &r));
	assert_int_equal(r.ticket_id, 0);
}

static void test_utf8_cut(void **state)
{
	(void)state;
	char s[] = "가나다"; /* 3 bytes each */
	mail_utf8_cut(s, 4);
	assert_string_equal(s, "가");
	char t[] = "abc  \n\t";
	mail_trim_space(t);
	assert_string_equal(t, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim_markers),
		cmocka_unit_test(test_trim_quotes),
		cmocka_unit_test(test_subject_token),
		cmocka_unit_test(test_message_ids),
		cmocka_unit_test(test_utf8_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
