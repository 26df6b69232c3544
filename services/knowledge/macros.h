/* knowledge's macros (API.md §7): stored with their actions, visible by
 * restriction (everyone, one owner, or groups), and counted per hour of
 * business time when applied. Rendering an application is the gateway's
 * (it holds the ticket); knowledge counts it. The macros.* RPCs run on RPC
 * worker threads and write only through the group commit. */
#ifndef KB_MACROS_H
#define KB_MACROS_H

#include "knowledge.h"

#include "hd/rpc.h"
#include "macros.pb-c.h"

#include <stdbool.h>

extern const char *const kb_macros_dbs[];
extern const hd_rpc_route kb_macro_routes[];

typedef struct kb_macros {
	hd_store *store;
	MDB_dbi macros, usage, meta;
	MDB_dbi members; /* kb.members: restriction groups' members */
} kb_macros;

/* macros_store.c: bind the sub-databases into k->macros. */
int kb_macros_setup(kb *k, hd_svc *svc);
int kb_macro_get(hd_txn *t, kb_macros *m, uint64_t id, Hd__Macro **out);
int kb_macro_put(hd_txn *t, kb_macros *m, const Hd__Macro *macro);
/* Delete the macro and its usage counts. */
int kb_macro_del(hd_txn *t, kb_macros *m, uint64_t id);
/* Count one application at business time now_ms. */
int kb_macro_count_use(hd_txn *t, kb_macros *m, uint64_t id, int64_t now_ms);
/* Fill macro's usage_1h/24h/7d/30d as of now_ms. */
int kb_macro_usage(hd_txn *t, kb_macros *m, Hd__Macro *macro, int64_t now_ms);

/* macros_access.c: may who see (and so apply) the macro; may who write it
 * (admins: any; agents: only their personal ones). */
bool kb_macro_visible(hd_txn *t, const kb_macros *m, const Hd__Macro *macro,
		      const hd_principal *who);
bool kb_macro_writable(const Hd__Macro *macro, const hd_principal *who);
/* Check a macro to be saved: title, actions (known fields, JSON values),
 * restriction. HD_E_INVALID naming the field in rep. */
int kb_macro_check(const Hd__Macro *macro, hd_rpc_rep *rep);

#endif
