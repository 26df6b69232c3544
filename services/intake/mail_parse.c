/* Parsing one RFC 822 message with GMime 3 into an intake_mail: sender,
 * subject, threading headers, the text body (text/plain, else text/html
 * converted) decoded to UTF-8, and the attachments. GMime objects never
 * leave this file. Each call builds its own parser and objects, so separate
 * messages parse concurrently on separate threads (GMime guards its shared
 * charset and iconv caches). */
#include "mail.h"

#include "hd/err.h"
#include "hd/text.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATTACHMENTS 50
#define MAX_NAME_BYTES  255
#define MAX_MSGID_BYTES 400
/* GMime builds the whole tree, recursively, before we see it: a hostile
 * message nesting multiparts deeply overflows the worker's stack, and one
 * with a million tiny parts takes gigabytes. Both are refused up front. */
#define MAX_MULTIPARTS 64 /* multipart/ and message/ containers */
#define MAX_DELIMITERS 4000

void mail_init(void)
{
	g_mime_init();
}

void mail_shutdown(void)
{
	g_mime_shutdown();
}

typedef struct walk {
	intake_mail *m;
	char *plain, *html;
	char why[160];
} walk;

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static void set_why(walk *w, const char *fmt, const char *arg)
{
	if (!w->why[0])
		snprintf(w->why, sizeof w->why, fmt, arg);
}

/* The decoded bytes (transfer encoding undone) of a leaf part. */
static GByteArray *part_bytes(GMimePart *part, GMimeStream **keep)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	*keep = g_mime_stream_mem_new();
	if (content)
		g_mime_data_wrapper_write_to_stream(content, *keep);
	return g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(*keep));
}

static bool is_utf8_name(const char *cs)
{
	return !cs || g_ascii_strcasecmp(cs, "utf-8") == 0 ||
	       g_ascii_strcasecmp(cs, "utf8") == 0 ||
	       g_ascii_strcasecmp(cs, "us-ascii") == 0;
}

/* bytes in charset cs (NULL: unlabelled) as NUL-terminated UTF-8 with LF
 * line ends (CRLF and lone CR); NULL when they do not decode or hold a NUL
 * (which would silently cut the text). Unlabelled 8-bit text that is not
 * UTF-8 is tried as CP949, the usual unlabelled Korean. */
static char *to_utf8(const GByteArray *ba, const char *cs)
{
	const char *data = ba->len ? (const char *)ba->data : "";
	char *out = NULL;
	gsize n = 0, k = 0;
	if (is_utf8_name(cs) && hd_utf8_valid(data, ba->len)) {
		out = g_strndup(data, ba->len);
		n = ba->len;
	} else {
		out = g_convert(data, (gssize)ba->len, "UTF-8",
				is_utf8_name(cs)
					? "CP949"
					: g_mime_charset_iconv_name(cs),
				NULL, &n, NULL);
	}
	if (!out)
		return NULL;
	if (memchr(out, '\0', n) || !hd_utf8_valid(out, n)) {
		g_free(out);
		return NULL;
	}
	char *res = malloc(n + 1);
	for (size_t i = 0; res && i < n; i++)
		if (!(out[i] == '\r' &&
		      (out[i + 1] == '\n' || out[i + 1] == 0)))
			res[k++] = out[i] == '\r' ? '\n' : out[i];
	if (res)
		res[k] = '\0';
	g_free(out);
	return res;
}

static void add_attachment(walk *w, const char *name, const char *type,
			   const GByteArray *ba)
{
	intake_mail *m = w->m;
	if (m->natt >= MAX_ATTACHMENTS) {
		set_why(w, "more than %s attachments", "50");
		return;
	}
	mail_att *a = &m->att[m->natt];
	char fallback[32];
	snprintf(fallback, sizeof fallback, "attachment-%zu", m->natt + 1);
	if (!name || !name[0] || !hd_utf8_valid(name, strlen(name)))
		name = fallback;
	a->name = strdup(name);
	a->type = strdup(type && strlen(type) < 128 ? type : "");
	a->data = malloc(ba->len ? ba->len : 1);
	if (!a->name || !a->type || !a->data) {
		set_why(w, "%s", "out of memory");
		free(a->name), free(a->type), free(a->data);
		return;
	}
	/* uploads.put takes no path separators or line breaks in names. */
	for (char *p = a->name; *p; p++)
		if (*p == '/' || *p == '\\' || *p == '\r' || *p == '\n')
			*p = '_';
	mail_utf8_cut(a->name, MAX_NAME_BYTES);
	if (ba->len)
		memcpy(a->data, ba->data, ba->len);
	a->len = ba->len;
	m->natt++;
}

