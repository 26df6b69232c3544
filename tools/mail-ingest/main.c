/* hd-mail-ingest: hand one e-mail message from an MTA (Postfix pipe,
 * fetchmail, procmail) to Hana Desk's inbound e-mail endpoint.
 *   hd-mail-ingest < message.eml     deliver, or spool and exit 75
 *   hd-mail-ingest --flush           deliver what the spool holds
 * A message is never lost: when the suite is unreachable, answers 5xx, or
 * refuses our credentials, the message is written (atomically, fsync'd) to
 * the spool and the exit code is EX_TEMPFAIL so the MTA retries too. A
 * message the suite rejects for good (413, 415, 422) exits EX_DATAERR, which
 * makes the MTA bounce it to its sender; in --flush such files move to
 * spool/rejected/. The spool holds one copy per Message-ID: an MTA that
 * retries while the suite is still away does not spool the message again.
 * Without a channel secret every delivery would be refused: that is a
 * start-up error (EX_CONFIG, which MTAs treat as "try again later"). */
#include "hd/buf.h"
#include "hd/version.h"
#include "spool_metrics.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EX_OK_      0
#define EX_USAGE_   64
#define EX_DATAERR_ 65
#define EX_TEMPFAIL 75
#define EX_CONFIG_  78
#define MAX_SECRET  512
#define ID_HEX      32 /* hex digits of a message's spool identity */
#define MAX_MESSAGE ((size_t)25 << 20)
#define MAX_REPLY   ((size_t)64 << 10)

typedef struct opts {
	const char *url;
	const char *secret;
	const char *secret_file;
	const char *spool;
	bool flush;
	char secret_buf[MAX_SECRET + 2];
} opts;

typedef enum { SENT, TEMPFAIL, REJECTED } outcome;

static const char usage[] =
	"usage: hd-mail-ingest [--url URL] [--spool DIR] [--secret-file F]\n"
	"                      [--flush] < message\n"
	"  --url URL    the suite's inbound endpoint (HD_MAIL_URL; default\n"
	"               http://127.0.0.1:8080/api/v2/hd/channels/email)\n"
	"  --spool DIR  where undeliverable messages wait (HD_MAIL_SPOOL;\n"
	"               default ./var/mail-spool)\n"
	"  --secret-file F  read the channel secret from file F\n"
	"               (HD_MAIL_SECRET_FILE; one line, mode 0600 or 0640)\n"
	"  --flush      deliver the spooled messages instead of stdin\n"
	"The channel secret comes from --secret-file or HD_MAIL_SECRET (never\n"
	"the secret itself as a flag: the process list would show it); it\n"
	"must be the gateway's HD_MAIL_SECRET. Exit 0: delivered; 75: "
	"spooled,\n"
	"retry later; 65: rejected for good; 64: usage; 78: no usable "
	"secret.\n";

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && v[0] ? v : def;
}

static int parse_args(int argc, char **argv, opts *o)
{
	o->url = env_or("HD_MAIL_URL",
			"http://127.0.0.1:8080/api/v2/hd/channels/email");
	o->secret = env_or("HD_MAIL_SECRET", "");
	o->secret_file = env_or("HD_MAIL_SECRET_FILE", NULL);
	o->spool = env_or("HD_MAIL_SPOOL", "var/mail-spool");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--flush") == 0)
			o->flush = true;
		else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
			o->url = argv[++i];
		else if (strcmp(argv[i], "--spool") == 0 && i + 1 < argc)
			o->spool = argv[++i];
		else if (strcmp(argv[i], "--secret-file") == 0 && i + 1 < argc)
			o->secret_file = argv[++i];
		else if (strcmp(argv[i], "--version") == 0) {
			hd_version_print("hd-mail-ingest");
			exit(EX_OK_);
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			exit(EX_OK_);
		} else {
			fprintf(stderr,
				"hd-mail-ingest: unknown argument %s\n%s",
				argv[i], usage);
			return EX_USAGE_;
		}
	}
	return EX_OK_;
}

/* The secret from o->secret_file (when given) into o->secret: one line,
 * trailing whitespace dropped. EX_OK_ or EX_CONFIG_ with a message. */
