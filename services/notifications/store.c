/* notifications' store. Key layout (integers big-endian; "lane key" = lane
 * name NUL-padded to 32 bytes + u64):
 *   webhooks      ULID (26)        → hd.Webhook
 *   deliveries    u64 delivery id  → hd.Delivery
 *   pending       u64 delivery id  → ""  (the outbox: still to be sent)
 *   by_lane       lane key         → ""  (a webhook's invocations, newest last)
 *   dead          lane key         → ""  (dead letters per lane)
 *   attempts      u64 delivery + u32 n → hd.Attempt
 *   tickets       u64 ticket id    → hd.Ticket   (copy from ticket.* events)
 *   users         u64 user id      → hd.User     (copy from user.* events)
 *   members       u64 group + u64 user → ""      (group_membership.*)
 *   suggestions   u64 ticket id    → hd.KbSuggested
 *   mail_roots    u64 ticket id    → Message-ID of the ticket's first mail
 *   msgids        Message-ID       → u64 delivery id (every mail sent)
 *   scs           u64 sc id        → hd.SideConversation
 *   sc_events     u64 sc + u64 msg → hd.ScMessage
 *   sc_by_ticket  u64 ticket + u64 sc → ""
 *   sc_msgids     Message-ID       → u64 sc id (outgoing and inbound)
 *   counters      name             → u64 ("next_id")
 *   queue         lane (32) + u64 rank + u64 id → u64 next_at
 *                 (the scheduler's index, deliver_index.c)
 *   templates, settings: see templates.h */
#include "notifications.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const char *const notify_dbs[] = {
	"webhooks",   "deliveries", "pending", "by_lane",   "dead",
	"attempts",   "tickets",    "users",   "members",   "suggestions",
	"mail_roots", "msgids",     "scs",     "sc_events", "sc_by_ticket",
	"sc_msgids",  "counters",   "queue",   "templates", "settings",
	NULL};

int notify_store_bind(notify *n)
{
	MDB_dbi *const slots[] = {
		&n->webhooks, &n->deliveries,  &n->pending,      &n->by_lane,
		&n->dead,     &n->attempts,    &n->tickets,      &n->users,
		&n->members,  &n->suggestions, &n->mail_roots,   &n->msgids,
		&n->scs,      &n->sc_events,   &n->sc_by_ticket, &n->sc_msgids,
		&n->counters, &n->queue,       &n->templates,    &n->settings};
	int rc = HD_OK;
	for (size_t i = 0; notify_dbs[i] && !rc; i++)
		rc = hd_store_dbi(n->store, notify_dbs[i], slots[i]);
	return rc;
}

int notify_get_pb(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen,
		  const ProtobufCMessageDescriptor *d, void **out)
{
	MDB_val v;
	*out = NULL;
	int rc = hd_txn_get(t, dbi, k, klen, &v);
	if (rc)
		return rc;
	*out = protobuf_c_message_unpack(d, NULL, v.mv_size, v.mv_data);
	return *out ? HD_OK : HD_E_DECODE;
}

int notify_get_pb_u64(hd_txn *t, MDB_dbi dbi, uint64_t id,
		      const ProtobufCMessageDescriptor *d, void **out)
{
	uint8_t k[8];
	hd_key_u64(k, id);
	return notify_get_pb(t, dbi, k, 8, d, out);
}

int notify_put_pb(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen,
		  const void *msg)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)16 << 20);
	int rc = hd_pb_pack(&b, msg);
	if (rc)
		hd_txn_fail(t, rc);
	else
		hd_txn_put(t, dbi, k, klen, b.data ? b.data : "", b.len);
	hd_buf_release(&b);
	return t->rc;
}

int notify_put_pb_u64(hd_txn *t, MDB_dbi dbi, uint64_t id, const void *msg)
{
	uint8_t k[8];
	hd_key_u64(k, id);
	return notify_put_pb(t, dbi, k, 8, msg);
}

uint64_t notify_next_id(notify *n, hd_txn *t)
{
	uint64_t id = 0;
	hd_txn_next_id(t, n->counters, "next_id", &id); /* sticky on failure */
	return id;
}

void notify_ulid(char out[27])
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint64_t ms = (uint64_t)hd_wall_ms();
	for (int i = 9; i >= 0; i--, ms >>= 5)
		out[i] = b32[ms & 31];
	for (int i = 10; i < 26; i++)
		out[i] = b32[randombytes_uniform(32)];
	out[26] = '\0';
}

void notify_random_token(char *out, size_t len)
{
	static const char an[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
				 "tuvwxyz0123456789";
	for (size_t i = 0; i < len; i++)
		out[i] = an[randombytes_uniform(sizeof an - 1)];
	out[len] = '\0';
}

void notify_lane_key(uint8_t out[40], const char *lane, uint64_t id)
{
	memset(out, 0, 32);
	size_t n = strlen(lane);
	memcpy(out, lane, n < 32 ? n : 32);
	hd_key_u64(out + 32, id);
}
