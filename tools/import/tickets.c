/* The tickets phase: each ticket record with its comments, people resolved
 * to Hana ids (from the users phase, or from intake's map for ids imported
 * by an earlier run), sent in batches to the shard the gateway would pick
 * (the requester's spread), one imports.tickets per shard per batch, with
 * several batches in flight. The checkpoint moves past a batch once every
 * shard has acknowledged it and every batch before it. */
#include "comments.h"
#include "import.h"
#include "zd.h"

#include "import.pb-c.h"

#include "hd/shard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHERE 240

typedef struct tk_batch {
	size_t n, cap;
	json_t **recs, **cmts;
	Hd__ImportTicket *t;
	char (*where)[WHERE];
	bool *out; /* not sent: reported bad while resolving */
	Hd__ImportTicket **ptrs;
	imp_counts n_done; /* what intake acknowledged of this batch, and
			    * the deleted tickets it skipped */
} tk_batch;

static int batch_init(tk_batch *b, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->cap = cap;
	b->recs = calloc(cap, sizeof *b->recs);
	b->cmts = calloc(cap, sizeof *b->cmts);
	b->t = calloc(cap, sizeof *b->t);
	b->where = calloc(cap, sizeof *b->where);
	b->out = calloc(cap, sizeof *b->out);
	b->ptrs = calloc(cap, sizeof *b->ptrs);
	return b->recs && b->cmts && b->t && b->where && b->out && b->ptrs ? 0
									   : -1;
}

static void batch_clear(tk_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->recs[i]);
		json_decref(b->cmts[i]);
		zd_ticket_release(&b->t[i]);
		b->recs[i] = b->cmts[i] = NULL;
		b->out[i] = false;
	}
	b->n = 0;
	b->n_done = (imp_counts){0};
}

static void batch_free(tk_batch *b)
{
	batch_clear(b);
	free(b->recs);
	free(b->cmts);
	free(b->t);
	free(b->where);
	free(b->out);
	free(b->ptrs);
}

/* Oldest first; equal times keep the file's order. */
static void sort_comments(Hd__ImportComment **c, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		Hd__ImportComment *x = c[i];
		size_t j = i;
		for (; j > 0 && c[j - 1]->created_at > x->created_at; j--)
			c[j] = c[j - 1];
		c[j] = x;
	}
}

/* The ticket's comments into t; -1 with err (bad record), -2 (stop). */
static int attach(imp *im, Hd__ImportTicket *t, json_t **cmts, char *err,
		  size_t cap)
{
	char why[300];
	int rc = imp_comments_of(im, t->zendesk_id, cmts, err, cap);
	if (rc)
		return rc;
	size_t n = json_array_size(*cmts), i;
	json_t *x;
	if (!n)
		return 0;
	t->comments = calloc(n, sizeof *t->comments);
	if (!t->comments)
		return -2;
	json_array_foreach(*cmts, i, x)
	{
		Hd__ImportComment *c = malloc(sizeof *c);
		if (!c)
			return -2;
		t->comments[t->n_comments++] = c;
		if (zd_comment(x, c, why, sizeof why)) {
			snprintf(err, cap, "comment %zu (id %llu): %s", i,
				 (unsigned long long)zd_id(x, "id"), why);
			return -1;
		}
	}
	sort_comments(t->comments, t->n_comments);
	return 0;
}

/* Zendesk id → Hana id, or a report naming the field. */
static bool resolve(imp *im, const char *field, uint64_t *id, bool user,
		    char *err, size_t cap)
{
	uint64_t hana = 0;
	if (!*id)
		return true;
	if (imp_idmap_get(user ? &im->user_ids : &im->org_ids, *id, &hana)) {
		*id = hana;
		return true;
	}
	snprintf(err, cap, "%s: %llu is not an imported %s", field,
		 (unsigned long long)*id, user ? "user" : "organization");
	return false;
}

static bool resolve_ticket(imp *im, Hd__ImportTicket *t, char *err, size_t cap)
{
	bool ok =
		resolve(im, "requester_id", &t->requester_id, true, err, cap) &&
		resolve(im, "submitter_id", &t->submitter_id, true, err, cap) &&
		resolve(im, "assignee_id", &t->assignee_id, true, err, cap) &&
		resolve(im, "organization_id", &t->organization_id, false, err,
			cap);
	for (size_t i = 0; ok && i < t->n_comments; i++)
		ok = resolve(im, "comment author_id",
			     &t->comments[i]->author_id, true, err, cap);
	return ok;
}

