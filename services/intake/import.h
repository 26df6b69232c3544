/* intake's import module: records brought in from another help desk
 * (hd-import, the gateway's /api/v2/imports/tickets), written in batches
 * through the same store, index and event code as ordinary writes, with a
 * Zendesk id → Hana id map kept in the same transaction. Handlers run on RPC
 * worker threads; every write is one hd_store_write job per batch. */
#ifndef INTAKE_IMPORT_H
#define INTAKE_IMPORT_H

#include "import.pb-c.h"
#include "intake.h"

/* The map's object types: the first byte of its keys. */
#define IMPORT_TICKET 't'
#define IMPORT_USER   'u'
#define IMPORT_ORG    'o'

/* At most this many records in one request (one transaction). */
#define IMPORT_MAX_BATCH 5000

/* The Hana id mapped to (type, zendesk_id) in t: HD_OK, HD_E_NOTFOUND. */
int import_map_get(const intake *in, hd_txn *t, char type, uint64_t zendesk_id,
		   uint64_t *id);
/* Map (type, zendesk_id) to id in t (sticky). */
int import_map_put(const intake *in, hd_txn *t, char type, uint64_t zendesk_id,
		   uint64_t id);
/* The map's type byte for a type name ("ticket", "user", "organization"),
 * 0 when unknown. */
char import_type_of(const char *name);

/* Only admins (and the suite's own system principal) import. HD_OK, or
 * HD_E_FORBIDDEN written to rep. */
int import_gate(const hd_principal *who, hd_rpc_rep *rep);

/* Set one result's error (r's strings are the caller's: malloc'd). */
int import_result_fail(Hd__ImportResult *r, const char *field, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));
/* n results, each initialised, for a reply; NULL when out of memory.
 * Free with import_results_free. */
Hd__ImportResult **import_results_new(size_t n);
void import_results_free(Hd__ImportResult **r, size_t n);
/* Pack the reply of n results into rep. */
int import_reply(hd_rpc_rep *rep, Hd__ImportResult **r, size_t n);

/* import_ticket.c: one imported ticket. */
/* A comment's plain text and sanitized HTML (malloc'd). */
typedef struct import_texts {
	char *body, *html;
} import_texts;
/* A ticket's comment texts (or its description's, when it has no
 * comments), made on the RPC worker before the write job. */
typedef struct import_prep {
	import_texts *tx;
	size_t n;
} import_prep;
/* Fill p for it (shape-checked before). HD_OK or HD_E_NOMEM; release p
 * with import_prep_release either way. */
int import_prepare(const Hd__ImportTicket *it, import_prep *p);
void import_prep_release(import_prep *p);
/* The ticket and child id counters of one batch's write job: read at the
 * first id taken, written back by import_ids_save at the job's end. Zero
 * it with in set. */
typedef struct import_ids {
	intake *in;
	uint64_t ticket, child; /* the next n of each counter */
	bool loaded;
} import_ids;
int import_ids_save(hd_txn *t, import_ids *ids);
/* Write it (prepared into prep) in t, or answer the Hana id its Zendesk
 * id was imported as before; r gets the id and whether it was created.
 * Sticky errors; the first is returned. */
int import_ticket_write(hd_txn *t, import_ids *ids, const hd_rpc_req *req,
			const Hd__ImportTicket *it, import_prep *prep,
			Hd__ImportResult *r);

/* import_dir.c: imports.users, imports.organizations (directory shard). */
int intake_import_users(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_import_orgs(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

#endif
