/* Phone number normal form (see hd/phone.h). */
#include "hd/phone.h"

#include <string.h>

bool hd_phone_norm(const char *s, char out[HD_PHONE_MAX])
{
	char d[HD_PHONE_MAX];
	size_t n = 0;
	bool plus = false, any = false;
	out[0] = '\0';
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n >= 20)
				return false;
			d[n++] = *p;
			any = true;
		} else if (*p == '+' && !any && !plus) {
			plus = true;
		} else if (!strchr(" -.()/", *p)) {
			return false;
		}
	}
	if (n < 3)
		return false;
	d[n] = '\0';
	if (plus && strncmp(d, "82", 2) == 0 && n > 3) {
		out[0] = '0'; /* +82 10… → 010… */
		memcpy(out + 1, d + 2, n - 1);
		return true;
	}
	size_t o = 0;
	if (plus)
		out[o++] = '+';
	memcpy(out + o, d, n + 1);
	return true;
}
