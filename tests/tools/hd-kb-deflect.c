/* hd-kb-deflect: drive knowledge's deflection RPCs for tests (the gateway's
 * deflection endpoints land with the help center). As an anonymous
 * visitor: create prints the new deflection's id; resolve marks it solved.
 *   usage: hd-kb-deflect RPC_URL create SUBJECT
 *          hd-kb-deflect RPC_URL resolve ID */
#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "knowledge.pb-c.h"

#include <stdio.h>
#include <string.h>

static int call(const char *url, const char *method, const uint8_t *p,
		size_t len)
{
	hd_rpc_client *c = NULL;
	hd_rpc_result res = {0};
	int rc = hd_rpc_client_open(&c, url);
	if (!rc)
		rc = hd_rpc_call(c, method, p, len, NULL, "", 5000, &res);
	rc = rc ? rc : res.rc;
	if (!rc && !strcmp(method, "hc.deflection.create")) {
		Hd__HcDeflectionReply *r = hd__hc_deflection_reply__unpack(
			NULL, res.len, res.payload);
		if (r && r->deflection)
			printf("%llu\n", (unsigned long long)r->deflection->id);
		else
			rc = HD_E_DECODE;
		hd__hc_deflection_reply__free_unpacked(r, NULL);
	}
	if (rc)
		fprintf(stderr, "hd-kb-deflect: %s: %s %s\n", method,
			hd_strerror(rc), res.message);
	hd_rpc_result_release(&res);
	hd_rpc_client_close(c);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint8_t buf[4096];
	uint64_t id = 0;
	if (hd_cluster_key_load_env(argv[0]))
		return 1;
	if (argc == 4 && !strcmp(argv[2], "create") &&
	    strlen(argv[3]) < sizeof buf / 2) {
		Hd__HcDeflectionRequest q = HD__HC_DEFLECTION_REQUEST__INIT;
		q.subject = argv[3];
		q.locale = "ko";
		return call(argv[1], "hc.deflection.create", buf,
			    hd__hc_deflection_request__pack(&q, buf));
	}
	if (argc == 4 && !strcmp(argv[2], "resolve") &&
	    hd_parse_u64(argv[3], &id) == HD_OK) {
		Hd__HcDeflectionResolve q = HD__HC_DEFLECTION_RESOLVE__INIT;
		q.id = id;
		return call(argv[1], "hc.deflection.resolve", buf,
			    hd__hc_deflection_resolve__pack(&q, buf));
	}
	fprintf(stderr, "usage: %s RPC_URL create SUBJECT | resolve ID\n",
		argv[0]);
	return 2;
}
