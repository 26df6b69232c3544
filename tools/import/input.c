/* Reading documents line by line, or a whole file when its first line is
 * not a document by itself (pretty-printed API pages). */
#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void fail(char *err, size_t cap, const char *path, uint64_t line,
		 const char *why)
{
	if (line)
		snprintf(err, cap, "%s:%llu: %s", path,
			 (unsigned long long)line, why);
	else
		snprintf(err, cap, "%s: %s", path, why);
}

static int blank(const char *s)
{
	return strspn(s, " \t\r\n") == strlen(s);
}

/* Make doc the current document: its page array when it has one. */
static void take(imp_file *f, json_t *doc)
{
	json_decref(f->doc);
	f->doc = doc;
	json_t *arr = json_object_get(doc, f->key);
	f->page = json_is_array(arr) ? arr : NULL;
}

/* Read the next non-blank line into f->line; 1, 0 at the end, -2. */
static int read_line(imp_file *f)
{
	for (;;) {
		errno = 0;
		ssize_t n = getline(&f->line, &f->cap, f->f);
		if (n < 0)
			return errno ? -2 : 0;
		f->pos.offset = f->next_offset;
		f->pos.line = f->next_line;
		f->next_offset += n;
		f->next_line++;
		if (!blank(f->line))
			return 1;
	}
}

/* Load the next document; 1, 0, -1 (not JSON, skipped), -2. */
static int next_doc(imp_file *f, char *err, size_t errcap)
{
	if (f->whole)
		return 0;
	int rc = read_line(f);
	if (rc <= 0) {
		if (rc == -2)
			fail(err, errcap, f->path, f->next_line,
			     strerror(errno));
		return rc;
	}
	json_error_t je;
	json_t *doc = json_loads(f->line, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		char why[300];
		snprintf(why, sizeof why, "not JSON (column %d): %s", je.column,
			 je.text);
		fail(err, errcap, f->path, f->pos.line, why);
		return -1;
	}
	take(f, doc);
	f->pos.elem = 0;
	return 1;
}

int imp_file_open(imp_file *f, const char *path, const char *key,
		  const imp_pos *at, char *err, size_t errcap)
{
	memset(f, 0, sizeof *f);
	f->path = path;
	f->key = key;
	f->f = fopen(path, "r");
	if (!f->f) {
		fail(err, errcap, path, 0, strerror(errno));
		return -1;
	}
	/* One document a line, unless the first line is not one. */
	f->next_line = 1;
	int rc = read_line(f);
	json_t *first = rc == 1 ? json_loads(f->line, 0, NULL) : NULL;
	if (rc == 1 && !first) {
		json_error_t je;
		json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
		if (!doc) {
			char why[300];
			snprintf(why, sizeof why, "not JSON (column %d): %s",
				 je.column, je.text);
			fail(err, errcap, path, (uint64_t)je.line, why);
			imp_file_close(f);
			return -1;
		}
		f->whole = 1;
		take(f, doc);
		f->pos = (imp_pos){0, 1, at ? at->elem : 0};
		return 0;
	}
	json_decref(first);
	f->next_offset = at ? at->offset : 0;
	f->next_line = at && at->line ? at->line : 1;
	if (fseeko(f->f, f->next_offset, SEEK_SET) != 0) {
		fail(err, errcap, path, 0, strerror(errno));
		imp_file_close(f);
		return -1;
	}
	/* Resuming inside a page: load that document, then skip to elem. */
	if (at && at->elem) {
		rc = next_doc(f, err, errcap);
		if (rc == 1)
			f->pos.elem = at->elem;
		else if (rc < 0) {
			imp_file_close(f);
			return -1;
		}
	}
	return 0;
}

int imp_file_next(imp_file *f, json_t **rec, imp_pos *at, char *where,
		  size_t wcap, char *err, size_t errcap)
{
	*rec = NULL;
	for (;;) {
		if (f->doc && f->page && f->pos.elem < json_array_size(f->page))
			break;
		if (f->doc && !f->page && f->pos.elem == 0)
			break;
		int rc = next_doc(f, err, errcap);
		if (rc <= 0)
			return rc;
	}
	*at = f->pos;
	*rec = json_incref(f->page ? json_array_get(f->page, f->pos.elem)
				   : f->doc);
	if (f->page)
		snprintf(where, wcap, "%s:%llu %s[%llu]", f->path,
			 (unsigned long long)f->pos.line, f->key,
			 (unsigned long long)f->pos.elem);
	else
		snprintf(where, wcap, "%s:%llu", f->path,
			 (unsigned long long)f->pos.line);
	f->pos.elem++;
	return 1;
}

imp_pos imp_file_tell(const imp_file *f)
{
	/* Past the end of the current document: the next line. */
	if (!f->whole && f->doc &&
	    (!f->page || f->pos.elem >= json_array_size(f->page)))
		return (imp_pos){f->next_offset, f->next_line, 0};
	return f->pos;
}

void imp_file_close(imp_file *f)
{
	if (f->f)
		fclose(f->f);
	json_decref(f->doc);
	free(f->line);
	memset(f, 0, sizeof *f);
}

uint64_t imp_file_lines(const char *path)
{
	FILE *fp = fopen(path, "r");
	char buf[1 << 16];
	uint64_t n = 0;
	size_t got;
	while (fp && (got = fread(buf, 1, sizeof buf, fp)) > 0)
		for (char *p = buf;
		     (p = memchr(p, '\n', got - (size_t)(p - buf))); p++)
			n++;
	if (fp)
		fclose(fp);
	return n;
}
