/* The shared cluster key: load or create the file, derive purpose keys. */
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t cluster_key[HD_CLUSTER_KEY_BYTES];
static int have_key;
static _Atomic uint64_t generation; /* bumped whenever the key changes */

void hd_cluster_key_set(const uint8_t key[HD_CLUSTER_KEY_BYTES])
{
	memcpy(cluster_key, key, HD_CLUSTER_KEY_BYTES);
	have_key = 1;
	atomic_fetch_add(&generation, 1);
}

int hd_cluster_key_loaded(void)
{
	return have_key;
}

uint64_t hd_cluster_key_generation(void)
{
	return atomic_load(&generation);
}

/* Write a fresh key to a private temp file and link it into place: link()
 * fails with EEXIST when another process won the race, whose key we then
 * read like everyone else. */
static int create_key(const char *path)
{
	char tmp[4200];
	int n = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return HD_E_INVALID;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return HD_E_IO;
	uint8_t raw[HD_CLUSTER_KEY_BYTES];
	char hex[2 * HD_CLUSTER_KEY_BYTES + 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	size_t len = strlen(hex);
	hex[len++] = '\n';
	int ok = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
	sodium_memzero(hex, sizeof hex);
	close(fd);
	if (ok && link(tmp, path) != 0 && errno != EEXIST)
		ok = 0;
	unlink(tmp);
	if (ok)
		hd_info("cluster_key.created", "file=%s", path);
	return ok ? HD_OK : HD_E_IO;
}

static int parse_key(const char *path, const uint8_t *data, size_t len)
{
	/* A raw key is exactly 32 bytes and may end in 0x0a or 0x0d: only the
	 * hex form has a line end to trim. */
	if (len != HD_CLUSTER_KEY_BYTES)
		while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
			len--;
	if (len == HD_CLUSTER_KEY_BYTES * 2) {
		size_t got = 0;
		if (sodium_hex2bin(cluster_key, sizeof cluster_key,
				   (const char *)data, len, NULL, &got,
				   NULL) == 0 &&
		    got == HD_CLUSTER_KEY_BYTES) {
			have_key = 1;
			atomic_fetch_add(&generation, 1);
			return HD_OK;
		}
	} else if (len == HD_CLUSTER_KEY_BYTES) {
		memcpy(cluster_key, data, HD_CLUSTER_KEY_BYTES);
		have_key = 1;
		atomic_fetch_add(&generation, 1);
		return HD_OK;
	}
	hd_error("cluster_key.invalid",
		 "file=%s reason=\"want 32 raw bytes or 64 hex digits\"", path);
	return HD_E_INVALID;
}

int hd_cluster_key_load(const char *path, int create)
{
	if (!path || !path[0])
		return HD_E_INVALID;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		int rc = create_key(path);
		if (rc) {
			hd_error("cluster_key.create_failed",
				 "file=%s errno=%d", path, errno);
			return rc;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		hd_error("cluster_key.unreadable", "file=%s errno=%d", path,
			 errno);
		return HD_E_INVALID;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || (st.st_mode & 0077)) {
		close(fd);
		hd_error("cluster_key.too_open",
			 "file=%s reason=\"readable by group or others; chmod "
			 "600\"",
			 path);
		return HD_E_INVALID;
	}
	uint8_t buf[160];
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	int rc = n < 0 ? HD_E_INVALID : parse_key(path, buf, (size_t)n);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int hd_cluster_key_derive(const char *context, uint64_t id, uint8_t *out,
			  size_t len)
{
	if (!have_key || !context ||
	    strlen(context) != crypto_kdf_CONTEXTBYTES ||
	    len < crypto_kdf_BYTES_MIN || len > crypto_kdf_BYTES_MAX)
		return HD_E_INVALID;
	return crypto_kdf_derive_from_key(out, len, id, context, cluster_key)
		       ? HD_E_INTERNAL
		       : HD_OK;
}

static int load_env(void)
{
	if (sodium_init() < 0)
		return HD_E_INTERNAL;
	const char *file = getenv("HD_CLUSTER_KEY_FILE");
	if (file && file[0])
		return hd_cluster_key_load(file, 0);
	const char *data = getenv("HD_DATA");
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/cluster.key",
			 data && data[0] ? data : "./var");
	if (n < 0 || (size_t)n >= sizeof path)
		return HD_E_INVALID;
	return hd_cluster_key_load(path, 0);
}

int hd_cluster_key_load_env(const char *prog)
{
	int rc = load_env();
	if (rc && prog)
		fprintf(stderr,
			"%s: cannot read the cluster key "
			"(HD_CLUSTER_KEY_FILE or $HD_DATA/cluster.key)\n",
			prog);
	return rc;
}
