/* Unit tests for the HTML sanitizer and stripper (common/html_sanitize.c):
 * hostile markup never survives — scripts, event handlers, javascript:,
 * data: and vbscript: URLs, entity-obfuscated schemes — while ordinary
 * article markup and Korean text come through; text extraction for search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/html.h"
#include "unit.h"

#include <string.h>
#include <strings.h>

static char out_s[8192];

static const char *sanitize(const char *in)
{
	hd_buf b;
	hd_buf_init(&b, sizeof out_s - 1);
	assert_hd_ok(hd_html_sanitize(&b, in, strlen(in)));
	snprintf(out_s, sizeof out_s, "%s", b.data ? b.data : "");
	hd_buf_release(&b);
	return out_s;
}

static const char *text(const char *in)
{
	hd_buf b;
	hd_buf_init(&b, sizeof out_s - 1);
	assert_hd_ok(hd_html_to_text(&b, in, strlen(in)));
	snprintf(out_s, sizeof out_s, "%s", b.data ? b.data : "");
	hd_buf_release(&b);
	return out_s;
}

static void test_keeps_article_markup(void **state)
{
	(void)state;
	assert_string_equal(sanitize("<p>배송이 <strong>지연</strong>되면</p>"),
			    "<p>배송이 <strong>지연</strong>되면</p>");
	assert_string_equal(
		sanitize("<a href=\"https://hana.example/faq?a=1&amp;b=2\" "
			 "title='도움말'>FAQ</a>"),
		"<a href=\"https://hana.example/faq?a=1&amp;b=2\" "
		"title=\"도움말\">FAQ</a>");
	assert_string_equal(sanitize("<IMG SRC=\"/hc/logo.png\" alt=로고>"),
			    "<img src=\"/hc/logo.png\" alt=\"로고\">");
	assert_string_equal(sanitize("<ul><li>하나<li>둘</ul>"),
			    "<ul><li>하나<li>둘</li></li></ul>");
	assert_string_equal(sanitize("a < b && c > d"),
			    "a &lt; b &amp;&amp; c &gt; d");
	assert_string_equal(sanitize("<p>unclosed <b>bold"),
			    "<p>unclosed <b>bold</b></p>");
}

static void test_removes_scripts_and_handlers(void **state)
{
	(void)state;
	assert_string_equal(sanitize("안녕<script>alert(1)</script>하세요"),
			    "안녕하세요");
	assert_string_equal(sanitize("<SCRIPT src=x></SCRIPT >ok"), "ok");
	assert_string_equal(sanitize("<style>p{}</style><iframe src=//x>"
				     "</iframe>ok"),
			    "ok");
	assert_string_equal(sanitize("<img src=x onerror=\"alert(1)\">"),
			    "<img src=\"x\">");
	assert_string_equal(
		sanitize("<p OnClick='x()' style=\"color:red\">t</p>"),
		"<p>t</p>");
	assert_string_equal(sanitize("<svg><script>alert(1)</script></svg>x"),
			    "x");
	assert_string_equal(sanitize("<!-- <script>x</script> -->y"), "y");
	assert_string_equal(sanitize("<scr<script>ipt>alert(1)</script>"),
			    "ipt&gt;alert(1)");
	/* An unterminated script swallows the rest rather than leaking it. */
	assert_string_equal(sanitize("a<script>alert(1)"), "a");
}

static void test_removes_dangerous_urls(void **state)
{
	(void)state;
	const char *bad[] = {
		"<a href=\"javascript:alert(1)\">x</a>",
		"<a href=\"JaVaScRiPt:alert(1)\">x</a>",
		"<a href=\" javascript:alert(1)\">x</a>",
		"<a href=\"java&#x09;script:alert(1)\">x</a>",
		"<a href=\"&#106;&#97;&#118;&#97;script:alert(1)\">x</a>",
		"<a href=\"&#106avascript:alert(1)\">x</a>",
		"<a href=\"jav&#x0A;ascript&colon;alert(1)\">x</a>",
		"<a href=\"vbscript:msgbox(1)\">x</a>",
		"<img src=\"data:text/html;base64,PHNjcmlwdD4=\">",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *s = sanitize(bad[i]);
		if (strcasestr(s, "script") || strstr(s, "href") ||
		    strstr(s, "src"))
			fail_msg("%s → %s", bad[i], s);
	}
	assert_string_equal(
		sanitize("<a href=\"mailto:help@hana.example\">m</a>"),
		"<a href=\"mailto:help@hana.example\">m</a>");
	assert_string_equal(sanitize("<a href=\"/hc/ko/articles/1\">r</a>"),
			    "<a href=\"/hc/ko/articles/1\">r</a>");
}

static void test_entities(void **state)
{
	(void)state;
	assert_string_equal(sanitize("&lt;script&gt;alert(1)&lt;/script&gt;"),
			    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_string_equal(sanitize("&#xD55C;&#44544; &bogus; &#0;"),
			    "한글 &amp;bogus; \xef\xbf\xbd");
	assert_string_equal(sanitize("<p title=\"&quot;><script>\">t</p>"),
			    "<p title=\"&quot;&gt;&lt;script&gt;\">t</p>");
}

static void test_to_text(void **state)
{
	(void)state;
	assert_string_equal(
		text("<h1>환불 안내</h1><p>환불은 <b>7일</b>&nbsp;이내"
		     "</p><script>x()</script><p>A&amp;B</p>"),
		"환불 안내\n환불은 7일 이내\nA&B");
	assert_string_equal(text("  one<br>two  <br/>  three "),
			    "one\ntwo\nthree");
	assert_string_equal(text("a &lt;b&gt; c"), "a <b> c");
}

/* Text goes out a run at a time (up to a blank, an entity, a tag): runs
 * end exactly at U+00A0, at a lone '&' and at the text's end, and a
 * multi-byte character that is not U+00A0 never splits a run. */
static void test_to_text_runs(void **state)
{
	(void)state;
	assert_string_equal(text("안녕\xc2\xa0하세요\xc2\xa0\xc2\xa0끝"),
			    "안녕 하세요 끝");
	assert_string_equal(text("x&y && z&amp;w&"), "x&y && z&w&");
	assert_string_equal(text("\xc2\xa9 2026 \xc2"), "\xc2\xa9 2026 \xc2");
	assert_string_equal(text("<p>첫\t줄\r\n</p><p>\f둘째&nbsp;줄</p>"),
			    "첫 줄\n둘째 줄");
	assert_string_equal(text("&nbsp;앞뒤&nbsp;"), "앞뒤");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_article_markup),
		cmocka_unit_test(test_removes_scripts_and_handlers),
		cmocka_unit_test(test_removes_dangerous_urls),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_to_text),
		cmocka_unit_test(test_to_text_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
