/* intake: the owner of tickets and the people who file them. Its context is
 * filled once by main.c's modules and read-only afterwards; handlers run on
 * RPC worker threads and write only through the store's group commit.
 *
 * intake is split into modules (tickets, users, fields, search), each with
 * its own sub-databases, RPC routes and lifecycle, declared below with
 * INTAKE_MODULE and wired together in main.c. */
#ifndef INTAKE_H
#define INTAKE_H

#include "hd/req_decode.h"
#include "intake_dbs.h"
#include "hd/rpc.h"
#include "hd/store.h"
#include "hd/store_iter.h"
#include "hd/store_pb.h"
#include "hd/svc.h"
#include "ticket.pb-c.h"
#include "user.pb-c.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A ticket or user id carries its intake shard in the low 8 bits, so any
 * component routes by id without a lookup. */
#define INTAKE_SHARD_BITS   8
#define INTAKE_ID(n, shard) (((uint64_t)(n) << INTAKE_SHARD_BITS) | (shard))
#define INTAKE_SHARD_OF(id) ((unsigned)((id) & ((1u << INTAKE_SHARD_BITS) - 1)))

/* Users, identities and tokens live on shard 0 (the directory shard). */
#define INTAKE_DIRECTORY_SHARD 0

typedef struct intake {
	hd_svc *svc;
	hd_store *store;
	unsigned shard;
	unsigned shards;
	MDB_dbi meta; /* counters shared by every module */
	/* each module's sub-databases and settings, filled by its bind */
	tickets_db tk;
	intake_dir_dbs dir;
	fields_db fields;
	search_dbs search;
	live_db live;
	mail_dbs mail;
	intake_timed_db sessions;   /* sessions.c: life_ms is the idle limit */
	intake_timed_db email;      /* users_email.c: pending e-mail changes */
	intake_mailed_link pwreset; /* pw_reset.c */
	intake_mailed_link signin;  /* signin_link.c */
	MDB_dbi addresses;          /* addresses.c */
	MDB_dbi csat_links;         /* csat_link.c */
	MDB_dbi imp_map;            /* import.c */
	MDB_dbi triggers;           /* trig_copy.c */
	/* trig_copy.c: since when the trigger copy has been behind (0: not),
	 * for /readyz */
	_Atomic int64_t trig_behind_since;
	/* search.c: the indexer thread, between intake_search_start and stop */
	struct search_indexer *indexer;
	/* search_bits.c's notes of the write job in progress and
	 * search_phrase_bits.c's cache of phrase bitmaps: made by
	 * intake_search_bind (see intake_search_release) */
	struct search_bits_notes *bits_notes;
	struct search_phrase_cache *phrase_cache;
} intake;

/* Each module: NULL-terminated sub-database names, a route table ending in
 * {NULL, NULL} and bind (resolve its dbis once the store is open), which
 * handlers.c makes main.c's module row's open (intake_<name>_open). The
 * three with work to start after every bind (tickets, search, mail) also
 * have start and stop (INTAKE_STARTS). */
#define INTAKE_MODULE(name)                                                    \
	extern const char *const intake_##name##_dbs[];                        \
	extern const hd_rpc_route intake_##name##_routes[];                    \
	int intake_##name##_bind(intake *in);                                  \
	int intake_##name##_open(hd_svc *svc, void *ctx);
#define INTAKE_STARTS(name)                                                    \
	int intake_##name##_start(intake *in);                                 \
	void intake_##name##_stop(intake *in);                                 \
	int intake_##name##_run(hd_svc *svc, void *ctx);                       \
	void intake_##name##_close(hd_svc *svc, void *ctx);

