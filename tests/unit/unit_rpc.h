/* An RPC server/client pair over ipc:// in a scratch directory for the
 * tests of common/'s RPC modules; each test starts the server it needs
 * (or none, to see a peer that is not listening yet). Header-only, as
 * unit.h. */
#ifndef HD_UNIT_RPC_H
#define HD_UNIT_RPC_H

#include "hd/rpc.h"

#include "unit.h"

typedef struct unit_rpc {
	char dir[64];
	char url[128];      /* ipc://<dir>/rpc.ipc */
	hd_rpc_server *srv; /* NULL until the test starts one */
	hd_rpc_client *cli;
} unit_rpc;

/* cmocka teardown: close the client, stop the server, remove the
 * directory, free *state. Accepts a half-built pair. */
static inline int unit_rpc_teardown(void **state)
{
	unit_rpc *r = *state;
	hd_rpc_client_close(r->cli);
	hd_rpc_server_stop(r->srv);
	unit_rmtree(r->dir);
	free(r);
	return 0;
}

/* cmocka setup: a fresh scratch directory and its URL, nothing started.
 * Returns -1 when out of memory. */
static inline int unit_rpc_setup(void **state)
{
	unit_rpc *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	unit_mkdtemp(r->dir, sizeof r->dir);
	unit_ipc_url(r->url, sizeof r->url, r->dir, "rpc");
	*state = r;
	return 0;
}

/* As unit_rpc_setup, then a client dialing the URL (no server yet). */
static inline int unit_rpc_setup_client(void **state)
{
	if (unit_rpc_setup(state))
		return -1;
	unit_rpc *r = *state;
	if (hd_rpc_client_open(&r->cli, r->url)) {
		unit_rpc_teardown(state);
		return -1;
	}
	return 0;
}

#endif
