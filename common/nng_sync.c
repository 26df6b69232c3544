/* Blocking context I/O for nng 1.5.2; see nng_sync.h. */
#include "nng_sync.h"

int hd_nng_ctx_send(nng_ctx ctx, nng_msg *msg, nng_duration timeout)
{
	nng_aio *aio = NULL;
	int rc = nng_aio_alloc(&aio, NULL, NULL);
	if (rc)
		return rc;
	nng_aio_set_timeout(aio, timeout);
	nng_aio_set_msg(aio, msg);
	nng_ctx_send(ctx, aio);
	nng_aio_wait(aio);
	rc = nng_aio_result(aio);
	nng_aio_free(aio);
	return rc;
}

int hd_nng_ctx_recv(nng_ctx ctx, nng_msg **out, nng_duration timeout)
{
	nng_aio *aio = NULL;
	*out = NULL;
	int rc = nng_aio_alloc(&aio, NULL, NULL);
	if (rc)
		return rc;
	nng_aio_set_timeout(aio, timeout);
	nng_ctx_recv(ctx, aio);
	nng_aio_wait(aio);
	rc = nng_aio_result(aio);
	if (rc == 0)
		*out = nng_aio_get_msg(aio);
	nng_aio_free(aio);
	return rc;
}
