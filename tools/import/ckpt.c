/* The checkpoint: a small text file rewritten (temp file, fsync, rename,
 * fsync of the folder) after every acknowledged batch. It names the inputs'
 * fingerprint, so a checkpoint is never applied to other files.
 *   hd-import-checkpoint 1
 *   fingerprint <hex>
 *   phase <0 organizations | 1 users | 2 tickets | 3 done>
 *   file <index> offset <bytes> line <n> elem <i>
 *   counts <orgs> <users> <tickets> <comments> <created> <existing>
 *          <skipped> <bad>
 * A batch in flight when the process died is sent again on resume; intake's
 * id map makes that a no-op for what it had committed. */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int imp_ckpt_load(imp *im)
{
	if (!im->checkpoint)
		return 0;
	FILE *f = fopen(im->checkpoint, "r");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	uint64_t fp = 0;
	unsigned long long file = 0, line = 0, elem = 0, c[8];
	long long off = 0;
	int phase = 0;
	int got = fscanf(f,
			 "hd-import-checkpoint 1\nfingerprint %" SCNx64
			 "\nphase %d\nfile %llu offset %lld line %llu elem "
			 "%llu\ncounts %llu %llu %llu %llu %llu %llu %llu "
			 "%llu\n",
			 &fp, &phase, &file, &off, &line, &elem, &c[0], &c[1],
			 &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]);
	fclose(f);
	if (got != 14 || phase < PH_ORGS || phase > PH_DONE || off < 0) {
		fprintf(stderr,
			"hd-import: %s: not an hd-import checkpoint (delete it "
			"to start over)\n",
			im->checkpoint);
		return -1;
	}
	if (fp != im->fingerprint) {
		fprintf(stderr,
			"hd-import: %s: the checkpoint is for other input "
			"files "
			"(delete it to start over)\n",
			im->checkpoint);
		return -1;
	}
	im->at = (imp_ckpt){phase, (size_t)file, {off, line, elem}};
	im->n = (imp_counts){c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
	fprintf(stderr,
		"hd-import: resuming from %s (phase %d, file %llu, line "
		"%llu)\n",
		im->checkpoint, phase, file, line);
	return 0;
}

static int sync_dir(const char *path)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

int imp_ckpt_save(imp *im)
{
	if (!im->checkpoint)
		return 0;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", im->checkpoint);
	FILE *f = fopen(tmp, "w");
	imp_lock();
	const imp_counts cs = im->n;
	const imp_ckpt at = im->at;
	imp_unlock();
	const imp_counts *c = &cs;
	int rc = f ? 0 : -1;
	if (f) {
		fprintf(f,
			"hd-import-checkpoint 1\nfingerprint %016" PRIx64
			"\nphase %d\nfile %zu offset %lld line %llu elem "
			"%llu\ncounts %llu %llu %llu %llu %llu %llu %llu "
			"%llu\n",
			im->fingerprint, at.phase, at.file,
			(long long)at.pos.offset,
			(unsigned long long)at.pos.line,
			(unsigned long long)at.pos.elem,
			(unsigned long long)c->orgs,
			(unsigned long long)c->users,
			(unsigned long long)c->tickets,
			(unsigned long long)c->comments,
			(unsigned long long)c->created,
			(unsigned long long)c->existing,
			(unsigned long long)c->skipped,
			(unsigned long long)c->bad);
		rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
		rc |= fclose(f);
	}
	if (!rc)
		rc = rename(tmp, im->checkpoint) == 0 ? 0 : -1;
	if (!rc)
		rc = sync_dir(im->checkpoint);
	if (rc)
		fprintf(stderr,
			"hd-import: cannot write the checkpoint %s: %s\n",
			im->checkpoint, strerror(errno));
	return rc;
}

int imp_file_resume(imp *im, imp_file *f, const char *path, const char *key,
		    int phase, size_t fi)
{
	char err[400];
	const imp_pos *start =
		im->at.phase == phase && im->at.file == fi ? &im->at.pos : NULL;
	if (imp_file_open(f, path, key, start, err, sizeof err)) {
		fprintf(stderr, "hd-import: %s\n", err);
		return IMP_EX_NOINPUT;
	}
	return IMP_EX_OK;
}
