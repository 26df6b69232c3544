/* hd-import's comment files (see comments.c for the shapes). */
#ifndef IMP_COMMENTS_H
#define IMP_COMMENTS_H

#include "import.h"

#include <jansson.h>

/* Every comment of Zendesk ticket `ticket` (a new JSON array, in file
 * order; empty when it has none): 0, -1 with err naming file:line when a
 * comment file is malformed, -2 on an I/O error. */
int imp_comments_of(imp *im, uint64_t ticket, json_t **out, char *err,
		    size_t cap);

#endif
