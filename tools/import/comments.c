/* Comments come apart from their tickets in Zendesk's exports: an ndjson
 * file of {"ticket_id":N,"comments":[…]} lines (a ticket may have several
 * lines: pages), or a folder of N.json files each holding the
 * {"comments":[…]} page of GET /api/v2/tickets/N/comments. The ndjson files
 * are indexed once (ticket id → the lines' offsets and lengths), so the
 * tickets phase reads each ticket's comments with one pread — from any of
 * its sender threads, which parse their batch's comments side by side. */
#include "comments.h"

#include "zd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "{"ticket_id":123," without a full parse, else 0. */
static uint64_t quick_id(const char *line)
{
	static const char lead[] = "{\"ticket_id\":";
	if (strncmp(line, lead, sizeof lead - 1) != 0)
		return 0;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(line + sizeof lead - 1, &end, 10);
	return !errno && end && (*end == ',' || *end == '}') ? v : 0;
}

static int add_loc(imp *im, uint64_t ticket, uint32_t file, int64_t offset,
		   uint64_t line, uint64_t len)
{
	if (im->nclocs == im->capclocs) {
		size_t cap = im->capclocs ? im->capclocs * 2 : 4096;
		imp_cloc *c = realloc(im->clocs, cap * sizeof *c);
		if (!c)
			return -1;
		im->clocs = c;
		im->capclocs = cap;
	}
	uint64_t head = 0;
	imp_idmap_get(&im->comment_at, ticket, &head);
	im->clocs[im->nclocs] =
		(imp_cloc){file, (uint32_t)head, offset, line, len};
	im->nclocs++;
	return imp_idmap_put(&im->comment_at, ticket, im->nclocs);
}

static int index_file(imp *im, uint32_t fi)
{
	const char *path = im->comments.v[fi];
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "hd-import: %s: %s\n", path, strerror(errno));
		return IMP_EX_NOINPUT;
	}
	char *line = NULL, where[300];
	size_t cap = 0;
	int64_t off = 0;
	uint64_t no = 0;
	ssize_t n;
	int rc = IMP_EX_OK;
	while (!rc && (n = getline(&line, &cap, f)) >= 0) {
		no++;
		uint64_t id = quick_id(line);
		if (!id && strspn(line, " \t\r\n") != (size_t)n) {
			json_error_t je;
			json_t *doc = json_loads(line, 0, &je);
			id = doc ? zd_id(doc, "ticket_id") : 0;
			json_decref(doc);
			snprintf(where, sizeof where, "%s:%llu", path,
				 (unsigned long long)no);
			if (!id && imp_bad(im, where,
					   doc ? "a comments line needs "
						 "\"ticket_id\" (a positive "
						 "integer)"
					       : "not JSON"))
				rc = IMP_EX_DATAERR;
		}
		if (id && add_loc(im, id, fi, off, no, (uint64_t)n))
			rc = IMP_EX_SOFT;
		off += n;
	}
	free(line);
	fclose(f);
	im->cfds[fi] = rc ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	return rc;
}

int imp_index_comments(imp *im)
{
	int rc = IMP_EX_OK;
	for (size_t i = 0; i < im->comments.n && !rc; i++)
		if (!is_dir(im->comments.v[i]))
			rc = index_file(im, (uint32_t)i);
	if (!rc && im->nclocs)
		fprintf(stderr,
			"hd-import: comments indexed: %zu lines for %zu "
			"tickets\n",
			im->nclocs, im->comment_at.n);
	return rc;
}

/* Append doc's "comments" array to *out (a JSON array). */
static void gather(json_t *doc, json_t *out)
{
	json_t *arr = json_object_get(doc, "comments");
	if (json_is_array(arr))
		json_array_extend(out, arr);
}

/* One indexed line, read with pread (the senders read side by side). */
static int read_line_at(imp *im, const imp_cloc *c, json_t *out, char *err,
			size_t cap)
{
	int fd = im->cfds[c->file];
	const char *path = im->comments.v[c->file];
	char *line = malloc(c->len ? c->len : 1);
	ssize_t got = line && fd >= 0 ? pread(fd, line, c->len, c->offset) : -1;
	if (got < 0 || (uint64_t)got != c->len) {
		snprintf(err, cap, "%s:%llu: cannot read: %s", path,
			 (unsigned long long)c->line,
			 got < 0 ? strerror(errno) : "the file got shorter");
		free(line);
		return -2;
	}
	json_error_t je;
	json_t *doc = json_loadb(line, c->len, 0, &je);
	free(line);
	if (!doc || !json_is_array(json_object_get(doc, "comments"))) {
		snprintf(err, cap,
			 "%s:%llu: not a {\"ticket_id\":…,\"comments\":[…]} "
			 "line%s%s",
			 path, (unsigned long long)c->line, doc ? "" : ": ",
			 doc ? "" : je.text);
		json_decref(doc);
		return -1;
	}
	gather(doc, out);
	json_decref(doc);
	return 0;
}

int imp_comments_of(imp *im, uint64_t ticket, json_t **out, char *err,
		    size_t cap)
{
	*out = json_array();
	if (!*out)
		return -2;
	uint64_t at = 0;
	/* Lines were indexed newest first (a list pushed at the head): walk
	 * them into a stack to read them in file order. */
	size_t n = 0, idx[256];
	for (imp_idmap_get(&im->comment_at, ticket, &at); at && n < 256;
	     at = im->clocs[at - 1].next)
		idx[n++] = (size_t)at - 1;
	for (size_t i = n; i-- > 0;) {
		int rc = read_line_at(im, &im->clocs[idx[i]], *out, err, cap);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < im->comments.n; i++) {
		if (!is_dir(im->comments.v[i]))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%llu.json", im->comments.v[i],
			 (unsigned long long)ticket);
		json_error_t je;
		json_t *doc = json_load_file(path, 0, &je);
		if (!doc && errno == ENOENT && access(path, F_OK) != 0)
			continue;
		if (!doc) {
			snprintf(err, cap, "%s:%d: not JSON: %s", path, je.line,
				 je.text);
			return -1;
		}
		gather(doc, *out);
		json_decref(doc);
	}
	return 0;
}
