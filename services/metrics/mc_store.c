/* metrics' core store. Key layout (integers big-endian):
 *   mc_tickets    u64 ticket id                → hd.McTicket
 *   mc_users      u64 user id                  → role ("agent", "admin", "end-user")
 *   mc_mevents    i64 time ms ‖ u64 event id   → hd.McMetricEvent
 *   mc_ratings    u64 rating id (= ticket id)  → hd.McRating
 *   mc_export     i64 stamp ms ‖ u64 ticket id → hd.Ticket as intake sent it
 *   mc_export_at  u64 ticket id                → i64 stamp (its mc_export key)
 *   mc_meta       name ("mevent_seq")          → u64
 *   mc_schedules  u64 schedule id              → hd.BhSchedule (mc_sched.c) */
#include "mc.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <string.h>

const char *const mc_db_names[] = {"mc_tickets", "mc_users",     "mc_mevents",
				   "mc_ratings", "mc_export",    "mc_export_at",
				   "mc_meta",    "mc_schedules", NULL};

int mc_bind(mc_db *db, hd_store *s)
{
	MDB_dbi *dbi[] = {&db->tickets, &db->users,    &db->mevents,
			  &db->ratings, &db->exp,      &db->exp_at,
			  &db->meta,    &db->schedules};
	int rc = HD_OK;
	for (size_t i = 0; !rc && mc_db_names[i]; i++)
		rc = hd_store_dbi(s, mc_db_names[i], dbi[i]);
	return rc;
}

int mc_ticket_get(hd_txn *t, const mc_db *db, uint64_t id, Hd__McTicket **out)
{
	uint8_t k[8];
	hd_key_u64(k, id);
	return hd_txn_get_pb(t, db->tickets, k, 8, &hd__mc_ticket__descriptor,
			     (void **)out);
}

int mc_ticket_put(hd_txn *t, const mc_db *db, const Hd__McTicket *m)
{
	uint8_t k[8];
	hd_key_u64(k, m->ticket_id);
	return hd_txn_put_pb(t, db->tickets, k, 8, m);
}

void mc_user_role(hd_txn *t, const mc_db *db, uint64_t id, char out[16])
{
	uint8_t k[8];
	MDB_val v;
	out[0] = '\0';
	hd_key_u64(k, id);
	if (hd_txn_get(t, db->users, k, 8, &v) == HD_OK && v.mv_size < 16) {
		memcpy(out, v.mv_data, v.mv_size);
		out[v.mv_size] = '\0';
	}
}
