/* Korean particles by the final sound; see hd/ko_particle.h. */
#include "hd/ko_particle.h"

#include <stdint.h>
#include <string.h>

typedef struct particle {
	const char *name, *alias;
	const char *consonant, *vowel, *rieul, *unknown;
} particle;

static const particle particles[] = {
	{"이가", "가이", "이", "가", "이", "이(가)"},
	{"은는", "는은", "은", "는", "은", "은(는)"},
	{"을를", "를을", "을", "를", "을", "을(를)"},
	{"과와", "와과", "과", "와", "과", "과(와)"},
	/* 로 after a vowel and after ㄹ (서울로, 철로) */
	{"으로", "로", "으로", "로", "로", "(으)로"},
};

/* Decode the code point ending at s[0..*len) and shorten *len past it;
 * -1 for bytes that are not UTF-8. */
static int32_t last_cp(const char *s, size_t *len)
{
	size_t i = *len;
	int n = 0;
	while (i > 0 && n < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		n++;
	}
	if (i == 0)
		return -1;
	unsigned char c = (unsigned char)s[--i];
	int32_t cp;
	if (c < 0x80 && n == 0)
		cp = c;
	else if ((c & 0xE0) == 0xC0 && n == 1)
		cp = c & 0x1F;
	else if ((c & 0xF0) == 0xE0 && n == 2)
		cp = c & 0x0F;
	else if ((c & 0xF8) == 0xF0 && n == 3)
		cp = c & 0x07;
	else
		return -1;
	for (int k = 1; k <= n; k++)
		cp = (cp << 6) | ((unsigned char)s[i + (size_t)k] & 0x3F);
	*len = i;
	return cp;
}

static int skipped(int32_t cp)
{
	static const int32_t skip[] = {' ',    '\t',   ')',    ']',    '}',
				       '"',    '\'',   0x2019, 0x201D, 0xBB,
				       0x300D, 0x300F, 0x3009, 0x300B, 0xFF09};
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (cp == skip[i])
			return 1;
	return 0;
}

static hd_ko_end digit_end(int32_t d)
{
	/* 영 일 이 삼 사 오 육 칠 팔 구 */
	static const hd_ko_end e[10] = {
		HD_KO_END_CONSONANT, HD_KO_END_RIEUL, HD_KO_END_VOWEL,
		HD_KO_END_CONSONANT, HD_KO_END_VOWEL, HD_KO_END_VOWEL,
		HD_KO_END_CONSONANT, HD_KO_END_RIEUL, HD_KO_END_RIEUL,
		HD_KO_END_VOWEL};
	return e[d];
}

static int lower(int32_t c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static hd_ko_end latin_end(int32_t c, int32_t before)
{
	c = lower(c);
	before = lower(before);
	if (c == 'l')
		return HD_KO_END_RIEUL;
	if (c == 'm' || c == 'n' || (c == 'g' && before == 'n') ||
	    (c == 'k' && before == 'c'))
		return HD_KO_END_CONSONANT;
	return HD_KO_END_VOWEL;
}

hd_ko_end hd_ko_word_end(const char *s, size_t len)
{
	int32_t cp = -1;
	while (len > 0) {
		cp = last_cp(s, &len);
		if (cp < 0 || !skipped(cp))
			break;
		cp = -1;
	}
	if (cp >= 0xAC00 && cp <= 0xD7A3) {
		int jong = (cp - 0xAC00) % 28;
		return jong == 0   ? HD_KO_END_VOWEL
		       : jong == 8 ? HD_KO_END_RIEUL
				   : HD_KO_END_CONSONANT;
	}
	if (cp >= 0x3131 && cp <= 0x314E) /* ㄱ…ㅎ */
		return cp == 0x3139 ? HD_KO_END_RIEUL : HD_KO_END_CONSONANT;
	if (cp >= '0' && cp <= '9')
		return digit_end(cp - '0');
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
		int32_t before = len ? last_cp(s, &len) : -1;
		return latin_end(cp, before);
	}
	return HD_KO_END_UNKNOWN;
}

const char *hd_ko_particle(const char *name, size_t nlen, hd_ko_end end)
{
	for (size_t i = 0; i < sizeof particles / sizeof particles[0]; i++) {
		const particle *p = &particles[i];
		if ((strlen(p->name) != nlen || memcmp(p->name, name, nlen)) &&
		    (strlen(p->alias) != nlen || memcmp(p->alias, name, nlen)))
			continue;
		switch (end) {
		case HD_KO_END_VOWEL:
			return p->vowel;
		case HD_KO_END_CONSONANT:
			return p->consonant;
		case HD_KO_END_RIEUL:
			return p->rieul;
		default:
			return p->unknown;
		}
	}
	return NULL;
}