/* A forwarded message (message/rfc822) is kept whole as an .eml file. */
static void message_part(walk *w, GMimeMessagePart *mp)
{
	GMimeMessage *inner = g_mime_message_part_get_message(mp);
	GMimeStream *mem = g_mime_stream_mem_new();
	if (inner)
		g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
	add_attachment(w, "message.eml", "message/rfc822",
		       g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem)));
	g_object_unref(mem);
}

static void leaf_part(walk *w, GMimePart *part)
{
	GMimeObject *o = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	bool att = g_mime_part_is_attachment(part) ||
		   g_mime_part_get_filename(part) != NULL;
	bool plain = !att && g_mime_content_type_is_type(ct, "text", "plain");
	bool html = !att && g_mime_content_type_is_type(ct, "text", "html");
	GMimeStream *keep = NULL;
	GByteArray *ba = part_bytes(part, &keep);
	if ((plain && !w->plain) || (html && !w->html)) {
		const char *cs =
			g_mime_object_get_content_type_parameter(o, "charset");
		char *text = to_utf8(ba, cs);
		if (!text)
			set_why(w, "the body does not decode from charset %s",
				cs ? cs : "(none)");
		*(plain ? &w->plain : &w->html) = text;
	} else {
		char *type = g_mime_content_type_get_mime_type(ct);
		add_attachment(w, g_mime_part_get_filename(part), type, ba);
		g_free(type);
	}
	g_object_unref(keep);
}

static void on_part(GMimeObject *parent, GMimeObject *part, gpointer arg)
{
	(void)parent;
	walk *w = arg;
	if (GMIME_IS_MESSAGE_PART(part))
		message_part(w, GMIME_MESSAGE_PART(part));
	else if (GMIME_IS_PART(part))
		leaf_part(w, GMIME_PART(part));
}

/* The first mailbox of list into *addr (lower case) and *name. */
static bool first_mailbox(InternetAddressList *list, char **addr, char **name)
{
	int n = list ? internet_address_list_length(list) : 0;
	for (int i = 0; i < n; i++) {
		InternetAddress *ia =
			internet_address_list_get_address(list, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		const char *a = internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(ia));
		const char *nm = internet_address_get_name(ia);
		char lower[256];
		if (!a || !hd_email_plausible(a) ||
		    !hd_ascii_lower(a, lower, sizeof lower))
			continue;
		*addr = strdup(lower);
		*name = dup_or_empty(nm && hd_utf8_valid(nm, strlen(nm)) ? nm
									 : "");
		if (*name)
			mail_utf8_cut(*name, MAX_NAME_BYTES);
		return *addr && *name;
	}
	return false;
}

static void add_refs(intake_mail *m, const char *header, bool newest_first)
{
	GMimeReferences *refs =
		header ? g_mime_references_parse(NULL, header) : NULL;
	int n = refs ? g_mime_references_length(refs) : 0;
	char **grown =
		n ? realloc(m->refs, (m->nrefs + (size_t)n) * sizeof *grown)
		  : NULL;
	for (int i = 0; grown && i < n; i++) {
		const char *id = g_mime_references_get_message_id(
			refs, newest_first ? n - 1 - i : i);
		if (id && (grown[m->nrefs] = strdup(id)))
			m->nrefs++;
	}
	if (grown)
		m->refs = grown;
	if (refs)
		g_mime_references_free(refs);
}

static void read_headers(intake_mail *m, GMimeMessage *msg)
{
	GMimeObject *o = GMIME_OBJECT(msg);
	const char *subject = g_mime_message_get_subject(msg);
	const char *id = g_mime_message_get_message_id(msg);
	m->subject = dup_or_empty(
		subject && hd_utf8_valid(subject, strlen(subject)) ? subject
								   : "");
	m->message_id =
		dup_or_empty(id && strlen(id) <= MAX_MSGID_BYTES ? id : "");
	if (!first_mailbox(g_mime_message_get_to(msg), &m->to_addr,
			   &m->to_name)) {
		m->to_addr = strdup("");
		m->to_name = strdup("");
	}
	add_refs(m, g_mime_object_get_header(o, "In-Reply-To"), false);
	add_refs(m, g_mime_object_get_header(o, "References"), true);
	m->auto_submitted =
		dup_or_empty(g_mime_object_get_header(o, "Auto-Submitted"));
	m->precedence = dup_or_empty(g_mime_object_get_header(o, "Precedence"));
	const char *rp = g_mime_object_get_header(o, "Return-Path");
	m->has_return_path = rp != NULL;
	m->return_path = dup_or_empty(rp);
	m->x_autoreply = g_mime_object_get_header(o, "X-Autoreply") ||
			 g_mime_object_get_header(o, "X-Autorespond");
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	m->delivery_report = top && g_mime_content_type_is_type(
					    g_mime_object_get_content_type(top),
					    "multipart", "report");
}

