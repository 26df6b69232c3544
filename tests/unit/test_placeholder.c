/* Unit tests for the placeholder renderer (common/placeholder.c): values by
 * dotted path, escaping per target, missing data renders empty, malformed
 * tags stay literal, Korean text passes through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/placeholder.h"
#include "unit.h"

static json_t *context(void)
{
	return json_pack("{s:{s:I, s:s, s:s, s:{s:s}, s:n, s:b, s:f}, "
			 "s:{s:s}}",
			 "ticket", "id", (json_int_t)256, "title",
			 "배송이 지연돼요 <급함>", "status", "open",
			 "requester", "name", "김 민수", "assignee", "urgent",
			 1, "score", 1.5, "current_user", "name",
			 "Ann \"A\" Lee");
}

static char *render(const char *tmpl, hd_ph_escape esc)
{
	json_t *ctx = context();
	hd_buf out;
	hd_buf_init(&out, 4096);
	assert_hd_ok(hd_placeholder_render(tmpl, strlen(tmpl), ctx, esc, &out));
	json_decref(ctx);
	char *s = hd_buf_detach(&out, NULL);
	return s ? s : strdup("");
}

static void expect(const char *tmpl, hd_ph_escape esc, const char *want)
{
	char *got = render(tmpl, esc);
	assert_string_equal(got, want);
	free(got);
}

static void test_values_by_path(void **state)
{
	(void)state;
	expect("#{{ticket.id}} {{ ticket.status }}", HD_PH_TEXT, "#256 open");
	expect("{{ticket.title}}", HD_PH_TEXT, "배송이 지연돼요 <급함>");
	expect("{{ticket.urgent}}/{{ticket.score}}", HD_PH_TEXT, "true/1.5");
	expect("안녕하세요 {{ticket.requester.name}}님", HD_PH_TEXT,
	       "안녕하세요 김 민수님");
}

static void test_first_name_falls_back_to_first_word(void **state)
{
	(void)state;
	expect("{{ticket.requester.first_name}}", HD_PH_TEXT, "김");
	expect("{{current_user.first_name}}", HD_PH_TEXT, "Ann");
	expect("{{ticket.assignee.first_name}}", HD_PH_TEXT, "");
}

static void test_missing_renders_empty(void **state)
{
	(void)state;
	expect("[{{ticket.assignee.name}}]", HD_PH_TEXT, "[]");
	expect("[{{nothing.at.all}}]", HD_PH_TEXT, "[]");
	expect("[{{ticket.requester}}]", HD_PH_TEXT, "[]"); /* an object */
	expect("[{{ticket..id}}]", HD_PH_TEXT, "[]");
}

static void test_malformed_tags_are_literal(void **state)
{
	(void)state;
	expect("{{ticket.id", HD_PH_TEXT, "{{ticket.id");
	expect("{ {ticket.id}}", HD_PH_TEXT, "{ {ticket.id}}");
	expect("{{ticket id}}", HD_PH_TEXT, "{{ticket id}}");
	expect("{{}}{{{ticket.id}}}", HD_PH_TEXT, "{{}}{256}");
	expect("{", HD_PH_TEXT, "{");
}

static void test_escaping(void **state)
{
	(void)state;
	expect("<p>{{ticket.title}}</p>", HD_PH_HTML,
	       "<p>배송이 지연돼요 &lt;급함&gt;</p>");
	expect("{\"who\":\"{{current_user.name}}\"}", HD_PH_JSON,
	       "{\"who\":\"Ann \\\"A\\\" Lee\"}");
}

static void test_output_bound(void **state)
{
	(void)state;
	json_t *ctx = context();
	hd_buf out;
	hd_buf_init(&out, 8);
	const char *t = "{{ticket.title}}";
	assert_hd_rc(hd_placeholder_render(t, strlen(t), ctx, HD_PH_TEXT, &out),
		     HD_E_TOOBIG);
	hd_buf_release(&out);
	json_decref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_by_path),
		cmocka_unit_test(test_first_name_falls_back_to_first_word),
		cmocka_unit_test(test_missing_renders_empty),
		cmocka_unit_test(test_malformed_tags_are_literal),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_output_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
