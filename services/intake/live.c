/* The live channels module: its sub-databases, config and RPC routes (the
 * key layout is in live.h). */
#include "live.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/vocab.h"

#include <string.h>

const char *const intake_live_dbs[] = {
	"live_chats",     "live_visitors", "live_calls", "live_call_ids",
	"live_by_ticket", "live_by_agent", NULL};

int intake_live_bind(intake *in)
{
	uint64_t minutes = 30;
	int rc = hd_cfg_u64(&in->svc->cfg, "HD_CHAT_FOLLOWUP_MINUTES", 0,
			    60 * 24 * 365, &minutes);
	in->live.followup_ms = (int64_t)minutes * 60000;
	const hd_dbi_ref dbs[] = {{"live_chats", &in->live.chats},
				  {"live_visitors", &in->live.visitors},
				  {"live_calls", &in->live.calls},
				  {"live_call_ids", &in->live.call_ids},
				  {"live_by_ticket", &in->live.by_ticket},
				  {"live_by_agent", &in->live.by_agent},
				  {NULL, NULL}};
	return rc ? rc : hd_store_dbis(in->store, dbs);
}

bool live_channel_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > LIVE_MAX_CHANNEL_ID)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

bool live_ticket_open(const Hd__Ticket *tk)
{
	return !tk->deleted && !hd_ticket_solved_str(tk->status);
}

const hd_rpc_route intake_live_routes[] = {
	{"chat.ingest", live_rpc_chat},
	{"voice.ingest", live_rpc_voice},
	{"voice.calls", live_rpc_calls},
	{"voice.caller", live_rpc_caller},
	{NULL, NULL},
};
