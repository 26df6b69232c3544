/* intake's live channels: chat transcripts (chat.c) and voice calls
 * (voice.c, voice_calls.c), each a ticket or comments written through the
 * ticket module's tk_write_txn in one transaction with the channel's own
 * index, so a resubmitted chat_id or call_id changes nothing. The dbis are
 * resolved once in intake_live_bind and read-only afterwards.
 *
 * Key layout (live module):
 *   live_chats      chat_id bytes → u64 ticket id
 *   live_visitors   u64 visitor id → u64 ticket id ‖ i64 business ms of
 *                   the visitor's last chat (the follow-up window)
 *   live_calls      u64 call seq → hd.CallRecord
 *   live_call_ids   call_id bytes → u64 call seq
 *   live_by_ticket  u64 ticket ‖ u64 call seq → ""
 *   live_by_agent   u64 agent ‖ u64 call seq → "" */
#ifndef INTAKE_LIVE_H
#define INTAKE_LIVE_H

#include "channels.pb-c.h"
#include "tickets.h"

INTAKE_MODULE(live)

#define LIVE_MAX_CHANNEL_ID 128

/* Is s a usable channel id (1..LIVE_MAX_CHANNEL_ID printable ASCII)? */
bool live_channel_id_ok(const char *s);
/* Is tk still open for more conversation (not solved, closed, deleted)? */
bool live_ticket_open(const Hd__Ticket *tk);

/* chat.c: chat.ingest */
int live_rpc_chat(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* voice.c: voice.ingest */
int live_rpc_voice(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* voice_calls.c: voice.calls (this shard's records) and voice.caller (the
 * directory shard's user by phone number) */
int live_rpc_calls(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int live_rpc_caller(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* Store rec (rec->seq set here) and its indexes, and emit call.recorded. */
int live_call_put(hd_txn *t, intake *in, Hd__CallRecord *rec,
		  const char *trace);

#endif
