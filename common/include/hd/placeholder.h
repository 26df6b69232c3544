/* Zendesk-style placeholders — {{ticket.id}}, {{ticket.requester.name}},
 * {{current_user.name}} — rendered from a JSON context object. The one
 * renderer for macros, e-mail templates and webhook bodies.
 *
 * A placeholder is "{{", optional spaces, a dotted path of [A-Za-z0-9_]
 * segments, optional spaces, "}}". The path is looked up in the context:
 * strings are inserted, numbers and booleans printed, and anything missing,
 * null, an object or an array renders empty — never an error. A path ending
 * in "first_name" that is absent falls back to the first word of the
 * sibling "name". Text that is not a well-formed placeholder is copied as
 * is. The inserted value is escaped for where the template is going.
 *
 * "{{path|은는}}" inserts the value followed by the Korean particle that
 * fits how it ends (hd/ko_particle.h): |이가 |은는 |을를 |과와 |으로 (or
 * the pair reversed, |로 for |으로). A tag naming any other filter is not a
 * placeholder (copied as is; hd_placeholder_check finds it). */
#ifndef HD_PLACEHOLDER_H
#define HD_PLACEHOLDER_H

#include "hd/buf.h"

#include <jansson.h>
#include <stddef.h>

typedef enum hd_ph_escape {
	HD_PH_TEXT, /* as is */
	HD_PH_HTML, /* & < > " ' as entities */
	HD_PH_JSON, /* inside a JSON string literal: \" \\ and \uXXXX controls */
} hd_ph_escape;

/* Append the rendering of tmpl[0..len) to out. HD_OK, or HD_E_TOOBIG /
 * HD_E_NOMEM from the buffer (out then holds a prefix; discard it). */
int hd_placeholder_render(const char *tmpl, size_t len, const json_t *ctx,
			  hd_ph_escape esc, hd_buf *out);

/* HD_OK when every tag of tmpl[0..len) that has a filter names a known
 * particle; else HD_E_INVALID with the first such tag copied into bad
 * (cap bytes, NUL-terminated). */
int hd_placeholder_check(const char *tmpl, size_t len, char *bad, size_t cap);

#endif