INTAKE_MODULE(tickets)   /* tickets.c …: tickets, comments, audits, uploads */
INTAKE_MODULE(users)     /* users.c …: users, orgs, groups, tokens, auth */
INTAKE_MODULE(fields)    /* fields.c …: ticket fields and forms */
INTAKE_MODULE(search)    /* search.c …: the search index and queries */
INTAKE_MODULE(mail)      /* mail_*.c: the inbound e-mail channel */
INTAKE_MODULE(email)     /* users_email.c: confirming a new e-mail address */
INTAKE_MODULE(session)   /* sessions.c: people's browser sessions */
INTAKE_MODULE(pwreset)   /* pw_reset.c: password reset by e-mail link */
INTAKE_MODULE(signin)    /* signin_link.c: customers' sign-in by e-mail link */
INTAKE_MODULE(addresses) /* addresses.c: support addresses */
INTAKE_MODULE(csat)      /* csat_link.c: ratings through survey links */
INTAKE_MODULE(import)    /* import*.c: Zendesk imports and their id map */
INTAKE_STARTS(tickets)   /* list indexes built on first start */
INTAKE_STARTS(search)    /* the indexer thread */
INTAKE_STARTS(mail)      /* the MIME parser */
/* search.c: free what intake_search_bind made, once nothing searches or
 * writes any more; NULL-safe, for a context whose bind failed too. The
 * service leaves them to the process's end (RPC workers may still search
 * after the modules close); tests free them. */
void intake_search_release(intake *in);

/* handlers.c: main.c's module rows beyond the modules' binds. core fills
 * the context; the starts (_run / _close) come after every bind and the
 * first admin, as the modules' start and stop. */
int intake_core_open(hd_svc *svc, void *ctx);
int intake_trig_open(hd_svc *svc, void *ctx);
int intake_trig_ready_open(hd_svc *svc, void *ctx);
int intake_admin_open(hd_svc *svc, void *ctx);
int intake_groups_snapshot_open(hd_svc *svc, void *ctx);

/* sessions_admin.c: admins list and end a person's sessions (sessions.c's
 * table and idle limit, in->sessions). */
extern const hd_rpc_route intake_session_admin_routes[];

/* fields_events.c: shards other than 0 apply shard 0's ticket field and
 * form definition events into their own copy (the bus consumer's apply). */
struct Hd__Envelope;
int intake_defs_apply(void *arg, hd_txn *t, const struct Hd__Envelope *ev);

/* ---- shared helpers (store.c) ---- */

/* Next id from the named counter in meta, as INTAKE_ID(n, shard). */
int intake_next_id(hd_txn *t, intake *in, const char *counter, uint64_t *id);
/* Pack msg (any protobuf-c message) under an integer key, up to
 * INTAKE_MAX_RECORD: intake keeps raw e-mail and uploads, larger than the
 * 16 MiB of hd_txn_put_pb_id. Read back with hd_txn_get_pb_id. */
#define INTAKE_MAX_RECORD ((size_t)64 << 20)
int intake_put_pb(hd_txn *t, MDB_dbi dbi, uint64_t id, const void *msg);

bool intake_is_staff(const hd_principal *p); /* agent, admin or system */
bool intake_is_admin(const hd_principal *p); /* admin or system */

/* ---- hooks between modules ---- */

/* fields.c: check tk's custom_fields and ticket_form_id against the defined
 * fields for a create (before == NULL) or an update; may add the tags that
 * tagger, multiselect and checkbox values imply. End-users (portal) see only
 * portal rules. Returns HD_OK or HD_E_INVALID with rep naming the field
 * ("custom_fields_<id>" or "ticket_form_id"). Runs inside the write job. */
int intake_fields_check(intake *in, hd_txn *t, Hd__Ticket *tk,
			const Hd__Ticket *before, const hd_principal *who,
			hd_rpc_rep *rep);

/* addresses.c: if subject carries the verification token of a support
 * address waiting for it and the mail was addressed to that address (to,
 * case-insensitive), mark it verified, describe it in reason and return
 * true: the mail is done with. Otherwise false and nothing changes. */
bool intake_address_confirm(intake *in, const char *subject, const char *to,
			    char *reason, size_t cap);

#endif
