/* knowledge's copy of group memberships (kb_members.c), from intake's
 * directory events. */
#ifndef KB_MEMBERS_H
#define KB_MEMBERS_H

#include "common.pb-c.h"
#include "hd/store.h"

#include <stdbool.h>
#include <stdint.h>

extern const char *const kb_members_dbs[];
/* The copy's table, kept in the context (kb.members) and given to each
 * call. */
int kb_members_bind(hd_store *s, MDB_dbi *members);
/* Apply group_membership.created / .deleted and group.deleted (HD_OK for
 * every other type). */
int kb_members_apply(hd_txn *t, MDB_dbi members, const Hd__Envelope *ev);
/* Whether user is a member of group, as the copy in t knows. */
bool kb_member_of(hd_txn *t, MDB_dbi members, uint64_t user, uint64_t group);

#endif
