/* Stopwords for keyword reports: tokens (already NFKC + case folded, as
 * hd_tokenize emits them) that say nothing about what a ticket is about —
 * English function words and the Hangul bigrams of Korean endings,
 * particles and courtesy phrases ("안녕하세요" → 안녕, 녕하, 하세, 세요).
 * Sorted by bytes for bsearch; add words in order. */
#include "hd/stopwords.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off */
static const char *const words[] = {
	"a", "about", "above", "after", "again", "against", "all", "also",
	"am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
	"before", "being", "below", "between", "both", "but", "by", "can",
	"could", "dear", "did", "do", "does", "doing", "down", "during",
	"each", "few", "for", "from", "further", "fw", "fwd", "get", "got",
	"had", "has", "have", "having", "he", "hello", "her", "here", "hers",
	"hi", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its",
	"itself", "just", "me", "more", "most", "my", "no", "nor", "not",
	"now", "of", "off", "on", "once", "only", "or", "other", "our",
	"ours", "out", "over", "own", "please", "re", "regards", "same",
	"she", "should", "so", "some", "such", "than", "thank", "thanks",
	"that", "the", "their", "them", "then", "there", "these", "they",
	"this", "those", "through", "to", "too", "under", "until", "up",
	"very", "was", "we", "were", "what", "when", "where", "which",
	"while", "who", "whom", "why", "will", "with", "would", "you", "your",
	"yours", "가요", "감사", "같습", "같아", "것은", "것을", "것이", "고객", "관련", "그냥",
	"그래", "그런", "그리", "까지", "나요", "너무", "녕하", "는데", "는지", "니까", "니다",
	"님께", "다시", "되나", "되어", "드려", "드립", "때문", "떻게", "래서", "려요", "련하",
	"리고", "립니", "문에", "문의", "부탁", "부터", "사합", "세요", "습니", "시면", "안녕",
	"어떤", "어떻", "어서", "어요", "없는", "없습", "에게", "에서", "여서", "오늘", "요청",
	"으로", "이나", "이번", "이제", "인지", "인해", "입니", "있는", "있습", "정말", "주세",
	"주시", "지금", "지만", "탁드", "하고", "하는", "하세", "하여", "하지", "합니", "해당",
	"해서", "해야", "해요", "해주", "했는", "했습", "혹시", "확인",
};
/* clang-format on */

typedef struct key {
	const char *s;
	size_t len;
} key;

static int cmp(const void *k, const void *e)
{
	const key *a = k;
	const char *b = *(const char *const *)e;
	size_t blen = strlen(b);
	int c = memcmp(a->s, b, a->len < blen ? a->len : blen);
	return c ? c : (a->len > blen) - (a->len < blen);
}

bool hd_is_stopword(const char *tok, size_t len)
{
	key k = {tok, len};
	return bsearch(&k, words, sizeof words / sizeof *words, sizeof *words,
		       cmp) != NULL;
}
