/* Reply trimming, the subject's ticket token and our Message-IDs: pure text
 * functions for the e-mail channel (see mail.h). */
#include "mail.h"

#include "hd/obj_mac.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define ZD_MARKER "##- Please type your reply above this line -##"

/* [p, p+n) with white space cut from both ends. */
static void strip(const char **p, size_t *n)
{
	while (*n && isspace((unsigned char)**p))
		(*p)++, (*n)--;
	while (*n && isspace((unsigned char)(*p)[*n - 1]))
		(*n)--;
}

static bool ends_with(const char *p, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	return n >= t && memcmp(p + n - t, tail, t) == 0;
}

static bool has(const char *p, size_t n, const char *needle)
{
	return memmem(p, n, needle, strlen(needle)) != NULL;
}

/* "-----Original Message-----" and its Korean form, dashes optional in
 * number. */
static bool original_header(const char *p, size_t n)
{
	if (n < 4 || memcmp(p, "---", 3) != 0)
		return false;
	while (n && *p == '-')
		p++, n--;
	return (n >= 16 && strncasecmp(p, "Original Message", 16) == 0) ||
	       (n >= strlen("원본 메시지") &&
		memcmp(p, "원본 메시지", strlen("원본 메시지")) == 0);
}

static bool attribution(const char *p, size_t n)
{
	return ends_with(p, n, "wrote:") || ends_with(p, n, "님이 작성:");
}

/* Is the line [p, p+n) (stripped) a marker above which the reply ends?
 * next/nn: the following line, for an "On …" attribution wrapped in two. */
static bool marker(const char *p, size_t n, const char *next, size_t nn)
{
	if (has(p, n, ZD_MARKER) || original_header(p, n))
		return true;
	if (n >= 3 && memcmp(p, "On ", 3) == 0)
		return attribution(p, n) || (next && attribution(next, nn));
	/* Korean Gmail: "2024년 5월 1일 (수) 오전 9:00, 홍길동 <a@b>님이 작성:" */
	return ends_with(p, n, "님이 작성:");
}

typedef struct line {
	const char *p; /* stripped */
	size_t n;
	size_t start; /* offset of the raw line in the body */
} line;

static bool next_line(const char *body, size_t len, size_t *pos, line *l)
{
	if (*pos >= len)
		return false;
	const char *nl = memchr(body + *pos, '\n', len - *pos);
	size_t end = nl ? (size_t)(nl - body) : len;
	l->start = *pos;
	l->p = body + *pos;
	l->n = end - *pos;
	strip(&l->p, &l->n);
	*pos = nl ? end + 1 : len;
	return true;
}

static size_t trimmed_len(const char *body, size_t n)
{
	while (n && isspace((unsigned char)body[n - 1]))
		n--;
	return n;
}

size_t mail_trim_reply(const char *body, size_t len)
{
	size_t pos = 0, cut = len, quote_from = len;
	bool in_quote = false;
	line l, nx;
	while (next_line(body, len, &pos, &l)) {
		size_t peek = pos;
		bool more = next_line(body, len, &peek, &nx);
		if (marker(l.p, l.n, more ? nx.p : NULL, more ? nx.n : 0)) {
			cut = l.start;
			break;
		}
		/* Remember where the current run of ">" lines (blank lines
		 * inside it included) began; text after it resets the run. */
		if (l.n && l.p[0] == '>') {
			if (!in_quote)
				quote_from = l.start;
			in_quote = true;
		} else if (l.n) {
			in_quote = false;
			quote_from = len;
		}
	}
	if (in_quote && quote_from < cut)
		cut = quote_from;
	size_t kept = trimmed_len(body, cut);
	return kept ? kept : trimmed_len(body, len);
}

/* Digits at s as a ticket id (1..2^63), advancing *end past them. */
static uint64_t parse_id(const char *s, const char **end)
{
	uint64_t v = 0;
	const char *p = s;
	while (isdigit((unsigned char)*p)) {
		if (v > (UINT64_MAX >> 1) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	*end = p;
	return p == s ? 0 : v;
}

uint64_t mail_subject_ticket(const char *subject)
{
	for (const char *s = strchr(subject, '['); s; s = strchr(s + 1, '[')) {
		const char *p = s + 1, *end;
		if (strncasecmp(p, "ticket", 6) == 0) {
			p += 6;
			while (*p == ' ')
				p++;
		}
		if (*p != '#')
			continue;
		uint64_t id = parse_id(p + 1, &end);
		if (id && *end == ']')
			return id;
	}
	return 0;
}

bool mail_ref_parse(const char *msgid, mail_ref *out)
{
	const char *p = msgid, *end, *head;
	memset(out, 0, sizeof *out);
	if (*p == '<')
		p++;
	head = p;
	uint64_t sc = 0;
	if (strncmp(p, "hd.sc.", 6) == 0) {
		sc = parse_id(p + 6, &end);
		if (!sc || *end != '.')
			return false;
		p = end + 1;
	} else if (strncmp(p, "hd.t.", 5) == 0) {
		p += 5;
	} else {
		return false;
	}
	uint64_t tk = parse_id(p, &end);
	if (!tk || *end != '.')
		return false;
	p = end + 1;
	size_t u =
		strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789");
	if (u == 0 || p[u] != '.')
		return false;
	const char *mac = p + u + 1;
	size_t m = strspn(mac, "0123456789abcdef");
	char got[2 * HD_MAIL_MID_MAC_BYTES + 1];
	if (m != sizeof got - 1 || mac[m] != '@' || mac[m + 1] == '\0')
		return false;
	memcpy(got, mac, m);
	got[m] = '\0';
	if (!hd_obj_mac_ok(HD_MAIL_MID_MAC, head, (size_t)(p + u - head),
			   HD_MAIL_MID_MAC_BYTES, got))
		return false; /* forged: as if it named nothing */
	out->ticket_id = tk;
	out->side_conversation_id = sc;
	return true;
}

void mail_trim_space(char *s)
{
	s[trimmed_len(s, strlen(s))] = '\0';
}

void mail_utf8_cut(char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}
