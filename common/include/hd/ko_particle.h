/* Korean particles (조사) chosen by the sound a word ends in: 이/가, 은/는,
 * 을/를, 과/와 and 으로/로 follow a final consonant (받침) or not, and 로
 * also follows a final ㄹ. Used by the placeholder renderer's "|은는" form
 * ({{ticket.requester.name|은는}}). Pure functions, any thread. */
#ifndef HD_KO_PARTICLE_H
#define HD_KO_PARTICLE_H

#include <stddef.h>

/* How a word ends, as far as particles care. */
typedef enum hd_ko_end {
	HD_KO_END_UNKNOWN,   /* nothing to go by (symbols, other scripts) */
	HD_KO_END_VOWEL,     /* 민수, Lee, 2 (이), 5 (오) */
	HD_KO_END_CONSONANT, /* 민준, Kim, 3 (삼), 6 (육) */
	HD_KO_END_RIEUL,     /* 철, Paul, 1 (일), 7 (칠), 8 (팔): a ㄹ */
} hd_ko_end;

/* How the UTF-8 text s[0..len) ends. Trailing spaces, closing brackets and
 * quotes are skipped ("김민준 (고객)" ends in 객). Hangul syllables by their
 * final jamo; a lone consonant jamo (ㅋ) as a consonant; digits as read in
 * Sino-Korean; Latin letters by a rule of thumb: -l is a ㄹ, -m, -n, -ng
 * and -ck a consonant, anything else a vowel (Anna, Mike, Lee). */
hd_ko_end hd_ko_word_end(const char *s, size_t len);

/* The particle named by name — "이가", "은는", "을를", "과와" or "으로"
 * (either order: "가이" is "이가"; "로" is "으로") — for a word ending in
 * end: e.g. "은" or "는"; for HD_KO_END_UNKNOWN both, as "은(는)" and
 * "(으)로". NULL when name is not one of those. Static string. */
const char *hd_ko_particle(const char *name, size_t nlen, hd_ko_end end);

#endif
