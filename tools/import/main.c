/* hd-import: bring a Zendesk account into Hana Desk.
 *
 * Reads Zendesk's own exports (organizations, users, the incremental ticket
 * export and the tickets' comments, as paged JSON or ndjson) and writes
 * them through intake's import RPCs in batches, straight over the cluster
 * network with the suite's key (like hd-backup, it runs beside the suite).
 * Phases run in order — organizations, users, tickets — and a checkpoint
 * after each acknowledged batch lets a killed run go on where it stopped;
 * intake's Zendesk id map makes the batch in flight (and any re-run) a
 * no-op for what was already written.
 *
 * Bad records are reported as file:line (or file:line key[i] inside a page)
 * and counted, and the import goes on; the exit code is then 65, so a
 * script notices. --stop-on-bad stops at the first one instead. */
#include "import.h"

#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/version.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: hd-import [--organizations F]... [--users F]...\n"
	"                 --tickets F... [--comments F|DIR]...\n"
	"                 [--checkpoint FILE] [--batch N] [--inflight N]\n"
	"                 [--stop-on-bad]\n"
	"  --organizations F  Zendesk organizations: {\"organizations\":[…]}\n"
	"                     pages or ndjson (repeatable)\n"
	"  --users F          Zendesk users: {\"users\":[…]} pages or ndjson\n"
	"  --tickets F        the incremental ticket export: "
	"{\"tickets\":[…],\n"
	"                     \"after_cursor\":…,\"end_of_stream\":…} pages "
	"(a\n"
	"                     file, or one a line) or ndjson of tickets\n"
	"  --comments F|DIR   ndjson of {\"ticket_id\":N,\"comments\":[…]}, or "
	"a\n"
	"                     folder of N.json files each {\"comments\":[…]}\n"
	"  --checkpoint FILE  resume from / record progress in FILE (without\n"
	"                     it a killed import starts over: still safe)\n"
	"  --batch N          tickets (or users) per write, default 500\n"
	"  --inflight N       ticket batches sent before the first is\n"
	"                     acknowledged (1..16), default 3\n"
	"  --stop-on-bad      stop at the first bad record (default: report\n"
	"                     it, count it, go on; exit 65 at the end)\n"
	"  --timeout-ms N     per batch, default 120000\n"
	"Environment: HD_DATA, HD_RUN, HD_SHARDS, HD_INTAKE_RPC and\n"
	"HD_CLUSTER_KEY_FILE as for the services. Exit 0: all imported; 65:\n"
	"some records were bad (each reported); 64: usage; 66: an input is\n"
	"missing or not JSON; 69: intake unreachable (resume later); 74:\n"
	"I/O error.\n";

static int add_file(imp_list *l, const char *v)
{
	if (l->n == IMP_MAX_FILES) {
		fprintf(stderr, "hd-import: at most %d files of a kind\n",
			IMP_MAX_FILES);
		return -1;
	}
	l->v[l->n++] = v;
	return 0;
}

static int number(const char *flag, const char *v, unsigned long max,
		  unsigned long *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || !end || *end || n == 0 || n > max) {
		fprintf(stderr, "hd-import: %s wants a number 1..%lu, not %s\n",
			flag, max, v);
		return -1;
	}
	*out = n;
	return 0;
}

static int parse(imp *im, int argc, char **argv)
{
	unsigned long n;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;
		if (!strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "--version")) {
			hd_version_print("hd-import");
			exit(0);
		} else if (!strcmp(a, "--stop-on-bad")) {
			im->stop_on_bad = true;
			continue;
		} else if (!v) {
			bad = 1;
		} else if (!strcmp(a, "--tickets")) {
			bad = add_file(&im->tickets, v);
		} else if (!strcmp(a, "--comments")) {
			bad = add_file(&im->comments, v);
		} else if (!strcmp(a, "--users")) {
			bad = add_file(&im->users, v);
		} else if (!strcmp(a, "--organizations")) {
			bad = add_file(&im->orgs, v);
		} else if (!strcmp(a, "--checkpoint")) {
			im->checkpoint = v;
		} else if (!strcmp(a, "--batch")) {
			bad = number(a, v, 5000, &n);
			im->batch = (unsigned)n;
		} else if (!strcmp(a, "--inflight")) {
			bad = number(a, v, IMP_MAX_INFLIGHT, &n);
			im->inflight = (unsigned)n;
		} else if (!strcmp(a, "--timeout-ms")) {
			bad = number(a, v, 3600000, &n);
			im->timeout_ms = (int)n;
		} else {
			bad = 1;
		}
		if (bad) {
			fprintf(stderr, "hd-import: bad argument %s\n%s", a,
				usage);
			return IMP_EX_USAGE;
		}
		i++;
	}
	if (!im->tickets.n && !im->users.n && !im->orgs.n) {
		fprintf(stderr, "hd-import: nothing to import\n%s", usage);
		return IMP_EX_USAGE;
	}
	return IMP_EX_OK;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && v[0] ? v : def;
}

