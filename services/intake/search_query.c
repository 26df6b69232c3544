/* The ticket search query language (API.md §5): free words (AND, prefix
 * match), "exact phrases", keyword:value with : < > <= >=, -negation, none,
 * me, status/priority ordinals, dates (YYYY-MM-DD, ISO datetimes, relative
 * 4hours), tags:, custom_field_<id>:, type:, order_by:/sort:. */
#include "search.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/time_parse.h"
#include "hd/text.h"
#include "hd/tokenize.h"
#include "hd/vocab.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TERMS 64
#define NO_MATCH  UINT64_MAX /* an id no ticket has (names, unknown e-mails) */

static const struct {
	const char *name;
	int kind; /* enum sq_kind, or -1 order_by, -2 sort */
} keywords[] = {
	{"type", SQ_TYPE},
	{"status", SQ_STATUS},
	{"priority", SQ_PRIORITY},
	{"ticket_type", SQ_TICKET_TYPE},
	{"assignee", SQ_ASSIGNEE},
	{"requester", SQ_REQUESTER},
	{"submitter", SQ_SUBMITTER},
	{"group", SQ_GROUP},
	{"organization", SQ_ORG},
	{"tags", SQ_TAGS},
	{"tag", SQ_TAGS},
	{"via", SQ_VIA},
	{"created", SQ_CREATED},
	{"created_at", SQ_CREATED},
	{"updated", SQ_UPDATED},
	{"updated_at", SQ_UPDATED},
	{"solved", SQ_SOLVED},
	{"due_date", SQ_DUE},
	{"form", SQ_FORM},
	{"brand", SQ_BRAND},
	{"cc", SQ_CC},
	{"recipient", SQ_RECIPIENT},
	{"satisfaction", SQ_SATISFACTION},
	{"external_id", SQ_EXTERNAL_ID},
	{"subject", SQ_TEXT},
	{"description", SQ_TEXT},
	{"comment", SQ_TEXT},
	{"order_by", -1},
	{"sort", -2},
};

static int ordinal(const char *v, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

int sq_status_ordinal(const char *s)
{
	return hd_status_rank(s);
}

int sq_priority_ordinal(const char *s)
{
	return hd_priority_rank(s);
}

int sq_type_ordinal(const char *s)
{
	static const char *const n[] = {"",         "incident", "problem",
					"question", "task",     NULL};
	return ordinal(s, n);
}

int sq_other_type(const sq_query *q)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->terms[i].kind == SQ_TYPE &&
		    (strcmp(q->terms[i].value, "ticket") != 0) !=
			    q->terms[i].neg)
			return 1;
	return 0;
}

static int bad(hd_rpc_rep *rep, const char *why, const char *what)
{
	return hd_rpc_fail(rep, HD_E_INVALID, "query", "query: %s '%.80s'", why,
			   what);
}

typedef struct tok_ctx {
	sq_term *t;
	int rc;
} tok_ctx;

static int take_token(void *arg, const char *tok, size_t len, uint32_t pos)
{
	tok_ctx *c = arg;
	sq_term *t = c->t;
	if (t->ntok == SQ_MAX_TOKENS)
		return HD_E_TOOBIG;
	t->tok[t->ntok] = strndup(tok, len);
	if (!t->tok[t->ntok])
		return HD_E_NOMEM;
	t->pos[t->ntok++] = pos;
	return HD_OK;
}

static int text_term(sq_term *t, const char *text, int quoted)
{
	tok_ctx c = {.t = t};
	t->kind = SQ_TEXT;
	int rc = hd_tokenize(text, strlen(text), take_token, &c);
	if (rc == HD_E_TOOBIG)
		rc = HD_OK; /* a long phrase: its first tokens still narrow */
	t->prefix = !quoted && t->ntok == 1;
	return rc;
}

/* Dates: "2024-01-01" (that day), ISO datetimes (that second), relative
 * "4hours" (that instant: now minus the span). */
static int parse_time(const char *v, int64_t now, int64_t *lo, int64_t *hi)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {{"minute", 60000LL},        {"hour", 3600000LL},
		     {"day", 86400000LL},        {"week", 7 * 86400000LL},
		     {"month", 30 * 86400000LL}, {"year", 365 * 86400000LL},
		     {"min", 60000LL},           {"h", 3600000LL},
		     {"d", 86400000LL},          {"w", 7 * 86400000LL}};
	char unit[16] = "";
	int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
	unsigned long long k;
	if (sscanf(v, "%llu%15[a-z]%n", &k, unit, &n) == 2 && !v[n] &&
	    k < 100000) {
		size_t ul = strlen(unit);
		if (ul > 1 && unit[ul - 1] == 's')
			unit[--ul] = '\0';
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
			if (strcmp(unit, units[i].unit) == 0) {
				*lo = *hi = now - (int64_t)k * units[i].ms;
				return HD_OK;
			}
		return HD_E_INVALID;
	}
	if (sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || y < 1970 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31)
		return HD_E_INVALID;
	int whole_day = v[n] == '\0';
	if (!whole_day) {
		int m = 0;
		if (sscanf(v + n, "t%2d:%2d:%2d%n", &h, &mi, &s, &m) != 3 ||
		    (v[n + m] != '\0' && strcmp(v + n + m, "z") != 0) ||
		    h > 23 || mi > 59 || s > 60)
			return HD_E_INVALID;
	}
	*lo = hd_time_utc_ms(y, mo, d, h, mi, s);
	*hi = *lo + (whole_day ? 86400000LL : 1000);
	return HD_OK;
}

