/* Unit tests for Korean particles (common/ko_particle.c) and their
 * placeholder form {{path|은는}} (common/placeholder.c): names ending in a
 * consonant, a vowel, ㄹ, Latin letters and digits; unknown endings get
 * both forms; unknown filters stay literal and are reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/ko_particle.h"
#include "hd/placeholder.h"
#include "unit.h"

static void expect_end(const char *word, hd_ko_end want)
{
	hd_ko_end got = hd_ko_word_end(word, strlen(word));
	if (got != want)
		fail_msg("%s: ends %d, want %d", word, (int)got, (int)want);
}

static void test_word_end(void **state)
{
	(void)state;
	expect_end("김민준", HD_KO_END_CONSONANT);
	expect_end("이민수", HD_KO_END_VOWEL);
	expect_end("박철", HD_KO_END_RIEUL);
	expect_end("서울", HD_KO_END_RIEUL);
	expect_end("김민준 (고객)", HD_KO_END_CONSONANT);
	expect_end("「하나」", HD_KO_END_VOWEL);
	expect_end("ㅋ", HD_KO_END_CONSONANT);
	expect_end("Kim", HD_KO_END_CONSONANT);
	expect_end("Jack", HD_KO_END_CONSONANT);
	expect_end("Young", HD_KO_END_CONSONANT);
	expect_end("Lee", HD_KO_END_VOWEL);
	expect_end("Anna", HD_KO_END_VOWEL);
	expect_end("Paul", HD_KO_END_RIEUL);
	expect_end("주문 3", HD_KO_END_CONSONANT);
	expect_end("2", HD_KO_END_VOWEL);
	expect_end("#10", HD_KO_END_CONSONANT);
	expect_end("1", HD_KO_END_RIEUL);
	expect_end("7", HD_KO_END_RIEUL);
	expect_end("", HD_KO_END_UNKNOWN);
	expect_end("😀", HD_KO_END_UNKNOWN);
	expect_end("東京", HD_KO_END_UNKNOWN);
	expect_end("\xff", HD_KO_END_UNKNOWN);
}

static void test_particle_names(void **state)
{
	(void)state;
	assert_string_equal(hd_ko_particle("은는", 6, HD_KO_END_CONSONANT),
			    "은");
	assert_string_equal(hd_ko_particle("는은", 6, HD_KO_END_VOWEL), "는");
	assert_string_equal(hd_ko_particle("으로", 6, HD_KO_END_RIEUL), "로");
	assert_string_equal(hd_ko_particle("로", 3, HD_KO_END_CONSONANT),
			    "으로");
	assert_string_equal(hd_ko_particle("과와", 6, HD_KO_END_UNKNOWN),
			    "과(와)");
	assert_null(hd_ko_particle("께서", 6, HD_KO_END_VOWEL));
	assert_null(hd_ko_particle("은", 3, HD_KO_END_VOWEL));
}

static char *render(const char *tmpl, const char *name)
{
	json_t *ctx = json_pack("{s:{s:s}, s:I}", "u", "name", name, "n",
				(json_int_t)3);
	hd_buf out;
	hd_buf_init(&out, 4096);
	assert_hd_ok(hd_placeholder_render(tmpl, strlen(tmpl), ctx, HD_PH_HTML,
					   &out));
	json_decref(ctx);
	char *s = hd_buf_detach(&out, NULL);
	return s ? s : strdup("");
}

static void expect(const char *tmpl, const char *name, const char *want)
{
	char *got = render(tmpl, name);
	assert_string_equal(got, want);
	free(got);
}

static void test_placeholder_particles(void **state)
{
	(void)state;
	const char *t = "{{u.name|은는}} {{u.name|이가}} {{u.name|을를}} "
			"{{u.name|과와}} {{u.name|으로}}";
	expect(t, "김민준", "김민준은 김민준이 김민준을 김민준과 김민준으로");
	expect(t, "이민수", "이민수는 이민수가 이민수를 이민수와 이민수로");
	expect(t, "박철", "박철은 박철이 박철을 박철과 박철로");
	expect(t, "Kim", "Kim은 Kim이 Kim을 Kim과 Kim으로");
	expect(t, "Lee", "Lee는 Lee가 Lee를 Lee와 Lee로");
	expect(t, "Room 8", "Room 8은 Room 8이 Room 8을 Room 8과 Room 8로");
	expect(t, "?", "?은(는) ?이(가) ?을(를) ?과(와) ?(으)로");
	/* escaping applies to the value, the choice to what it says */
	expect("{{ u.name | 이가 }}", "<b>", "&lt;b&gt;이(가)");
	expect("{{n|은는}}", "", "3은");
	expect("{{u.missing|이가}}", "x", "이(가)");
}

static void test_unknown_filter_is_literal_and_reported(void **state)
{
	(void)state;
	expect("{{u.name|께서}} {{u.name|}}", "김",
	       "{{u.name|께서}} {{u.name|}}");
	char bad[64];
	const char *t = "ok {{u.name|은는}} then {{ u.name|upper }}";
	assert_hd_rc(hd_placeholder_check(t, strlen(t), bad, sizeof bad),
		     HD_E_INVALID);
	assert_string_equal(bad, "{{ u.name|upper }}");
	const char *good = "{{u.name|을를}} {{u.name}} {{ not a tag";
	assert_hd_ok(hd_placeholder_check(good, strlen(good), bad, sizeof bad));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_end),
		cmocka_unit_test(test_particle_names),
		cmocka_unit_test(test_placeholder_particles),
		cmocka_unit_test(test_unknown_filter_is_literal_and_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