static int open_intake(imp *im)
{
	unsigned long shards = 1;
	const char *s = env_or("HD_SHARDS", "1");
	if (number("HD_SHARDS", s, IMP_MAX_SHARDS, &shards))
		return IMP_EX_USAGE;
	im->shards = (unsigned)shards;
	char run[1024], url[1200];
	const char *r = getenv("HD_RUN");
	if (r && r[0])
		snprintf(run, sizeof run, "%s", r);
	else
		snprintf(run, sizeof run, "%s/run", env_or("HD_DATA", "./var"));
	const char *tmpl =
		env_or("HD_INTAKE_RPC", "ipc://{run}/intake-{shard}.rpc");
	for (unsigned i = 0; i < im->shards; i++) {
		if (hd_cfg_expand(tmpl, run, i, url, sizeof url) ||
		    hd_rpc_client_open(&im->intake[i], url)) {
			fprintf(stderr, "hd-import: cannot open %s\n", url);
			return IMP_EX_UNAVAIL;
		}
	}
	return IMP_EX_OK;
}

/* The inputs' names and sizes, FNV-1a: a checkpoint belongs to them. */
static void fingerprint(imp *im)
{
	const imp_list *lists[] = {&im->orgs, &im->users, &im->tickets,
				   &im->comments};
	uint64_t h = 1469598103934665603ULL;
	for (size_t l = 0; l < 4; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			struct stat st = {0};
			stat(lists[l]->v[i], &st);
			char text[4200];
			int n = snprintf(text, sizeof text, "%zu|%s|%lld|", l,
					 lists[l]->v[i], (long long)st.st_size);
			for (int k = 0; k < n && k < (int)sizeof text; k++)
				h = (h ^ (unsigned char)text[k]) *
				    1099511628211ULL;
		}
	im->fingerprint = h;
}

/* Tickets in a file, for the ETA: lines, times the first page's size when
 * the lines are pages; a whole-file page counts its records. */
static uint64_t estimate(const char *path)
{
	imp_file f;
	char err[400], where[300];
	json_t *rec = NULL;
	imp_pos at;
	uint64_t n = 0;
	if (imp_file_open(&f, path, "tickets", NULL, err, sizeof err))
		return 0;
	if (imp_file_next(&f, &rec, &at, where, sizeof where, err,
			  sizeof err) == 1) {
		size_t page = f.page ? json_array_size(f.page) : 1;
		n = f.whole ? page : imp_file_lines(path) * page;
	}
	json_decref(rec);
	imp_file_close(&f);
	return n;
}

static int check_inputs(imp *im)
{
	const imp_list *lists[] = {&im->orgs, &im->users, &im->tickets,
				   &im->comments};
	for (size_t l = 0; l < 4; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (access(lists[l]->v[i], R_OK) != 0) {
				fprintf(stderr, "hd-import: %s: %s\n",
					lists[l]->v[i], strerror(errno));
				return IMP_EX_NOINPUT;
			}
	for (size_t i = 0; i < im->tickets.n; i++)
		im->total += estimate(im->tickets.v[i]);
	return IMP_EX_OK;
}

int main(int argc, char **argv)
{
	static imp im;
	for (size_t i = 0; i < IMP_MAX_FILES; i++)
		im.cfds[i] = -1;
	im.batch = 500;
	im.inflight = 3;
	im.timeout_ms = 120000;
	int rc = parse(&im, argc, argv);
	if (rc)
		return rc;
	if (!rc)
		rc = check_inputs(&im);
	if (!rc && hd_cluster_key_load_env("hd-import"))
		rc = IMP_EX_USAGE;
	if (!rc)
		rc = open_intake(&im);
	fingerprint(&im);
	if (!rc && imp_ckpt_load(&im))
		rc = IMP_EX_USAGE;
	/* The suite's own system principal: imports are admin work, and the
	 * audit trail names no person for what an import wrote. */
	im.who.role = HD__USER_ROLE__ROLE_SYSTEM;
	im.t0_ms = imp_now_ms();
	if (!rc && im.at.phase == PH_DONE) {
		fprintf(stderr,
			"hd-import: %s says the import is complete; "
			"delete it to import again\n",
			im.checkpoint);
		return IMP_EX_OK;
	}
	if (!rc)
		rc = imp_run_orgs(&im);
	if (!rc)
		rc = imp_run_users(&im);
	if (!rc)
		rc = imp_index_comments(&im);
	if (!rc)
		rc = imp_run_tickets(&im);
	for (unsigned i = 0; i < im.shards; i++)
		hd_rpc_client_close(im.intake[i]);
	for (size_t i = 0; i < im.comments.n; i++)
		if (im.cfds[i] >= 0)
			close(im.cfds[i]);
	imp_idmap_free(&im.user_ids);
	imp_idmap_free(&im.org_ids);
	imp_idmap_free(&im.comment_at);
	free(im.clocs);
	if (!rc && im.n.bad) {
		fprintf(stderr,
			"hd-import: %llu bad records were not imported "
			"(each named above)\n",
			(unsigned long long)im.n.bad);
		rc = IMP_EX_DATAERR;
	}
	return rc;
}
