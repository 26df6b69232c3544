/* The customers' pages' UI strings, Korean and English (hc_page.h). Each
 * module keeps its own table beside its pages and lists it below; a key is
 * looked up table by table. Keys are "<area>.<what>". */
#include "hc_page.h"
#include "portal.h"

#include <string.h>

/* The shell's own: layout, navigation, error pages. */
static const hc_string shell_strings[] = {
	{"brand", "Hana Desk 고객센터", "Hana Desk Help Center"},
	{"lang.name", "한국어", "English"},
	{"nav.label", "고객센터 메뉴", "Help center menu"},
	{"nav.skip", "본문으로 건너뛰기", "Skip to content"},
	{"nav.language", "다른 언어로 보기", "Other languages"},
	{"nav.new_request", "문의하기", "Submit a request"},
	{"nav.my_requests", "내 문의", "My requests"},
	{"nav.signin", "로그인", "Sign in"},
	{"footer", "Hana Desk로 운영됩니다.", "Powered by Hana Desk."},
	{"error.404", "페이지를 찾을 수 없습니다", "Page not found"},
	{"error.400", "요청을 처리할 수 없습니다. 입력한 내용을 확인해 주세요",
	 "The request could not be handled. Please check what you entered"},
	{"error.403", "이 작업을 할 수 없습니다", "You cannot do that"},
	{"error.500", "문제가 생겼습니다. 잠시 후 다시 시도해 주세요",
	 "Something went wrong. Please try again later"},
	{"error.503", "잠시 사용할 수 없습니다. 잠시 후 다시 시도해 주세요",
	 "Temporarily unavailable. Please try again shortly"},
	{"error.home", "고객센터 홈으로", "Back to the help center"},
	{NULL, NULL, NULL},
};

extern const hc_string hc_center_strings[]; /* hc_center_strings.c */
extern const hc_string hc_csat_strings[];   /* csat_page.c */

/* One table a line, so additions merge cleanly. */
/* clang-format off */
static const hc_string *const tables[] = {
	shell_strings,
	hc_center_strings,
	gw_pt_strings, /* portal_strings.c */
	hc_csat_strings,
	NULL,
};
/* clang-format on */

const char *hc_str(const char *locale, const char *key)
{
	int en = locale && strcmp(locale, "en") == 0;
	for (size_t t = 0; tables[t]; t++)
		for (const hc_string *s = tables[t]; s->key; s++)
			if (strcmp(s->key, key) == 0)
				return en ? s->en : s->ko;
	return key;
}