static int load_secret(opts *o)
{
	if (o->secret_file) {
		FILE *f = fopen(o->secret_file, "r");
		size_t n =
			f ? fread(o->secret_buf, 1, sizeof o->secret_buf - 1, f)
			  : 0;
		int err = errno;
		if (f)
			fclose(f);
		if (!f) {
			fprintf(stderr,
				"hd-mail-ingest: cannot read the secret file "
				"%s: %s\n",
				o->secret_file, strerror(err));
			return EX_CONFIG_;
		}
		if (n > MAX_SECRET) {
			fprintf(stderr,
				"hd-mail-ingest: the secret file %s is longer "
				"than %d bytes\n",
				o->secret_file, MAX_SECRET);
			return EX_CONFIG_;
		}
		while (n && strchr(" \t\r\n", o->secret_buf[n - 1]))
			n--;
		o->secret_buf[n] = '\0';
		o->secret = o->secret_buf;
	}
	if (!o->secret[0] || strpbrk(o->secret, "\r\n")) {
		fprintf(stderr,
			"hd-mail-ingest: no channel secret%s%s: set "
			"HD_MAIL_SECRET or --secret-file to the gateway's "
			"HD_MAIL_SECRET (without it every message would be "
			"refused and wait in the spool forever)\n",
			o->secret_file ? " in " : "",
			o->secret_file ? o->secret_file : "");
		return EX_CONFIG_;
	}
	return EX_OK_;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	hd_buf *b = arg;
	hd_buf_append(b, p, size * n); /* a longer reply is cut, not fatal */
	return size * n;
}

/* POST data to the endpoint; what happened, with a line on stderr. */
static outcome post(const opts *o, const char *data, size_t len)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char secret[600];
	hd_buf reply;
	long status = 0;
	hd_buf_init(&reply, MAX_REPLY);
	snprintf(secret, sizeof secret, "X-HD-Channel-Secret: %s", o->secret);
	h = curl_slist_append(h, "Content-Type: message/rfc822");
	h = curl_slist_append(h, "Expect:");
	h = curl_slist_append(h, secret);
	sodium_memzero(secret, sizeof secret);
	CURLcode rc = c && h ? CURLE_OK : CURLE_OUT_OF_MEMORY;
	if (rc == CURLE_OK) {
		curl_easy_setopt(c, CURLOPT_URL, o->url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	}
	outcome out;
	const char *body = reply.data ? reply.data : "";
	if (rc != CURLE_OK) {
		fprintf(stderr, "hd-mail-ingest: %s unreachable: %s\n", o->url,
			curl_easy_strerror(rc));
		out = TEMPFAIL;
	} else if (status >= 200 && status < 300) {
		printf("%s\n", body);
		out = SENT;
	} else if (status >= 500 || status == 401 || status == 403 ||
		   status == 404 || status == 408 || status == 429) {
		/* 401/403/404: a configuration error an admin can fix; keep the
		 * message until then. */
		fprintf(stderr,
			"hd-mail-ingest: the suite answered %ld: %.300s\n",
			status, body);
		out = TEMPFAIL;
	} else {
		fprintf(stderr, "hd-mail-ingest: rejected with %ld: %.300s\n",
			status, body);
		out = REJECTED;
	}
	hd_buf_release(&reply);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return out;
}

static int mkdirs(const char *spool)
{
	const char *subs[] = {"", "/tmp", "/new", "/rejected"};
	char path[4096];
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s%s", spool, subs[i]);
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc = fd < 0 ? -1 : fsync(fd);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The Message-ID header's value (unfolded, trimmed) of the header block,
 * or NULL; *len its length. */
static const char *message_id(const char *data, size_t len, size_t *idlen)
{
	const char *p = data, *end = data + len;
	while (p < end && *p != '\r' && *p != '\n') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol ? eol : end;
		if (eol - p > 11 && strncasecmp(p, "Message-ID:", 11) == 0) {
			const char *v = p + 11;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			const char *e = eol;
			while (e > v && strchr(" \t\r", e[-1]))
				e--;
			*idlen = (size_t)(e - v);
			return *idlen ? v : NULL;
		}
		p = eol < end ? eol + 1 : end;
	}
	return NULL;
}

/* A message's identity in the spool: a hash of its Message-ID, or of the
 * whole message when it has none. out: ID_HEX + 1 bytes. */
static void spool_identity(const char *data, size_t len, char *out)
{
	unsigned char h[ID_HEX / 2];
	size_t idlen = 0;
	const char *id = message_id(data, len, &idlen);
	crypto_generichash(h, sizeof h, (const unsigned char *)(id ? id : data),
			   id ? idlen : len, NULL, 0);
	sodium_bin2hex(out, ID_HEX + 1, h, sizeof h);
}

