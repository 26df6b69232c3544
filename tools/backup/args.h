/* The command line hd-backup and hd-restore share: --help, --version, a
 * table of "--flag VALUE" options, and a repeatable --store NAME. */
#ifndef BK_ARGS_H
#define BK_ARGS_H

#include <stddef.h>

typedef struct bk_flag {
	const char *name; /* "--out" */
	const char **dst; /* where its value goes */
} bk_flag;

/* Where the suite's stores are unless --data says: $HD_DATA, else ./var. */
const char *bk_data_default(void);

/* Parse argv with flags (ending in {NULL}); each --store NAME goes to
 * stores (at most cap, counted in *nstores). 0 to go on, 1 when --help or
 * --version was answered (exit 0), 2 after a usage error was printed. */
int bk_parse_args(int argc, char **argv, const char *prog, const char *usage,
		  const bk_flag *flags, char **stores, size_t cap,
		  size_t *nstores);

#endif
