/* Which inbound mail must never become a ticket: automatic replies,
 * bounces, mailing-list traffic and our own outgoing mail coming back.
 * Answering any of these would start a mail loop. */
#include "mail.h"

#include <string.h>
#include <strings.h>

/* The first word of a header value ("auto-replied; x" → "auto-replied"). */
static bool first_word_is(const char *v, const char *word)
{
	v += strspn(v, " \t");
	size_t n = strcspn(v, " \t;");
	return n == strlen(word) && strncasecmp(v, word, n) == 0;
}

const char *mail_ignore_reason(const intake_mail *m, const char *own_addr)
{
	/* RFC 3834: anything but "no" is automatic. */
	if (m->auto_submitted[0] && !first_word_is(m->auto_submitted, "no"))
		return "auto-reply (Auto-Submitted)";
	if (m->x_autoreply)
		return "auto-reply (X-Autoreply/X-Autorespond)";
	if (m->delivery_report)
		return "bounce (multipart/report)";
	if (strncmp(m->from_addr, "mailer-daemon@", 14) == 0 ||
	    strncmp(m->from_addr, "postmaster@", 11) == 0)
		return "bounce (from the mailer daemon)";
	if (m->has_return_path &&
	    strspn(m->return_path, " \t<>") == strlen(m->return_path))
		return "bounce (empty Return-Path)";
	if (first_word_is(m->precedence, "bulk") ||
	    first_word_is(m->precedence, "junk") ||
	    first_word_is(m->precedence, "list"))
		return "mailing list or bulk mail (Precedence)";
	if (own_addr && strcasecmp(m->from_addr, own_addr) == 0)
		return "mail from our own address";
	return NULL;
}
