/* Talking to intake: every import RPC is idempotent (the id map), so a
 * timeout or a lost connection is answered by sending the same batch again. */
#include "import.h"

#include "import.pb-c.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TRIES 6

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int imp_call(imp *im, unsigned shard, const char *method, const void *msg,
	     Hd__ImportReply **reply)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf) {
		fprintf(stderr, "hd-import: out of memory\n");
		return IMP_EX_SOFT;
	}
	protobuf_c_message_pack(msg, buf);
	hd_rpc_result res = {0};
	int rc = HD_E_UNAVAILABLE;
	for (int i = 0; i < TRIES; i++) {
		rc = hd_rpc_call(im->intake[shard], method, buf, len, &im->who,
				 "hd-import", im->timeout_ms, &res);
		if (rc == HD_OK)
			break;
		fprintf(stderr,
			"hd-import: %s on intake-%u: %s; trying again\n",
			method, shard, hd_strerror(rc));
		pause_ms(250 << i);
	}
	free(buf);
	if (rc != HD_OK) {
		fprintf(stderr,
			"hd-import: intake-%u did not answer %s: %s (resume "
			"later: the checkpoint holds the last acknowledged "
			"batch)\n",
			shard, method, hd_strerror(rc));
		return IMP_EX_UNAVAIL;
	}
	if (res.rc != HD_OK) {
		fprintf(stderr, "hd-import: intake-%u refused %s: %s%s%s\n",
			shard, method, hd_strerror(res.rc),
			res.message[0] ? ": " : "", res.message);
		hd_rpc_result_release(&res);
		return IMP_EX_SOFT;
	}
	*reply = hd__import_reply__unpack(NULL, res.len, res.payload);
	hd_rpc_result_release(&res);
	if (!*reply) {
		fprintf(stderr, "hd-import: intake-%u: undecodable reply\n",
			shard);
		return IMP_EX_SOFT;
	}
	return IMP_EX_OK;
}

int imp_lookup(imp *im, const char *type, const uint64_t *ids, size_t n)
{
	imp_idmap *m = type[0] == 'u' ? &im->user_ids : &im->org_ids;
	Hd__ImportMapRequest rq = HD__IMPORT_MAP_REQUEST__INIT;
	uint64_t *ask = calloc(n ? n : 1, sizeof *ask);
	uint64_t v;
	if (!ask)
		return IMP_EX_SOFT;
	for (size_t i = 0; i < n; i++)
		if (ids[i] && !imp_idmap_get(m, ids[i], &v))
			ask[rq.n_zendesk_ids++] = ids[i];
	rq.type = (char *)type;
	rq.zendesk_ids = ask;
	Hd__ImportReply *rep = NULL;
	int rc = rq.n_zendesk_ids ? imp_call(im, 0, "imports.map", &rq, &rep)
				  : IMP_EX_OK;
	for (size_t i = 0; rep && i < rep->n_results; i++)
		if (rep->results[i]->id)
			imp_idmap_put(m, rep->results[i]->zendesk_id,
				      rep->results[i]->id);
	hd__import_reply__free_unpacked(rep, NULL);
	free(ask);
	return rc;
}