/* Ask intake's map for the people and organizations not known yet. */
static int lookup_unknown(imp *im, tk_batch *b)
{
	size_t cap = 0;
	for (size_t i = 0; i < b->n; i++)
		cap += 3 + b->t[i].n_comments;
	uint64_t *users = calloc(cap + 1, sizeof *users);
	uint64_t *orgs = calloc(b->n + 1, sizeof *orgs);
	size_t nu = 0, no = 0;
	int rc = users && orgs ? IMP_EX_OK : IMP_EX_SOFT;
	for (size_t i = 0; !rc && i < b->n; i++) {
		Hd__ImportTicket *t = &b->t[i];
		users[nu++] = t->requester_id;
		users[nu++] = t->submitter_id;
		users[nu++] = t->assignee_id;
		for (size_t k = 0; k < t->n_comments; k++)
			users[nu++] = t->comments[k]->author_id;
		orgs[no++] = t->organization_id;
	}
	/* imports.map takes at most 5000 ids a call */
	for (size_t at = 0; !rc && at < nu; at += 4000)
		rc = imp_lookup(im, "user", users + at,
				nu - at < 4000 ? nu - at : 4000);
	if (!rc)
		rc = imp_lookup(im, "organization", orgs, no);
	free(users);
	free(orgs);
	return rc;
}

static int send_shard(imp *im, tk_batch *b, unsigned shard)
{
	Hd__ImportTicketsRequest rq = HD__IMPORT_TICKETS_REQUEST__INIT;
	size_t *idx = calloc(b->n + 1, sizeof *idx);
	if (!idx)
		return IMP_EX_SOFT;
	for (size_t i = 0; i < b->n; i++)
		if (!b->out[i] && hd_shard_spread(b->t[i].requester_id,
						  im->shards) == shard) {
			idx[rq.n_tickets] = i;
			b->ptrs[rq.n_tickets++] = &b->t[i];
		}
	rq.tickets = b->ptrs;
	Hd__ImportReply *rep = NULL;
	int rc = rq.n_tickets
			 ? imp_call(im, shard, "imports.tickets", &rq, &rep)
			 : IMP_EX_OK;
	for (size_t k = 0; !rc && k < rq.n_tickets; k++) {
		Hd__ImportResult *r =
			k < rep->n_results ? rep->results[k] : NULL;
		Hd__ImportTicket *t = &b->t[idx[k]];
		if (!r || r->error[0]) {
			char what[400];
			snprintf(what, sizeof what, "%s%s%s",
				 r && r->field[0] ? r->field : "",
				 r && r->field[0] ? ": " : "",
				 r ? r->error : "no answer");
			if (imp_bad(im, b->where[idx[k]], what))
				rc = IMP_EX_DATAERR;
			continue;
		}
		b->n_done.tickets++;
		b->n_done.comments += t->n_comments ? t->n_comments : 1;
		*(r->created ? &b->n_done.created : &b->n_done.existing) += 1;
	}
	hd__import_reply__free_unpacked(rep, NULL);
	free(idx);
	return rc;
}

/* Each ticket's comments, read and parsed by the sender (the main thread
 * only parses the ticket records): a ticket with a malformed comment is
 * reported and left out. */
static int attach_all(imp *im, tk_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		char err[400];
		int rc = attach(im, &b->t[i], &b->cmts[i], err, sizeof err);
		if (rc == -2) {
			fprintf(stderr, "hd-import: %s: %s\n", b->where[i],
				err);
			return IMP_EX_IOERR;
		}
		if (rc) {
			b->out[i] = true;
			if (imp_bad(im, b->where[i], err))
				return IMP_EX_DATAERR;
		}
	}
	return IMP_EX_OK;
}

static int flush(imp *im, tk_batch *b)
{
	static pthread_mutex_t ids_mu = PTHREAD_MUTEX_INITIALIZER;
	if (!b->n)
		return IMP_EX_OK;
	int rc = attach_all(im, b);
	/* The id tables are shared by the senders. */
	pthread_mutex_lock(&ids_mu);
	if (!rc)
		rc = lookup_unknown(im, b);
	for (size_t i = 0; !rc && i < b->n; i++) {
		char err[300];
		if (!b->out[i] &&
		    !resolve_ticket(im, &b->t[i], err, sizeof err)) {
			b->out[i] = true;
			if (imp_bad(im, b->where[i], err))
				rc = IMP_EX_DATAERR;
		}
	}
	pthread_mutex_unlock(&ids_mu);
	for (unsigned s = 0; !rc && s < im->shards; s++)
		rc = send_shard(im, b, s);
	return rc;
}

