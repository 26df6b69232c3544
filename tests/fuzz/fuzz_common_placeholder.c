/* The placeholder renderer on arbitrary templates, in every escaping mode,
 * against a context with Korean and hostile values. The output must be
 * bounded by the buffer and, for JSON escaping inside a string literal,
 * must keep a JSON document valid. Korean particle tags ({{x|은는}}) and
 * their checker, and how arbitrary bytes "end" for a particle, must
 * neither crash nor read outside the input. */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/ko_particle.h"
#include "hd/placeholder.h"

#include <stdlib.h>

static json_t *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		ctx = json_pack("{s:{s:I,s:s,s:{s:s},s:n,s:[i]},s:{s:s}}",
				"ticket", "id", (json_int_t)256, "title",
				"\"<script>\\u0000배송\"", "requester", "name",
				"김 민수 \n\t\\", "assignee", "tags", 1,
				"current_user", "name", "A&B");
	const char *t = (const char *)data;
	for (int esc = HD_PH_TEXT; esc <= HD_PH_JSON; esc++) {
		hd_buf out;
		hd_buf_init(&out, 1 << 20);
		int rc = hd_placeholder_render(t, size, ctx, esc, &out);
		if (rc != HD_OK && rc != HD_E_TOOBIG)
			abort();
		if (rc == HD_OK && out.len > size * 64 + 64)
			abort(); /* a template cannot blow up without bound */
		hd_buf_release(&out);
	}
	char bad[64];
	int rc = hd_placeholder_check(t, size, bad, sizeof bad);
	if (rc != HD_OK && rc != HD_E_INVALID)
		abort();
	if (hd_ko_word_end(t, size) > HD_KO_END_RIEUL)
		abort();
	return 0;
}
