/* hd-import's input files: Zendesk exports as the API returns them, either
 * ndjson (one JSON document a line) or one JSON document per file. A
 * document is one record, or a page holding an array of records under the
 * object type's key ({"tickets":[…], "after_cursor":…, "end_of_stream":…}),
 * so saved API pages, one a line, are ndjson too. A position — the byte
 * offset and line of a document and the index of a record inside it —
 * survives a restart (the checkpoint holds it). One thread. */
#ifndef IMP_INPUT_H
#define IMP_INPUT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

typedef struct imp_pos {
	int64_t offset; /* the document's first byte */
	uint64_t line;  /* its first line, 1-based */
	uint64_t elem;  /* the record's index inside a page (0 otherwise) */
} imp_pos;

typedef struct imp_file {
	const char *path;
	const char *key; /* "tickets", "users", "organizations" */
	FILE *f;
	int whole;    /* the file is one document */
	json_t *doc;  /* the current document */
	json_t *page; /* its records' array, or NULL: the document is one */
	imp_pos pos;  /* where the next record is */
	int64_t next_offset;
	uint64_t next_line;
	char *line;
	size_t cap;
} imp_file;

/* Open path at pos (zero: the start). -1 with err ("path: why") when it
 * cannot be read or its first document is not JSON. */
int imp_file_open(imp_file *f, const char *path, const char *key,
		  const imp_pos *at, char *err, size_t errcap);
/* The next record: 1 with *rec (a new reference) and *at its position, 0 at
 * the end, -1 with err naming path:line when a document is not JSON (the
 * reader has moved past it: the caller may count it and go on), -2 on an
 * I/O error (stop). where gets "path:line" or "path:line key[i]". */
int imp_file_next(imp_file *f, json_t **rec, imp_pos *at, char *where,
		  size_t wcap, char *err, size_t errcap);
/* The position after the last record returned. */
imp_pos imp_file_tell(const imp_file *f);
void imp_file_close(imp_file *f);
/* Lines in the file (a document a line), for the ETA; 0 when unknown. */
uint64_t imp_file_lines(const char *path);

#endif
