/* notifications' mail templates and the settings admins keep about mail:
 * the texts shipped with Hana Desk (templates_builtin.c), the stored,
 * versioned copies admins edit (templates_store.c), the settings documents
 * "csat" and "mail" (settings.c) and the satisfaction survey they drive
 * (csat_survey.c). Store functions take the caller's transaction; RPC
 * handlers run on the RPC threads. */
#ifndef NOTIFY_TEMPLATES_H
#define NOTIFY_TEMPLATES_H

#include "notifications.h"
#include "mail_admin.pb-c.h"

/* Replaced after rendering by the article list (already escaped). */
#define SUGGEST_MARK "<!--hd:suggestions-->"

typedef struct notify_builtin {
	const char *name, *lang, *subject, *text, *html;
} notify_builtin;

/* templates_builtin.c: the i-th shipped template (NULL past the end), one
 * by name and language ("ko" | "en"), and the language of a locale
 * ("ko…" or "" → "ko", anything else → "en"). Static data. */
const notify_builtin *notify_builtin_at(size_t i);
const notify_builtin *notify_builtin_find(const char *name, const char *lang);
const char *notify_template_lang(const char *locale);

/* templates_store.c. Key layout of the templates dbi:
 *   templates  name "/" lang "/" u32 version → hd.MailTemplate
 * Version 1 is the shipped text, written by notify_tmpl_seed at start for
 * every template not stored yet. current: the newest stored version
 * (HD_E_NOTFOUND when none; the caller's to free). */
int notify_tmpl_seed(notify *n);
int notify_tmpl_current(notify *n, hd_txn *t, const char *name,
			const char *lang, Hd__MailTemplate **out);
extern const hd_rpc_route notify_tmpl_routes[];

/* templates_mail.c: render subject, text and html against ctx into a
 * MailTemplate's fields (text escaping for subject and text, HTML for
 * html; the suggestions mark is left in). */
int notify_tmpl_render(const char *subject, const char *text, const char *html,
		       const json_t *ctx, char **osubject, char **otext,
		       char **ohtml);

/* settings.c. Key layout of the settings dbi:
 *   settings  name ("csat" | "mail") → hd.NotifySettings
 * get: the stored settings (free with hd__notify_settings__free_unpacked),
 * or NULL when none are: the defaults (survey off; every acknowledgement
 * on; the sender "Hana Desk" <HD_MAIL_FROM>). */
Hd__NotifySettings *notify_settings(notify *n, hd_txn *t, const char *name);
/* settings_legacy.c: fill s->csat or s->mail from the JSON text an older
 * build stored (the retired field 2); append a channel (HD_E_NOMEM). */
void notify_settings_legacy(Hd__NotifySettings *s);
int notify_settings_add_channel(Hd__CsatSettings *c, const char *channel);
extern const hd_rpc_route notify_settings_routes[];
/* Is the "request received" acknowledgement on for channel? */
bool notify_ack_on(notify *n, hd_txn *t, const char *channel);
/* The From of mail about a ticket of brand_id that came in to the support
 * address recipient ("" or NULL: none): the sender naming that recipient,
 * else the brand's, else the default one (brand 0), else "Hana Desk"
 * <HD_MAIL_FROM>. Copies into name[cap] and addr[cap]. */
void notify_sender_of(notify *n, hd_txn *t, uint64_t brand_id,
		      const char *recipient, char *name, char *addr,
		      size_t cap);

/* csat_survey.c: a ticket that became solved (old: the copy before this
 * event, or NULL) gets its satisfaction survey queued when the "csat"
 * settings say so for its channel and group. anon: filed anonymously (no
 * survey to an address nobody proved). */
int notify_csat_on_ticket(notify *n, hd_txn *t, const Hd__Ticket *tk,
			  const Hd__Ticket *old, bool anon);

#endif
