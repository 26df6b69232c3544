/* Table-driven configuration; see hd/cfg.h. */
#include "hd/cfg.h"
#include "hd/version.h"

#include "hd/buf.h"
#include "hd/err.h"
#include "hd/log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hd_cfg_init(hd_cfg *c)
{
	memset(c, 0, sizeof *c);
}

void hd_cfg_release(hd_cfg *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->values[i]);
	c->n = 0;
}

int hd_cfg_add(hd_cfg *c, const hd_cfg_opt *rows, size_t n)
{
	if (n > HD_CFG_MAX - c->n)
		return HD_E_TOOBIG;
	for (size_t i = 0; i < n; i++)
		c->opts[c->n++] = rows[i];
	return HD_OK;
}

static void print_help(const hd_cfg *c, const char *prog, const char *about)
{
	printf("usage: %s [options]\n%s\n\noptions (environment variable, "
	       "flag, default):\n",
	       prog, about);
	for (size_t i = 0; i < c->n; i++)
		printf("  %-26s %-22s %s\n      default: %s\n", c->opts[i].env,
		       c->opts[i].flag, c->opts[i].help,
		       c->opts[i].def[0] ? c->opts[i].def : "(empty)");
	printf("  %-26s %-22s %s\n", "", "--help", "show this text");
	printf("  %-26s %-22s %s\n", "", "--version",
	       "print the version and exit");
}

static int find_flag(const hd_cfg *c, const char *arg, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->opts[i].flag) == len &&
		    strncmp(c->opts[i].flag, arg, len) == 0)
			return (int)i;
	return -1;
}

static int set_value(hd_cfg *c, size_t i, const char *v)
{
	char *copy = strdup(v);
	if (!copy)
		return HD_E_NOMEM;
	free(c->values[i]);
	c->values[i] = copy;
	return HD_OK;
}

/* Set once any value was refused; read by hd_svc_main for its exit code. */
static atomic_int refused;

void hd_cfg_refuse(void)
{
	atomic_store(&refused, 1);
}

int hd_cfg_refused(void)
{
	return atomic_load(&refused);
}

int hd_cfg_parse(hd_cfg *c, int argc, char **argv, const char *about)
{
	for (size_t i = 0; i < c->n; i++) {
		const char *env = getenv(c->opts[i].env);
		int rc = set_value(c, i, env ? env : c->opts[i].def);
		if (rc)
			return rc;
	}
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			print_help(c, argv[0], about);
			return HD_CFG_HELP;
		}
		if (strcmp(arg, "--version") == 0) {
			const char *slash = strrchr(argv[0], '/');
			hd_version_print(slash ? slash + 1 : argv[0]);
			return HD_CFG_HELP;
		}
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		int i = find_flag(c, arg, len);
		if (i < 0) {
			fprintf(stderr,
				"%s: unknown option '%s' (try --help)\n",
				argv[0], arg);
			hd_cfg_refuse();
			return HD_E_INVALID;
		}
		const char *v = eq ? eq + 1 : (a + 1 < argc ? argv[++a] : NULL);
		if (!v) {
			fprintf(stderr, "%s: option '%s' needs a value\n",
				argv[0], arg);
			hd_cfg_refuse();
			return HD_E_INVALID;
		}
		int rc = set_value(c, (size_t)i, v);
		if (rc)
			return rc;
	}
	return HD_OK;
}

const char *hd_cfg_get(const hd_cfg *c, const char *env)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->opts[i].env, env) == 0)
			return c->values[i] ? c->values[i] : c->opts[i].def;
	return NULL;
}

int hd_parse_u64(const char *s, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return HD_E_INVALID;
	errno = 0;
	char *end = NULL;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return HD_E_INVALID;
	*out = (uint64_t)v;
	return HD_OK;
}

int hd_cfg_u64(const hd_cfg *c, const char *env, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	const char *v = hd_cfg_get(c, env);
	uint64_t n = 0;
	if (hd_parse_u64(v, &n) || n < min || n > max) {
		hd_error("config.invalid",
			 "var=%s value=\"%s\" want=\"integer in [%llu,%llu]\"",
			 env, v ? v : "", (unsigned long long)min,
			 (unsigned long long)max);
		hd_cfg_refuse();
		return HD_E_INVALID;
	}
	*out = n;
	return HD_OK;
}

int hd_cfg_expand(const char *tmpl, const char *run, unsigned shard, char *out,
		  size_t cap)
{
	if (cap == 0) /* no room even for the NUL */
		return HD_E_TOOBIG;
	hd_buf b;
	hd_buf_init(&b, cap - 1);
	int rc = HD_OK;
	for (const char *p = tmpl; *p && rc == HD_OK;) {
		if (strncmp(p, "{run}", 5) == 0) {
			rc = hd_buf_puts(&b, run);
			p += 5;
		} else if (strncmp(p, "{shard}", 7) == 0) {
			rc = hd_buf_printf(&b, "%u", shard);
			p += 7;
		} else {
			rc = hd_buf_append(&b, p++, 1);
		}
	}
	if (rc == HD_OK) {
		memcpy(out, b.data ? b.data : "", b.len + 1);
	}
	hd_buf_release(&b);
	return rc;
}
