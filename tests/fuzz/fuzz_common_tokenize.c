/* The shared tokenizer on arbitrary bytes: invalid UTF-8, huge runs, mixed
 * scripts. Every token must be non-empty valid UTF-8 without NUL, and
 * positions must count up from 0. */
#include "fuzz.h"
#include "hd/text.h"
#include "hd/tokenize.h"

#include <stdlib.h>
#include <string.h>

static int check(void *arg, const char *tok, size_t len, uint32_t pos)
{
	uint32_t *next = arg;
	if (len == 0 || !hd_utf8_valid(tok, len) || memchr(tok, 0, len) ||
	    pos != *next)
		abort();
	(*next)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t next = 0;
	hd_tokenize((const char *)data, size, check, &next);
	return 0;
}