static uint64_t person(const char *v, const hd_principal *who, int *ok)
{
	uint64_t id = 0;
	*ok = 1;
	if (strcmp(v, "none") == 0)
		return 0;
	if (strcmp(v, "me") == 0)
		return who->user_id;
	if (hd_parse_u64(v, &id) == HD_OK && id)
		return id;
	if (strchr(v, '@'))
		return strcasecmp(v, who->email) == 0 ? who->user_id : NO_MATCH;
	*ok = 0;
	return NO_MATCH;
}

static uint64_t some_id(const char *v)
{
	uint64_t id = 0;
	if (strcmp(v, "none") == 0)
		return 0;
	return hd_parse_u64(v, &id) == HD_OK && id ? id : NO_MATCH;
}

static int field_value(sq_term *t, const char *v, const hd_principal *who,
		       int64_t now, hd_rpc_rep *rep)
{
	int ok = 1;
	switch (t->kind) {
	case SQ_STATUS:
		t->ordinal = sq_status_ordinal(v);
		ok = t->ordinal >= 0;
		break;
	case SQ_PRIORITY:
		t->ordinal = sq_priority_ordinal(strcmp(v, "none") ? v : "");
		ok = t->ordinal >= 0;
		break;
	case SQ_ASSIGNEE:
	case SQ_REQUESTER:
	case SQ_SUBMITTER:
	case SQ_CC:
		t->id = person(v, who, &ok);
		break;
	case SQ_GROUP:
	case SQ_ORG:
	case SQ_FORM:
	case SQ_BRAND:
		t->id = some_id(v);
		break;
	case SQ_CREATED:
	case SQ_UPDATED:
	case SQ_SOLVED:
	case SQ_DUE:
		/* "none" leaves lo == hi == 0: the date is null */
		if (strcmp(v, "none") != 0)
			ok = parse_time(v, now, &t->lo_ms, &t->hi_ms) == 0;
		break;
	default:
		break;
	}
	if (!ok)
		return bad(rep, "cannot read the value", v);
	if (t->op != SQ_EQ && t->kind != SQ_STATUS && t->kind != SQ_PRIORITY &&
	    t->kind != SQ_CREATED && t->kind != SQ_UPDATED &&
	    t->kind != SQ_SOLVED && t->kind != SQ_DUE)
		return bad(rep, "< and > need an ordered keyword, not", v);
	return HD_OK;
}

/* The keyword at the start of raw ("status<solved"), or -100 for none. */
static int find_keyword(const char *raw, size_t *klen, uint64_t *field_id)
{
	size_t k = strcspn(raw, ":<>\"");
	*klen = k;
	if (k == 0 || !raw[k] || raw[k] == '"')
		return -100;
	if (k > 13 && strncmp(raw, "custom_field_", 13) == 0) {
		char num[24];
		if (k - 13 >= sizeof num)
			return -100;
		memcpy(num, raw + 13, k - 13);
		num[k - 13] = '\0';
		return hd_parse_u64(num, field_id) == HD_OK ? SQ_CUSTOM : -100;
	}
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (strlen(keywords[i].name) == k &&
		    strncmp(raw, keywords[i].name, k) == 0)
			return keywords[i].kind;
	return -100;
}

static enum sq_op read_op(const char **p)
{
	const char *s = *p;
	enum sq_op op = SQ_EQ;
	if (s[0] == '<')
		op = s[1] == '=' ? SQ_LE : SQ_LT;
	else if (s[0] == '>')
		op = s[1] == '=' ? SQ_GE : SQ_GT;
	*p = s + ((op == SQ_LE || op == SQ_GE) ? 2 : 1);
	return op;
}

/* Strip one pair of quotes around v (in place). */
static char *unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static int sort_words(sq_query *q, int which, const char *v, hd_rpc_rep *rep)
{
	if (which == -2) {
		if (strcmp(v, "asc") && strcmp(v, "desc"))
			return bad(rep, "sort: must be asc or desc, not", v);
		snprintf(q->sort_order, sizeof q->sort_order, "%s", v);
		return HD_OK;
	}
	static const char *const names[] = {
		"created",     "updated",    "priority",   "status",
		"ticket_type", "created_at", "updated_at", NULL};
	int i = ordinal(v, names);
	if (i < 0)
		return bad(rep, "order_by: unknown", v);
	snprintf(q->sort_by, sizeof q->sort_by, "%s%s", v, i < 2 ? "_at" : "");
	return HD_OK;
}

