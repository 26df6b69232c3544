/* The help center's rules: roles, locale tags, which translation a reader
 * gets and whether they may see it, and sanitizing article bodies. */
#include "hc.h"

#include "hd/err.h"
#include "hd/html.h"

#include <ctype.h>
#include <string.h>

#define MAX_BODY ((size_t)1 << 20)

bool hc_staff(const hd_principal *p)
{
	return p->role == HD__USER_ROLE__ROLE_AGENT || hc_admin(p);
}

bool hc_admin(const hd_principal *p)
{
	return hd_role_is_admin(p->role);
}

/* A BCP 47-ish tag as Zendesk writes them: "ko", "en-us", "zh-hant". */
bool hc_locale_ok(char *locale)
{
	size_t n = strlen(locale), part = 0, parts = 0;
	if (n < 2 || n > 16)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = locale[i];
		if (c == '-' || c == '\0') {
			if (part < 2 || part > 8 || (parts == 0 && part > 3))
				return false;
			parts++;
			part = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) ||
		    (parts == 0 && !isalpha((unsigned char)c)))
			return false;
		locale[i] = (char)tolower((unsigned char)c);
		part++;
	}
	return true;
}

Hd__HcTranslation *hc_translation(const Hd__HcArticle *a, const char *locale,
				  size_t *slot)
{
	const char *want = locale && *locale ? locale : a->source_locale;
	for (size_t i = 0; i < a->n_translations; i++)
		if (!strcmp(a->translations[i]->locale, want)) {
			*slot = i;
			return a->translations[i];
		}
	if ((locale && *locale) || !a->n_translations)
		return NULL;
	*slot = 0;
	return a->translations[0];
}

bool hc_visible(const Hd__HcArticle *a, const Hd__HcTranslation *tr,
		const hd_principal *who)
{
	if (hc_staff(who))
		return true;
	/* A user segment other than "everyone" keeps anonymous readers out. */
	return !tr->draft && (!a->user_segment_id || who->user_id);
}

int hc_sanitize(const char *html, char **out)
{
	hd_buf b;
	hd_buf_init(&b, MAX_BODY * 2);
	int rc = hd_html_sanitize(&b, html, strlen(html));
	*out = NULL;
	if (!rc)
		*out = b.data ? hd_buf_detach(&b, NULL) : strdup("");
	hd_buf_release(&b);
	return rc ? rc : (*out ? HD_OK : HD_E_NOMEM);
}
