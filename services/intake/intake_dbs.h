/* intake's sub-database handles, one bundle per module, kept as members of
 * the service context (intake.h) rather than as process globals: each
 * module's bind fills its own bundle once, before anything starts, and they
 * are read-only afterwards, from any thread (search_dbs.verify is set by
 * the search module's start, still before the RPC workers run). Key layouts stay in the
 * modules' own files. */
#ifndef INTAKE_DBS_H
#define INTAKE_DBS_H

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

/* tickets.c and tickets_*.c */
typedef struct tickets_db {
	MDB_dbi tickets;  /* u64 id → hd.Ticket */
	MDB_dbi comments; /* u64 ticket ‖ u64 comment id → hd.Comment */
	MDB_dbi audits;   /* u64 ticket ‖ u64 audit id → hd.Audit */
	MDB_dbi idem; /* u64 user ‖ key bytes → 32-byte hash ‖ u64 id */
	MDB_dbi uploads; /* uploads.c */
	MDB_dbi blobs;
	MDB_dbi attach;
	MDB_dbi att_ref; /* attachments_ref.c */
	MDB_dbi jobs;    /* job id → hd.JobStatus (jobs.c) */
	/* tickets_by_created.c */
	MDB_dbi by_created;
	MDB_dbi lists; /* tickets_by_owner.c */
} tickets_db;

/* users.h: the directory (shard 0) */
typedef struct intake_dir_dbs {
	MDB_dbi users, by_email, tokens, token_recs, passwords;
	MDB_dbi orgs, org_domains, groups, memberships;
} intake_dir_dbs;

/* fields.h */
typedef struct fields_db {
	MDB_dbi fields, forms;
} fields_db;

/* search.h; bits: search_bits.h's bitmap postings */
typedef struct search_dbs {
	MDB_dbi post;
	MDB_dbi docs;
	MDB_dbi meta;
	MDB_dbi fields; /* search_fields.c */
	MDB_dbi bits;   /* search_bits.c */
	bool verify;    /* HD_SEARCH_VERIFY, read at start */
} search_dbs;

/* live.h: chats and voice calls */
typedef struct live_db {
	MDB_dbi chats, visitors, calls, call_ids, by_ticket, by_agent;
	int64_t followup_ms; /* HD_CHAT_FOLLOWUP_MINUTES */
} live_db;

/* mail.h: the failed-mail store and the Message-ID index */
typedef struct mail_dbs {
	MDB_dbi failed;     /* u64 id → hd.MailFailed */
	MDB_dbi failed_raw; /* u64 id → the raw bytes */
	MDB_dbi msgid;      /* Message-ID → u64 ticket ‖ u64 comment */
} mail_dbs;

/* A table with a lifetime setting: sessions.c, users_email.c and the two
 * mailed links (mailed_link.h). */
typedef struct intake_timed_db {
	MDB_dbi dbi;
	int64_t life_ms; /* from the module's *_MINUTES variable */
} intake_timed_db;

/* The mailed one-time link (mailed_link.h) of password reset (pw_reset.c)
 * and the customers' sign-in (signin_link.c): what differs between the two
 * (a const template in each file) and the table and life their bind sets. */
typedef struct intake_mailed_link {
	MDB_dbi dbi;            /* the links' table; set by the owner's bind */
	int64_t life_ms;        /* how long a link works; set by bind too */
	const char *mac_ctx;    /* the MAC's 8-character purpose */
	const char *event;      /* the bus event notifications mails */
	int64_t (*clock)(void); /* the expiry's clock (hd_now_ms/hd_wall_ms) */
	bool end_users_only;    /* staff may not receive this link */
} intake_mailed_link;

#endif
