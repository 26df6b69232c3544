/* Configuration from HD_* environment variables with command-line overrides
 * and defaults, described by tables of rows so `--help` is generated from the
 * same rows that are parsed. A hd_cfg is filled once in main() and read-only
 * afterwards (safe to read from any thread). */
#ifndef HD_CFG_H
#define HD_CFG_H

#include <stddef.h>
#include <stdint.h>

typedef struct hd_cfg_opt {
	const char *env;  /* "HD_DATA" */
	const char *flag; /* "--data" */
	const char *def;  /* default value; may name {run} and {shard} */
	const char *help;
} hd_cfg_opt;

#define HD_CFG_MAX  64
#define HD_CFG_HELP (-1) /* hd_cfg_parse printed --help: exit 0 */

typedef struct hd_cfg {
	hd_cfg_opt opts[HD_CFG_MAX];
	char *values[HD_CFG_MAX]; /* owned; the value in force */
	size_t n;
} hd_cfg;

void hd_cfg_init(hd_cfg *c);
void hd_cfg_release(hd_cfg *c);
/* Append rows (copied by reference: the strings must outlive c).
 * HD_E_TOOBIG when the table is full. */
int hd_cfg_add(hd_cfg *c, const hd_cfg_opt *rows, size_t n);
/* Resolve every row: command line (--flag=v or --flag v) over environment
 * over default. Prints --help and returns HD_CFG_HELP; prints a message
 * naming the bad flag and returns HD_E_INVALID. */
int hd_cfg_parse(hd_cfg *c, int argc, char **argv, const char *about);
/* The value in force for env, or NULL when no row names it. */
const char *hd_cfg_get(const hd_cfg *c, const char *env);
/* Parse the value of env as an integer in [min, max]; HD_E_INVALID (and a
 * log line naming the variable) otherwise. */
int hd_cfg_u64(const hd_cfg *c, const char *env, uint64_t min, uint64_t max,
	       uint64_t *out);

/* Note that a configuration value was refused (hd_cfg_u64 and
 * hd_cfg_parse do it themselves; call it beside any other config.invalid
 * log). The process then exits with EX_CONFIG (hd_svc_main): restarting
 * with the same settings cannot help. Any thread. */
void hd_cfg_refuse(void);
/* Has any value been refused? */
int hd_cfg_refused(void);

/* Strict decimal parse of s (no sign, no junk, no overflow). */
int hd_parse_u64(const char *s, uint64_t *out);
/* Copy tmpl into out replacing "{run}" and "{shard}". HD_E_TOOBIG when out
 * is too small. */
int hd_cfg_expand(const char *tmpl, const char *run, unsigned shard, char *out,
		  size_t cap);

#endif
