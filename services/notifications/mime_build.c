/* The RFC 5322 message of a mail delivery, built with GMime 3: UTF-8
 * throughout, RFC 2047 encoded subject and display names (GMime encodes
 * non-ASCII header text itself), a multipart/alternative with a
 * quoted-printable text part and a base64 HTML part, our Message-ID and the
 * threading headers, and Auto-Submitted on automatic mail. g_mime_init()
 * runs once in setup; building touches only objects of its own. */
#include "notifications.h"

#include "hd/err.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GMimeObject *text_part(const char *subtype, const char *text,
			      GMimeContentEncoding enc)
{
	GMimeTextPart *p = g_mime_text_part_new_with_subtype(subtype);
	g_mime_text_part_set_charset(p, "utf-8");
	g_mime_text_part_set_text(p, text);
	g_mime_part_set_content_encoding((GMimePart *)p, enc);
	return (GMimeObject *)p;
}

static void set_header(GMimeMessage *m, const char *k, const char *v)
{
	if (v && v[0])
		g_mime_object_set_header((GMimeObject *)m, k, v, "utf-8");
}

int notify_mime_build(const notify *n, const Hd__Delivery *d, char **out,
		      size_t *len)
{
	GMimeMessage *m = g_mime_message_new(TRUE);
	GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
	GMimeObject *text = text_part("plain", d->text,
				      GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	GMimeObject *html = text_part("html", d->html[0] ? d->html : d->text,
				      GMIME_CONTENT_ENCODING_BASE64);
	g_mime_message_add_mailbox(
		m, GMIME_ADDRESS_TYPE_FROM,
		d->mail_from_name[0] ? d->mail_from_name : "Hana Desk",
		d->mail_from[0] ? d->mail_from : n->cfg.mail_from);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, d->mail_to_name,
				   d->mail_to);
	g_mime_message_set_subject(m, d->subject, "utf-8");
	GDateTime *now = g_date_time_new_now_utc();
	g_mime_message_set_date(m, now);
	g_date_time_unref(now);
	g_mime_message_set_message_id(m, d->message_id);
	set_header(m, "In-Reply-To", d->in_reply_to);
	set_header(m, "References", d->references);
	if (d->auto_submitted)
		set_header(m, "Auto-Submitted", "auto-generated");
	char id[24];
	snprintf(id, sizeof id, "%llu", (unsigned long long)d->id);
	set_header(m, "X-HD-Delivery-Id", id);
	g_mime_multipart_add(alt, text);
	g_mime_multipart_add(alt, html);
	g_mime_message_set_mime_part(m, (GMimeObject *)alt);
	GMimeFormatOptions *fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	char *s = g_mime_object_to_string((GMimeObject *)m, fo);
	g_mime_format_options_free(fo);
	g_object_unref(text);
	g_object_unref(html);
	g_object_unref(alt);
	g_object_unref(m);
	if (!s)
		return HD_E_NOMEM;
	*out = strdup(s);
	g_free(s);
	if (!*out)
		return HD_E_NOMEM;
	*len = strlen(*out);
	return HD_OK;
}