static int add(imp *im, tk_batch *b, json_t *rec, const char *where)
{
	char err[400];
	size_t i = b->n;
	int deleted = 0;
	int rc = zd_ticket(rec, &b->t[i], &deleted, err, sizeof err);
	if (!rc && deleted) {
		b->n_done.skipped++; /* counted and shown: never silent */
		zd_ticket_release(&b->t[i]);
		json_decref(rec);
		return IMP_EX_OK;
	}
	if (rc) {
		zd_ticket_release(&b->t[i]);
		json_decref(rec);
		return imp_bad(im, where, err) ? IMP_EX_DATAERR : IMP_EX_OK;
	}
	b->recs[i] = rec;
	snprintf(b->where[i], WHERE, "%s", where);
	b->n++;
	return IMP_EX_OK;
}

/* Batches in flight: while the main thread parses the next batch, up to
 * im->inflight batches are with intake at once (on one shard they queue
 * for its writer, which then commits one while the RPC of the next is on
 * its way; on several shards they are written side by side). Each batch
 * counts what intake acknowledged of it; the checkpoint and the counts
 * move in input order only, past batches every one of which — and every
 * batch before them — is acknowledged, so a kill re-sends at most the
 * batches that were in flight (the id map makes them no-ops). */
enum { SLOT_FREE, SLOT_FILLING, SLOT_QUEUED, SLOT_SENDING, SLOT_DONE };

typedef struct slot {
	tk_batch b;
	imp_ckpt at; /* where the batch's last record ends */
	uint64_t seq;
	int state, rc;
} slot;

typedef struct pipeline {
	imp *im;
	pthread_t th[IMP_MAX_INFLIGHT];
	unsigned nth;
	pthread_mutex_t mu, save_mu;
	pthread_cond_t cv;
	slot slots[IMP_MAX_INFLIGHT + 1];
	unsigned nslots;
	slot *fill;        /* the batch the main thread fills */
	uint64_t next_seq; /* given to the next batch queued */
	uint64_t head_seq; /* the oldest batch not yet acknowledged */
	bool stop;
	int rc; /* the first error of any batch */
} pipeline;

static slot *find(pipeline *p, int state, uint64_t seq, bool any_seq)
{
	slot *best = NULL;
	for (unsigned i = 0; i < p->nslots; i++) {
		slot *s = &p->slots[i];
		if (s->state != state || (!any_seq && s->seq != seq))
			continue;
		if (!best || s->seq < best->seq)
			best = s;
	}
	return best;
}

/* Under p->mu: move the checkpoint and counts past every acknowledged
 * batch at the head; true when they moved. */
static bool advance(pipeline *p)
{
	bool moved = false;
	slot *s;
	while ((s = find(p, SLOT_DONE, p->head_seq, false)) != NULL) {
		imp_lock();
		imp_counts *n = &p->im->n, *d = &s->b.n_done;
		n->tickets += d->tickets;
		n->comments += d->comments;
		n->created += d->created;
		n->existing += d->existing;
		n->skipped += d->skipped;
		p->im->at = s->at;
		imp_unlock();
		batch_clear(&s->b);
		s->state = SLOT_FREE;
		p->head_seq++;
		moved = true;
	}
	return moved;
}