/* Is a message of this identity in new/ already? Its name in name. */
static bool spooled_already(const opts *o, const char *ident, char *name,
			    size_t cap)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/new", o->spool);
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;
	while (d && !found && (e = readdir(d))) {
		const char *dot = strstr(e->d_name, ident);
		found = dot && dot > e->d_name && dot[-1] == '.';
		if (found)
			snprintf(name, cap, "%s", e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* Maildir-style: write to tmp/, fsync, rename into new/, fsync new/. Names
 * sort by arrival ("<s>.<ns>.<identity>.eml") so --flush keeps the order. */
static int spool_write(const opts *o, const char *data, size_t len, char *name,
		       size_t cap)
{
	char tmp[4096], fin[4096], dir[4096], ident[ID_HEX + 1];
	struct timespec ts;
	spool_identity(data, len, ident);
	if (spooled_already(o, ident, name, cap))
		return 1;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, cap, "%lld.%09ld.%s.eml", (long long)ts.tv_sec,
		 ts.tv_nsec, ident);
	snprintf(tmp, sizeof tmp, "%s/tmp/%s", o->spool, name);
	snprintf(fin, sizeof fin, "%s/new/%s", o->spool, name);
	snprintf(dir, sizeof dir, "%s/new", o->spool);
	if (mkdirs(o->spool) != 0)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	int rc = done == len && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	if (rc == 0)
		rc = rename(tmp, fin);
	if (rc == 0)
		rc = fsync_dir(dir);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static int read_all(int fd, hd_buf *b)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (hd_buf_append(b, chunk, (size_t)n) != 0)
			return -2;
	}
}

static int deliver_stdin(const opts *o)
{
	hd_buf msg;
	hd_buf_init(&msg, MAX_MESSAGE);
	int rd = read_all(0, &msg), rc;
	char name[256];
	if (rd == -2) {
		fprintf(stderr,
			"hd-mail-ingest: message larger than %zu "
			"bytes\n",
			MAX_MESSAGE);
		rc = EX_DATAERR_;
	} else if (rd != 0) {
		perror("hd-mail-ingest: reading stdin");
		rc = EX_TEMPFAIL;
	} else {
		outcome out = post(o, msg.data ? msg.data : "", msg.len);
		rc = out == SENT ? EX_OK_ : out == REJECTED ? EX_DATAERR_ : -1;
	}
	if (rc == -1) {
		int wrc = spool_write(o, msg.data ? msg.data : "", msg.len,
				      name, sizeof name);
		if (wrc == 0)
			fprintf(stderr,
				"hd-mail-ingest: spooled as %s/new/%s; "
				"run hd-mail-ingest --flush later\n",
				o->spool, name);
		else if (wrc == 1)
			fprintf(stderr,
				"hd-mail-ingest: already spooled as "
				"%s/new/%s (same Message-ID); not spooled "
				"again\n",
				o->spool, name);
		else
			fprintf(stderr,
				"hd-mail-ingest: could not spool into %s "
				"(%s); the MTA keeps the message\n",
				o->spool, strerror(errno));
		rc = EX_TEMPFAIL;
	}
	hd_buf_release(&msg);
	return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* One spooled file: delivered → removed; rejected → rejected/. */
static outcome flush_one(const opts *o, const char *name)
{
	char path[4096], dest[4096];
	snprintf(path, sizeof path, "%s/new/%s", o->spool, name);
	snprintf(dest, sizeof dest, "%s/rejected/%s", o->spool, name);
	int fd = open(path, O_RDONLY);
	hd_buf msg;
	hd_buf_init(&msg, MAX_MESSAGE);
	outcome out = fd >= 0 && read_all(fd, &msg) == 0
			      ? post(o, msg.data ? msg.data : "", msg.len)
			      : TEMPFAIL;
	if (fd >= 0)
		close(fd);
	hd_buf_release(&msg);
	if (out == SENT)
		unlink(path);
	else if (out == REJECTED)
		rename(path, dest);
	return out;
}

static int flush_spool(const opts *o)
{
	char dir[4096];
	struct dirent **list = NULL;
	snprintf(dir, sizeof dir, "%s/new", o->spool);
	int n = scandir(dir, &list, NULL, by_name);
	if (n < 0) {
		if (errno == ENOENT)
			return EX_OK_; /* nothing was ever spooled */
		fprintf(stderr, "hd-mail-ingest: cannot read %s: %s\n", dir,
			strerror(errno));
		return EX_TEMPFAIL;
	}
	int sent = 0, left = 0, rejected = 0;
	bool stop = false;
	for (int i = 0; i < n; i++) {
		const char *nm = list[i]->d_name;
		if (nm[0] != '.' && !stop) {
			outcome out = flush_one(o, nm);
			sent += out == SENT;
			rejected += out == REJECTED;
			stop = out == TEMPFAIL; /* the suite is still away */
			left += out == TEMPFAIL;
		} else if (nm[0] != '.') {
			left++;
		}
		free(list[i]);
	}
	free(list);
	fprintf(stderr,
		"hd-mail-ingest: flushed %d, rejected %d, still spooled %d\n",
		sent, rejected, left);
	return left ? EX_TEMPFAIL : EX_OK_;
}

int main(int argc, char **argv)
{
	opts o = {0};
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	if ((rc = load_secret(&o)))
		return rc;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "hd-mail-ingest: cannot initialise\n");
		return EX_TEMPFAIL;
	}
	rc = o.flush ? flush_spool(&o) : deliver_stdin(&o);
	mi_spool_metrics(o.spool, getenv("HD_MAIL_METRICS_FILE"));
	curl_global_cleanup();
	return rc;
}
