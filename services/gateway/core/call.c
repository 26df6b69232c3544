/* One RPC from an HTTP handler: pack, call under the request's deadline and
 * the peer's breaker, map failures to HTTP, unpack. */
#include "gateway.h"
#include "gw_health.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"

#include <stdio.h>
#include <string.h>

#define MAX_REQUEST_BYTES ((size_t)32 << 20) /* uploads, inbound e-mail */

static int unavailable(gw *g, hd_rpc_client *c, gw_resp *out, int rc,
		       const char *why, unsigned retry_after)
{
	if (!out)
		return rc;
	char msg[160];
	snprintf(msg, sizeof msg, "%s is unavailable (%s)", gw_peer_name(g, c),
		 why);
	gw_error(out, 503, "ServiceUnavailable", msg);
	out->retry_after = retry_after;
	return rc;
}

int gw_rpc(gw *g, hd_rpc_client *c, gw_req *r, const char *method,
	   const void *payload, size_t len, const hd_principal *who,
	   hd_rpc_result *res, gw_resp *out)
{
	memset(res, 0, sizeof *res);
	int left = gw_time_left(g, r);
	if (left <= 0) /* not the peer's fault: its breaker is not told */
		return unavailable(g, c, out, HD_E_TIMEDOUT,
				   "the request's deadline passed", 1);
	gw_pass pass;
	const char *why = NULL;
	unsigned retry_after = 1;
	int rc = gw_peer_enter(g, c, left, &pass, &why, &retry_after);
	if (rc)
		return unavailable(g, c, out, rc, why, retry_after);
	left = gw_time_left(g, r); /* less if it waited for a slot */
	rc = hd_rpc_call(c, method, payload, len, who, r ? r->trace : NULL,
			 left > 0 ? left : 1, res);
	gw_peer_leave(g, &pass, rc, r ? r->trace : NULL);
	if (rc == HD_E_DECODE) {
		if (out)
			gw_from_err(out, HD_E_INTERNAL, hd_strerror(rc));
		return rc;
	}
	if (rc) {
		/* A real failure (refusals above are the breaker's, logged
		 * once per state change by peer_health.c). */
		hd_warn("rpc.failed", "peer=%s method=%s err=%s trace=%s",
			gw_peer_name(g, c), method, hd_errname(rc),
			r ? r->trace : "");
		unavailable(g, c, out, rc,
			    rc == HD_E_TIMEDOUT ? "timed out" : hd_strerror(rc),
			    1);
	}
	return rc;
}

int gw_unreachable(int rc)
{
	return rc == HD_E_UNAVAILABLE || rc == HD_E_TIMEDOUT ||
	       rc == HD_E_CLOSED;
}

int gw_skip_shard(gw *g, int rc, unsigned s, unsigned *missing,
		  size_t *nmissing, gw_resp *out)
{
	if (!gw_unreachable(rc))
		return 0;
	/* The last shard, with every other one missing too: that is an
	 * outage, not a partial answer. */
	if (s + 1 == g->shards && *nmissing + 1 == g->shards)
		return 0;
	missing[(*nmissing)++] = s;
	json_decref(out->body);
	out->body = NULL;
	out->status = 0;
	out->retry_after = 0;
	return 1;
}

void gw_partial(gw_resp *out, const unsigned *missing, size_t n)
{
	if (!n || !json_is_object(out->body))
		return;
	json_t *ids = json_array();
	size_t used =
		(size_t)snprintf(out->partial, sizeof out->partial, "shards=");
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(ids, json_integer(missing[i]));
		if (used < sizeof out->partial) {
			int k = snprintf(out->partial + used,
					 sizeof out->partial - used, "%s%u",
					 i ? "," : "", missing[i]);
			used += k > 0 ? (size_t)k : 0;
		}
	}
	json_object_set_new(out->body, "hd_partial",
			    json_pack("{s:o}", "missing_shards", ids));
}

int gw_call(gw *g, hd_rpc_client *c, gw_req *r, const char *method,
	    const void *req, const ProtobufCMessageDescriptor *reply_desc,
	    void **reply, gw_resp *out)
{
	hd_buf b;
	hd_rpc_result res = {0};
	*reply = NULL;
	hd_buf_init(&b, MAX_REQUEST_BYTES);
	int rc = req ? hd_pb_pack(&b, req) : HD_OK;
	if (rc) {
		hd_buf_release(&b);
		return gw_from_err(out, rc, "request too large");
	}
	rc = gw_rpc(g, c, r, method, b.data, b.len, &r->who, &res, out);
	hd_buf_release(&b);
	if (rc)
		return rc;
	if (res.rc) {
		gw_from_rpc(out, HD_OK, &res);
		hd_rpc_result_release(&res);
		return res.rc;
	}
	*reply = protobuf_c_message_unpack(reply_desc, NULL, res.len,
					   res.payload);
	hd_rpc_result_release(&res);
	if (!*reply)
		return gw_from_err(out, HD_E_INTERNAL, "undecodable reply");
	return HD_OK;
}
