/* A Korean + English stopword list for keyword statistics (metrics'
 * keywords report). Matches tokens exactly as hd_tokenize() emits them.
 * Pure, thread-safe. The list itself is in common/stopwords.c. */
#ifndef HD_STOPWORDS_H
#define HD_STOPWORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether tok[0..len) is a stopword. */
bool hd_is_stopword(const char *tok, size_t len);

#endif
