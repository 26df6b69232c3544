/* hd-backup's and hd-restore's command line; see args.h. */
#include "args.h"
#include "hd/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char **flag_dst(const bk_flag *flags, const char *name)
{
	for (size_t i = 0; flags[i].name; i++)
		if (strcmp(flags[i].name, name) == 0)
			return flags[i].dst;
	return NULL;
}

const char *bk_data_default(void)
{
	const char *env = getenv("HD_DATA");
	return env && env[0] ? env : "./var";
}

int bk_parse_args(int argc, char **argv, const char *prog, const char *usage,
		  const bk_flag *flags, char **stores, size_t cap,
		  size_t *nstores)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;
		const char **dst = flag_dst(flags, a);
		if (strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return 1;
		} else if (strcmp(a, "--version") == 0) {
			hd_version_print(prog);
			return 1;
		} else if (dst && has_value) {
			*dst = argv[++i];
		} else if (strcmp(a, "--store") == 0 && has_value &&
			   *nstores < cap) {
			stores[(*nstores)++] = argv[++i];
		} else {
			fprintf(stderr, "%s: bad argument '%s'\n%s", prog, a,
				usage);
			return 2;
		}
	}
	return 0;
}
