/* The gateway's live channels: chat transcripts (channels_chat.c) and voice
 * call records (channels_voice.c) turned into tickets by intake's
 * chat.ingest / voice.ingest, and the input checks they share
 * (channels_common.c). Callers are agents or admins (the CTI or chat
 * system's API user); end-users get 403. Each check answers 422 naming the
 * field on bad input and returns its error. */
#ifndef GW_CHANNELS_H
#define GW_CHANNELS_H

#include "channels.pb-c.h"
#include "gw_tickets.h"

#include <stdbool.h>

#define GW_CHANNEL_ID_MAX 128

/* 403 unless the caller is an agent or admin. */
int gw_channel_staff(const gw_req *r, gw_resp *out);
/* obj[key] as a string of at most max bytes (NULL when absent and not
 * required); field names it in the error. */
int gw_channel_str(json_t *obj, const char *key, const char *field, size_t max,
		   bool required, const char **s, gw_resp *out);
/* obj[key]: an id of printable ASCII, 1..GW_CHANNEL_ID_MAX bytes. */
int gw_channel_id(json_t *obj, const char *key, const char **s, gw_resp *out);
/* obj[key] as an ISO 8601 time ("2024-05-01T09:30:00Z", fractions and
 * ±HH:MM offsets allowed) in ms; 0 when absent and not required. */
int gw_channel_time(json_t *obj, const char *key, const char *field,
		    bool required, int64_t *ms, gw_resp *out);
/* obj[key] as a positive integer id (0 when absent or null). */
int gw_channel_uint(json_t *obj, const char *key, const char *field,
		    uint64_t *v, gw_resp *out);
/* 422 naming field unless user id is an agent or admin. */
int gw_channel_agent(gw *g, gw_req *r, uint64_t id, const char *field,
		     gw_resp *out);
/* Answer {"result", "ticket"} (status 200 for a duplicate, else 201); the
 * caller adds its own keys to out->body. */
void gw_channel_reply(gw_req *r, gw_resp *out, const Hd__ChannelReply *cr,
		      const char *result);

extern const gw_route gw_chat_routes[];
extern const gw_route gw_voice_routes[];

#endif
