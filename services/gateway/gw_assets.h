/* The workspace's files, embedded at build time (build/gen/
 * workspace_assets.c from scripts/gen_workspace_assets.py) and served by
 * assets.c under /agent/. */
#ifndef GW_ASSETS_H
#define GW_ASSETS_H

#include <stddef.h>

typedef struct gw_ws_asset {
	const char *path; /* "index.html", "js/main.js" */
	const char *type; /* Content-Type */
	const char *hash; /* hex; the ETag and the ?v= of immutable URLs */
	const unsigned char *data;
	size_t len;
	const unsigned char *gz; /* gzip copy, or NULL when not smaller */
	size_t gz_len;
} gw_ws_asset;

/* Sorted by path; ends with a row whose path is NULL. */
extern const gw_ws_asset gw_ws_assets[];
/* The customers' pages' files (services/helpcenter), served by
 * hc_static.c under /hc/static/; the same shape. */
extern const gw_ws_asset gw_hc_assets[];

#endif
