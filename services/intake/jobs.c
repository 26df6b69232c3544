/* Finished bulk jobs (job_statuses), kept on the directory shard so any
 * gateway can answer GET /job_statuses/{id}. Key layout:
 *   tk_jobs  job id string ("V3-<hex>") → hd.JobStatus */
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <string.h>

#define MAX_JOB_ID 64

typedef struct job_put {
	const intake *in;
	const Hd__JobStatus *js;
} job_put;

static int put_job(hd_txn *t, void *arg)
{
	job_put *p = arg;
	int rc = hd_txn_put_pb(t, p->in->tk.jobs, p->js->id, strlen(p->js->id),
			       p->js);
	return rc ? rc : t->rc;
}

int tk_rpc_jobs_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (!intake_is_staff(&req->principal) && req->principal.user_id == 0)
		return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL, "who?");
	Hd__JobStatus *js = NULL;
	if (hd_req_decode(req, rep, &hd__job_status__descriptor, (void **)&js))
		return HD_E_DECODE;
	int rc = HD_OK;
	size_t n = strlen(js->id);
	if (n == 0 || n > MAX_JOB_ID)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "id", "bad job id");
	js->owner_id = req->principal.user_id;
	job_put p = {in, js};
	if (!rc)
		rc = hd_store_write(in->store, put_job, &p);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, js);
	hd__job_status__free_unpacked(js, NULL);
	return rc;
}

int tk_rpc_jobs_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__JobGetRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__job_get_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	hd_txn t;
	MDB_val v;
	size_t n = strlen(q->id);
	int rc = n && n <= MAX_JOB_ID ? hd_store_read(in->store, &t)
				      : HD_E_NOTFOUND;
	if (!rc) {
		rc = hd_txn_get(&t, in->tk.jobs, q->id, n, &v);
		Hd__JobStatus *js =
			rc ? NULL
			   : hd__job_status__unpack(NULL, v.mv_size, v.mv_data);
		hd_txn_end(&t);
		if (!rc && !js)
			rc = HD_E_CORRUPT;
		if (js && js->owner_id != req->principal.user_id &&
		    !intake_is_staff(&req->principal))
			rc = HD_E_NOTFOUND;
		if (!rc)
			rc = hd_pb_pack(&rep->payload, js);
		hd__job_status__free_unpacked(js, NULL);
	}
	hd__job_get_request__free_unpacked(q, NULL);
	return rc;
}