static GMimeMessage *construct(const uint8_t *raw, size_t len)
{
	static const char *fallback[] = {"UTF-8", "CP949", NULL};
	GMimeStream *s =
		g_mime_stream_mem_new_with_buffer((const char *)raw, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeParserOptions *opts = g_mime_parser_options_new();
	/* Raw 8-bit Korean headers are usually CP949 (EUC-KR's superset). */
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	GMimeMessage *msg = g_mime_parser_construct_message(p, opts);
	g_mime_parser_options_free(opts);
	g_object_unref(p);
	g_object_unref(s);
	return msg;
}

/* The body: text/plain, else the HTML converted; checked and bounded. */
static void choose_body(walk *w)
{
	intake_mail *m = w->m;
	if (w->plain) {
		m->body = w->plain;
		w->plain = NULL;
	} else if (w->html) {
		m->body = mail_html_text(w->html);
	}
	if (!m->body)
		m->body = strdup("");
}

/* Count containers ("multipart/" and "message/", any case) and lines
 * starting "--" (part delimiters, at least) without parsing. */
static bool too_complex(const uint8_t *raw, size_t len)
{
	size_t multi = 0, delims = 0;
	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || raw[i - 1] == '\n') && i + 1 < len &&
		    raw[i] == '-' && raw[i + 1] == '-')
			delims++;
		const char *s = (const char *)raw + i;
		if ((raw[i] | 0x20) == 'm' &&
		    ((len - i >= 10 &&
		      g_ascii_strncasecmp(s, "multipart/", 10) == 0) ||
		     (len - i >= 8 &&
		      g_ascii_strncasecmp(s, "message/", 8) == 0)))
			multi++;
	}
	return multi > MAX_MULTIPARTS || delims > MAX_DELIMITERS;
}

int mail_parse(const uint8_t *raw, size_t len, intake_mail *m, char *why,
	       size_t cap)
{
	memset(m, 0, sizeof *m);
	walk w = {.m = m};
	if (too_complex(raw, len)) {
		snprintf(why, cap,
			 "more than %d nested parts or %d part delimiters",
			 MAX_MULTIPARTS, MAX_DELIMITERS);
		return HD_E_INVALID;
	}
	GMimeMessage *msg = len ? construct(raw, len) : NULL;
	if (!msg) {
		snprintf(why, cap, "not an RFC 822 message");
		return HD_E_INVALID;
	}
	m->att = calloc(MAX_ATTACHMENTS, sizeof *m->att);
	read_headers(m, msg);
	if (!first_mailbox(g_mime_message_get_from(msg), &m->from_addr,
			   &m->from_name))
		set_why(&w, "%s", "no usable From address");
	else if (!m->att)
		set_why(&w, "%s", "out of memory");
	else
		g_mime_message_foreach(msg, on_part, &w);
	g_object_unref(msg);
	if (!w.why[0])
		choose_body(&w);
	if (!w.why[0] && !m->body)
		set_why(&w, "%s", "out of memory");
	if (!w.why[0] && strspn(m->body, " \t\r\n") == strlen(m->body) &&
	    m->natt == 0)
		set_why(&w, "%s", "no usable body and no attachments");
	free(w.plain);
	free(w.html);
	if (w.why[0]) {
		snprintf(why, cap, "%s", w.why);
		mail_release(m);
		return HD_E_INVALID;
	}
	return HD_OK;
}

char *mail_peek_subject(const uint8_t *raw, size_t len)
{
	GMimeMessage *msg =
		len && !too_complex(raw, len) ? construct(raw, len) : NULL;
	const char *s = msg ? g_mime_message_get_subject(msg) : NULL;
	char *out = s && hd_utf8_valid(s, strlen(s)) ? strdup(s) : NULL;
	if (msg)
		g_object_unref(msg);
	if (out)
		mail_utf8_cut(out, 255);
	return out;
}

void mail_release(intake_mail *m)
{
	char **strs[] = {&m->from_addr,
			 &m->from_name,
			 &m->to_addr,
			 &m->to_name,
			 &m->subject,
			 &m->message_id,
			 &m->body,
			 &m->precedence,
			 &m->return_path,
			 &m->auto_submitted,
			 NULL};
	for (size_t i = 0; strs[i]; i++)
		free(*strs[i]);
	for (size_t i = 0; i < m->nrefs; i++)
		free(m->refs[i]);
	free(m->refs);
	for (size_t i = 0; i < m->natt; i++) {
		free(m->att[i].name);
		free(m->att[i].type);
		free(m->att[i].data);
	}
	free(m->att);
	memset(m, 0, sizeof *m);
}
