/* The organizations and users phases: each file's records in batches of
 * imports.organizations / imports.users on the directory shard, the Hana
 * ids they answer kept for the tickets phase. */
#include "import.h"
#include "zd.h"

#include "import.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHERE 200

typedef struct dir_batch {
	bool users;
	size_t n, cap;
	json_t **recs;
	char (*where)[WHERE];
	Hd__ImportUser *iu;
	Hd__User *u;
	Hd__ImportOrganization *io;
	Hd__Organization *o;
	void **ptrs;
} dir_batch;

static int batch_init(dir_batch *b, bool users, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->users = users;
	b->cap = cap;
	b->recs = calloc(cap, sizeof *b->recs);
	b->where = calloc(cap, sizeof *b->where);
	b->iu = calloc(cap, sizeof *b->iu);
	b->u = calloc(cap, sizeof *b->u);
	b->io = calloc(cap, sizeof *b->io);
	b->o = calloc(cap, sizeof *b->o);
	b->ptrs = calloc(cap, sizeof *b->ptrs);
	return b->recs && b->where && b->iu && b->u && b->io && b->o && b->ptrs
		       ? 0
		       : -1;
}

static void batch_clear(dir_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->recs[i]);
		if (b->users)
			zd_user_release(&b->u[i]);
		else
			zd_org_release(&b->o[i]);
	}
	b->n = 0;
}

static void batch_free(dir_batch *b)
{
	batch_clear(b);
	free(b->recs);
	free(b->where);
	free(b->iu);
	free(b->u);
	free(b->io);
	free(b->o);
	free(b->ptrs);
}

static int flush(imp *im, dir_batch *b)
{
	if (!b->n)
		return IMP_EX_OK;
	Hd__ImportReply *rep = NULL;
	Hd__ImportUsersRequest ur = HD__IMPORT_USERS_REQUEST__INIT;
	Hd__ImportOrganizationsRequest orq =
		HD__IMPORT_ORGANIZATIONS_REQUEST__INIT;
	for (size_t i = 0; i < b->n; i++)
		b->ptrs[i] = b->users ? (void *)&b->iu[i] : (void *)&b->io[i];
	ur.users = (Hd__ImportUser **)b->ptrs;
	ur.n_users = b->n;
	orq.organizations = (Hd__ImportOrganization **)b->ptrs;
	orq.n_organizations = b->n;
	int rc = b->users
			 ? imp_call(im, 0, "imports.users", &ur, &rep)
			 : imp_call(im, 0, "imports.organizations", &orq, &rep);
	for (size_t i = 0; !rc && i < b->n; i++) {
		Hd__ImportResult *r =
			i < rep->n_results ? rep->results[i] : NULL;
		if (!r || r->error[0]) {
			char what[400];
			snprintf(what, sizeof what, "%s%s%s",
				 r && r->field[0] ? r->field : "",
				 r && r->field[0] ? ": " : "",
				 r ? r->error : "no answer");
			if (imp_bad(im, b->where[i], what))
				rc = IMP_EX_DATAERR;
			continue;
		}
		imp_idmap_put(b->users ? &im->user_ids : &im->org_ids,
			      r->zendesk_id, r->id);
		*(b->users ? &im->n.users : &im->n.orgs) += 1;
	}
	hd__import_reply__free_unpacked(rep, NULL);
	batch_clear(b);
	return rc;
}

/* Add one record to the batch, or report it. */
static int add(imp *im, dir_batch *b, json_t *rec, const char *where)
{
	char err[300];
	size_t i = b->n;
	int bad = b->users ? zd_user(rec, &b->iu[i], &b->u[i], err, sizeof err)
			   : zd_org(rec, &b->io[i], &b->o[i], err, sizeof err);
	if (bad) {
		if (b->users)
			zd_user_release(&b->u[i]);
		else
			zd_org_release(&b->o[i]);
		json_decref(rec);
		return imp_bad(im, where, err) ? IMP_EX_DATAERR : IMP_EX_OK;
	}
	b->recs[i] = rec;
	snprintf(b->where[i], WHERE, "%s", where);
	b->n++;
	return IMP_EX_OK;
}

static int run_file(imp *im, dir_batch *b, const imp_list *files, size_t fi,
		    int phase)
{
	imp_file f;
	char err[400], where[WHERE];
	int rc = imp_file_resume(im, &f, files->v[fi],
				 b->users ? "users" : "organizations", phase,
				 fi);
	if (rc)
		return rc;
	int got;
	json_t *rec;
	imp_pos at;
	while (!rc && (got = imp_file_next(&f, &rec, &at, where, sizeof where,
					   err, sizeof err)) != 0) {
		rc = got == 1 ? add(im, b, rec, where)
			      : imp_unreadable(im, got, err);
		if (!rc && b->n == b->cap) {
			rc = flush(im, b);
			im->at = (imp_ckpt){phase, fi, imp_file_tell(&f)};
			if (!rc && imp_ckpt_save(im))
				rc = IMP_EX_IOERR;
			imp_progress(im, b->users ? "users" : "organizations",
				     false);
		}
	}
	if (!rc)
		rc = flush(im, b);
	imp_file_close(&f);
	return rc;
}

static int run_phase(imp *im, bool users)
{
	int phase = users ? PH_USERS : PH_ORGS;
	const imp_list *files = users ? &im->users : &im->orgs;
	if (im->at.phase > phase)
		return IMP_EX_OK;
	dir_batch b;
	int rc = batch_init(&b, users, im->batch) ? IMP_EX_SOFT : IMP_EX_OK;
	size_t first = im->at.phase == phase ? im->at.file : 0;
	for (size_t fi = first; !rc && fi < files->n; fi++)
		rc = run_file(im, &b, files, fi, phase);
	batch_free(&b);
	if (!rc) {
		im->at = (imp_ckpt){phase + 1, 0, {0, 0, 0}};
		if (imp_ckpt_save(im))
			rc = IMP_EX_IOERR;
		if (files->n)
			imp_progress(im, users ? "users" : "organizations",
				     true);
	}
	return rc;
}

int imp_run_orgs(imp *im)
{
	return run_phase(im, false);
}

int imp_run_users(imp *im)
{
	return run_phase(im, true);
}