/* One raw term (already folded), e.g. -tags:"vip", "exact phrase". */
static int parse_term(sq_query *q, char *raw, const hd_principal *who,
		      int64_t now, hd_rpc_rep *rep)
{
	sq_term *t = &q->terms[q->n];
	memset(t, 0, sizeof *t);
	if (raw[0] == '-' && raw[1]) {
		t->neg = 1;
		raw++;
	}
	size_t klen;
	int kind = find_keyword(raw, &klen, &t->id);
	if (kind == -100 || kind == SQ_TEXT) {
		char *text = kind == SQ_TEXT ? raw + klen + 1 : raw;
		int quoted = text[0] == '"';
		int rc = text_term(t, unquote(text), quoted);
		if (rc == HD_OK && t->ntok > 0)
			q->n++;
		return rc;
	}
	const char *p = raw + klen;
	t->op = read_op(&p);
	char *v = unquote((char *)p);
	if (!v[0])
		return bad(rep, "missing value after", raw);
	if (kind < 0)
		return sort_words(q, kind, v, rep);
	t->kind = (enum sq_kind)kind;
	if (!(t->value = strdup(v)))
		return HD_E_NOMEM;
	q->n++;
	return field_value(t, v, who, now, rep);
}

/* Split the folded query into raw terms: whitespace separates, quotes
 * group (also after a keyword: group:"Level 2"). */
int sq_parse(const char *query, const hd_principal *who, int64_t now,
	     sq_query *q, hd_rpc_rep *rep)
{
	memset(q, 0, sizeof *q);
	char *text = hd_text_fold(query, strlen(query));
	int rc = HD_OK;
	q->terms = calloc(MAX_TERMS, sizeof *q->terms);
	if (!text || !q->terms) {
		free(text);
		return HD_E_NOMEM;
	}
	char *p = text;
	while (rc == HD_OK) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		char *start = p;
		int inq = 0;
		for (; *p && (inq || !isspace((unsigned char)*p)); p++)
			if (*p == '"')
				inq = !inq;
		if (inq)
			rc = bad(rep, "unterminated quote in", start);
		else if (q->n == MAX_TERMS)
			rc = bad(rep, "too many terms at", start);
		if (rc)
			break;
		if (*p)
			*p++ = '\0';
		rc = parse_term(q, start, who, now, rep);
	}
	free(text);
	return rc;
}

void sq_release(sq_query *q)
{
	for (size_t i = 0; q->terms && i < MAX_TERMS; i++) {
		free(q->terms[i].value);
		for (size_t j = 0; j < q->terms[i].ntok; j++)
			free(q->terms[i].tok[j]);
	}
	free(q->terms);
	memset(q, 0, sizeof *q);
}

/* A keyword whose value the directory turns into an id: people by e-mail
 * ("-assignee:ann@example.com"), groups and organizations by name
 * (group:"Level 2"). Returns the lookup kind, or NULL. */
static const char *resolvable(const char *term, size_t n, size_t *vstart)
{
	static const struct {
		const char *key, *kind;
	} keys[] = {{"assignee:", "email"},  {"requester:", "email"},
		    {"submitter:", "email"}, {"cc:", "email"},
		    {"group:", "group"},     {"organization:", "organization"}};
	size_t i = term[0] == '-' ? 1 : 0;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		size_t kl = strlen(keys[k].key);
		if (n <= i + kl || strncasecmp(term + i, keys[k].key, kl))
			continue;
		const char *v = term + i + kl;
		size_t vn = n - i - kl;
		int email = strcmp(keys[k].kind, "email") == 0;
		if (email ? !memchr(v, '@', vn)
			  : (strspn(v, "0123456789") == vn ||
			     (vn == 4 && strncasecmp(v, "none", 4) == 0)))
			return NULL; /* ids and none are understood as they are */
		*vstart = i + kl;
		return keys[k].kind;
	}
	return NULL;
}

int sq_resolve_people(const char *q, sq_lookup_fn fn, void *arg, hd_buf *out)
{
	const char *p = q;
	int rc = HD_OK;
	while (*p && rc == HD_OK) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *start = p;
		int inq = 0;
		for (; *p && (inq || !isspace((unsigned char)*p)); p++)
			if (*p == '"')
				inq = !inq;
		size_t n = (size_t)(p - start), v;
		char value[256];
		uint64_t id = 0;
		const char *kind = resolvable(start, n, &v);
		int swap = kind && n - v < sizeof value;
		if (swap) {
			size_t en = n - v;
			const char *e = start + v;
			if (en >= 2 && e[0] == '"' && e[en - 1] == '"')
				e++, en -= 2;
			memcpy(value, e, en);
			value[en] = '\0';
			int email = strcmp(kind, "email") == 0;
			if (email &&
			    !hd_ascii_lower(value, value, sizeof value))
				swap = 0;
			else if (fn(arg, kind, value, &id) != HD_OK)
				/* an e-mail we do not know stays as written; a
				 * name nobody has matches nothing */
				swap = !email, id = UINT64_MAX;
		}
		if (out->len)
			rc = hd_buf_puts(out, " ");
		if (!rc && swap)
			rc = hd_buf_printf(out, "%.*s%llu", (int)v, start,
					   (unsigned long long)id);
		else if (!rc)
			rc = hd_buf_append(out, start, n);
	}
	return rc;
}
