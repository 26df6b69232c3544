/* hd-import's shared state: options, the intake clients, the id tables, the
 * counts and the checkpoint. One thread, but for the tickets phase: its
 * parser (the main thread) and its senders share the counts, the place and
 * stderr under imp_lock, and the id tables under tickets.c's own lock. */
#ifndef IMP_IMPORT_H
#define IMP_IMPORT_H

#include "idmap.h"
#include "input.h"

#include "hd/rpc.h"

#include <stdbool.h>
#include <stdint.h>

#define IMP_MAX_FILES    256
#define IMP_MAX_SHARDS   256
#define IMP_MAX_INFLIGHT 16

/* sysexits.h's codes, which the tests and scripts check. */
#define IMP_EX_OK      0
#define IMP_EX_USAGE   64
#define IMP_EX_DATAERR 65
#define IMP_EX_NOINPUT 66
#define IMP_EX_UNAVAIL 69
#define IMP_EX_SOFT    70
#define IMP_EX_IOERR   74

enum { PH_ORGS, PH_USERS, PH_TICKETS, PH_DONE };

typedef struct imp_list {
	const char *v[IMP_MAX_FILES];
	size_t n;
} imp_list;

typedef struct imp_counts {
	uint64_t orgs, users, tickets, comments; /* imported (or mapped) */
	uint64_t created, existing; /* of those: new, already imported */
	uint64_t skipped;           /* deleted tickets (status "deleted") */
	uint64_t bad;               /* records reported and not imported */
} imp_counts;

/* Where the import stands: the phase, the file and the position after the
 * last acknowledged batch. */
typedef struct imp_ckpt {
	int phase;
	size_t file;
	imp_pos pos;
} imp_ckpt;

/* One comment record's place (ndjson comment files). */
typedef struct imp_cloc {
	uint32_t file;
	uint32_t next; /* 1-based index of the ticket's next record; 0 = none */
	int64_t offset;
	uint64_t line;
	uint64_t len; /* the line's bytes */
} imp_cloc;

typedef struct imp {
	imp_list tickets, comments, users, orgs;
	const char *checkpoint;
	unsigned batch;
	unsigned inflight; /* ticket batches with intake at once */
	unsigned shards;
	int timeout_ms;
	bool stop_on_bad;
	hd_rpc_client *intake[IMP_MAX_SHARDS];
	hd_principal who;
	imp_idmap user_ids, org_ids; /* Zendesk id → Hana id */
	imp_idmap comment_at;        /* Zendesk ticket id → 1-based cloc */
	imp_cloc *clocs;
	size_t nclocs, capclocs;
	int cfds[IMP_MAX_FILES]; /* read with pread: any thread; -1 none */
	imp_counts n;
	imp_ckpt at;
	uint64_t fingerprint; /* of the inputs: a checkpoint is for them */
	uint64_t total;       /* ticket records expected (ETA), 0 unknown */
	int64_t t0_ms, last_report_ms;
	uint64_t tickets_at_start;
	/* tickets phase: ms the senders spent in RPCs (intake's commits,
	 * summed over the batches in flight) and ms the main thread waited
	 * for a free batch (0: parsing was slower) */
	int64_t rpc_ms, wait_ms;
} imp;

/* report.c: the lock over counts, position and stderr that the tickets
 * phase's parser and sender threads share (not recursive). */
void imp_lock(void);
void imp_unlock(void);
/* report.c: one line on stderr naming the record and what is wrong, and
 * the bad count; 1 when the import must stop (--stop-on-bad). */
int imp_bad(imp *im, const char *where, const char *what);
/* report.c: the exit code for what imp_file_next gave instead of a record
 * (got -1: a document that is not JSON, counted as bad; -2: an I/O
 * error). */
int imp_unreadable(imp *im, int got, const char *err);
/* Progress on stderr (at most once a second unless force). */
void imp_progress(imp *im, const char *phase, bool force);
int64_t imp_now_ms(void);

/* ckpt.c: load (0; -1 with a message on mismatch or a broken file; absent
 * is a fresh start) and save (atomically, fsync'd: 0 or -1). */
int imp_ckpt_load(imp *im);
int imp_ckpt_save(imp *im);
/* ckpt.c: open path, file fi of phase, where the checkpoint says the last
 * run stopped in it, else at its start. IMP_EX_OK, or IMP_EX_NOINPUT after
 * a message. */
int imp_file_resume(imp *im, imp_file *f, const char *path, const char *key,
		    int phase, size_t fi);

/* rpc.c: call method on a shard with payload msg, retrying transport
 * failures (every import RPC is idempotent); *reply is the caller's
 * (hd__import_reply__free_unpacked). 0, or an exit code after a message. */
struct Hd__ImportReply;
int imp_call(imp *im, unsigned shard, const char *method, const void *msg,
	     struct Hd__ImportReply **reply);
/* Hana ids for Zendesk user/organization ids not yet in the tables, asked
 * of the directory shard's map (ids imported by an earlier run). */
int imp_lookup(imp *im, const char *type, const uint64_t *ids, size_t n);

/* dir.c: the organizations and users phases. */
int imp_run_orgs(imp *im);
int imp_run_users(imp *im);
/* comments.c: index the comment files; the comments of one ticket. */
int imp_index_comments(imp *im);
/* tickets.c */
int imp_run_tickets(imp *im);

#endif
