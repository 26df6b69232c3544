/* Stoppable frame waits; see hd/sub_recv.h. */
#include "hd/sub_recv.h"

#include "hd/err.h"

int hd_sub_recv_open(hd_sub_recv *r, nng_socket sock, int timeout_ms)
{
	r->sock = sock;
	r->aio = NULL;
	if (nng_aio_alloc(&r->aio, NULL, NULL) != 0)
		return HD_E_NOMEM;
	nng_aio_set_timeout(r->aio, timeout_ms);
	return HD_OK;
}

nng_msg *hd_sub_recv_next(hd_sub_recv *r)
{
	/* after a stop, nng refuses to begin: the wait returns at once */
	nng_recv_aio(r->sock, r->aio);
	nng_aio_wait(r->aio);
	return nng_aio_result(r->aio) == 0 ? nng_aio_get_msg(r->aio) : NULL;
}

void hd_sub_recv_stop(hd_sub_recv *r)
{
	if (r->aio)
		nng_aio_stop(r->aio);
}

void hd_sub_recv_close(hd_sub_recv *r)
{
	if (r->aio)
		nng_aio_free(r->aio);
	r->aio = NULL;
}