static void *send_loop(void *arg)
{
	pipeline *p = arg;
	imp *im = p->im;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		slot *s = find(p, SLOT_QUEUED, 0, true);
		if (!s && p->stop)
			break;
		if (!s || p->rc) {
			if (s) { /* after an error nothing more is sent */
				s->state = SLOT_DONE;
				s->rc = p->rc;
				pthread_cond_broadcast(&p->cv);
				continue;
			}
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		s->state = SLOT_SENDING;
		pthread_mutex_unlock(&p->mu);
		int64_t t0 = imp_now_ms();
		int rc = flush(im, &s->b);
		int64_t spent = imp_now_ms() - t0;
		pthread_mutex_lock(&p->mu);
		imp_lock();
		im->rpc_ms += spent;
		imp_unlock();
		s->state = SLOT_DONE;
		s->rc = rc;
		if (rc && !p->rc)
			p->rc = rc;
		bool moved = !p->rc && advance(p);
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (moved) {
			/* one writer of the file at a time; it holds the
			 * latest place, whichever sender gets here */
			pthread_mutex_lock(&p->save_mu);
			if (imp_ckpt_save(im)) {
				pthread_mutex_lock(&p->mu);
				if (!p->rc)
					p->rc = IMP_EX_IOERR;
				pthread_mutex_unlock(&p->mu);
			}
			pthread_mutex_unlock(&p->save_mu);
			imp_progress(im, "tickets", false);
		}
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Queue the filled batch and give the main thread a free one (waiting
 * for one while every buffer is in flight); the first error, if any. */
static int hand_off(pipeline *p, imp_ckpt at)
{
	int64_t t0 = imp_now_ms();
	pthread_mutex_lock(&p->mu);
	p->fill->at = at;
	p->fill->seq = p->next_seq++;
	p->fill->state = SLOT_QUEUED;
	p->fill = NULL;
	pthread_cond_broadcast(&p->cv);
	while (!p->rc && !(p->fill = find(p, SLOT_FREE, 0, true)))
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->fill)
		p->fill->state = SLOT_FILLING;
	int rc = p->rc;
	pthread_mutex_unlock(&p->mu);
	p->im->wait_ms += imp_now_ms() - t0;
	return rc;
}

/* Wait until every queued batch is acknowledged (or failed). */
static int drain(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->head_seq < p->next_seq && !p->rc)
		pthread_cond_wait(&p->cv, &p->mu);
	/* after an error, wait for the batches still with intake */
	while (find(p, SLOT_SENDING, 0, true))
		pthread_cond_wait(&p->cv, &p->mu);
	int rc = p->rc;
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

static int run_file(imp *im, pipeline *p, size_t fi)
{
	imp_file f;
	char err[400], where[WHERE];
	int rc = imp_file_resume(im, &f, im->tickets.v[fi], "tickets",
				 PH_TICKETS, fi);
	if (rc)
		return rc;
	int got;
	json_t *rec;
	imp_pos at;
	while (!rc && (got = imp_file_next(&f, &rec, &at, where, sizeof where,
					   err, sizeof err)) != 0) {
		tk_batch *b = &p->fill->b;
		rc = got == 1 ? add(im, b, rec, where)
			      : imp_unreadable(im, got, err);
		if (!rc && b->n == b->cap)
			rc = hand_off(p, (imp_ckpt){PH_TICKETS, fi,
						    imp_file_tell(&f)});
	}
	/* The rest of the file, and the next file's start as the place. */
	if (!rc)
		rc = hand_off(p, (imp_ckpt){PH_TICKETS, fi + 1, {0, 0, 0}});
	imp_file_close(&f);
	return rc;
}

static int pipeline_start(pipeline *p, imp *im)
{
	memset(p, 0, sizeof *p);
	p->im = im;
	p->nslots = im->inflight + 1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_mutex_init(&p->save_mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (unsigned i = 0; i < p->nslots; i++)
		if (batch_init(&p->slots[i].b, im->batch))
			return IMP_EX_SOFT;
	p->fill = &p->slots[0];
	p->fill->state = SLOT_FILLING;
	for (; p->nth < im->inflight; p->nth++)
		if (pthread_create(&p->th[p->nth], NULL, send_loop, p))
			return IMP_EX_SOFT;
	return IMP_EX_OK;
}

static void pipeline_stop(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	if (!p->rc)
		p->rc = IMP_EX_SOFT; /* nothing queued is sent any more */
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	for (unsigned i = 0; i < p->nslots; i++)
		batch_free(&p->slots[i].b);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->save_mu);
	pthread_mutex_destroy(&p->mu);
}

int imp_run_tickets(imp *im)
{
	if (im->at.phase > PH_TICKETS)
		return IMP_EX_OK;
	static pipeline p;
	int rc = pipeline_start(&p, im);
	size_t first = im->at.phase == PH_TICKETS ? im->at.file : 0;
	im->tickets_at_start = im->n.tickets;
	for (size_t fi = first; !rc && fi < im->tickets.n; fi++)
		rc = run_file(im, &p, fi);
	int drc = drain(&p);
	rc = rc ? rc : drc;
	pipeline_stop(&p);
	if (!rc) {
		im->at = (imp_ckpt){PH_DONE, 0, {0, 0, 0}};
		if (imp_ckpt_save(im))
			rc = IMP_EX_IOERR;
	}
	imp_progress(im, rc ? "stopped" : "done", true);
	fprintf(stderr,
		"hd-import: tickets phase: %.1f s in intake's import RPCs (up "
		"to %u batches at once), the reader waited %.1f s for them\n",
		(double)im->rpc_ms / 1000.0, im->inflight,
		(double)im->wait_ms / 1000.0);
	return rc;
}
