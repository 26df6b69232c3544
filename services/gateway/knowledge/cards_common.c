/* Helpers the card and macro endpoints share: ids from deeper path
 * segments, HTML escaping of stored text. */
#include "gw_kb.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/html.h"
#include "user.pb-c.h"

#include <stdlib.h>
#include <string.h>

int gw_path_id(gw_req *r, unsigned k, uint64_t *id, gw_resp *out)
{
	const char *p = r->path;
	for (unsigned i = 0; i <= k && p; i++)
		p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL;
	char digits[24];
	size_t n = p ? strcspn(p, "/") : 0;
	if (n && n < sizeof digits) {
		memcpy(digits, p, n);
		digits[n] = '\0';
		if (!hd_parse_u64(digits, id))
			return HD_OK;
	}
	return gw_from_err(out, HD_E_NOTFOUND, "Not found");
}

char *gw_html_escape(const char *text)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)8 << 20);
	int rc = hd_html_escape(&b, text ? text : "", text ? strlen(text) : 0);
	char *s = rc ? NULL : hd_buf_detach(&b, NULL);
	hd_buf_release(&b);
	return s ? s : strdup("");
}
