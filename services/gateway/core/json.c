/* JSON helpers: times, nulls, and body parsing with precise 400s. */
#include "gateway.h"

#include "hd/err.h"
#include "hd/text.h"
#include "hd/time_iso.h"

#include <stdio.h>
#include <string.h>

json_t *gw_time_json(int64_t ms)
{
	return ms <= 0 ? json_null() : hd_time_json(ms);
}

json_t *gw_str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

json_t *gw_strings_json(char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

/* U+FDD0, a noncharacter no client sends, marks where invalid bytes were so
 * the parsed tree can tell which field held them. */
static const char marker[] = "\xEF\xB7\x90";

static int find_marker(json_t *v, char *path, size_t cap)
{
	if (json_is_string(v))
		return strstr(json_string_value(v), marker) != NULL;
	size_t len = strlen(path);
	if (json_is_object(v)) {
		const char *key;
		json_t *child;
		json_object_foreach(v, key, child)
		{
			if (strstr(key, marker))
				return 1;
			snprintf(path + len, cap - len, "%s%s", len ? "." : "",
				 key);
			if (find_marker(child, path, cap))
				return 1;
			path[len] = '\0';
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child)
		{
			if (find_marker(child, path, cap))
				return 1;
		}
	}
	return 0;
}

/* Which field holds the invalid UTF-8 in body? Empty when unknown. */
static void locate_bad_utf8(const char *body, size_t len, char *field,
			    size_t cap)
{
	hd_buf fixed;
	hd_buf_init(&fixed, len * 3 + 16);
	for (size_t i = 0; i < len;) {
		size_t run = 1;
		while (i + run <= len && !hd_utf8_valid(body + i, run) &&
		       run < 4)
			run++;
		if (i + run <= len && hd_utf8_valid(body + i, run)) {
			hd_buf_append(&fixed, body + i, run);
			i += run;
		} else {
			hd_buf_append(&fixed, marker, 3);
			i++;
		}
	}
	field[0] = '\0';
	json_t *root = fixed.data && !hd_buf_error(&fixed)
			       ? json_loadb(fixed.data, fixed.len, 0, NULL)
			       : NULL;
	if (root && !find_marker(root, field, cap))
		field[0] = '\0';
	json_decref(root);
	hd_buf_release(&fixed);
}

int gw_parse_body(gw_req *r, gw_resp *out, json_t **root)
{
	*root = NULL;
	const char *body = r->body.data ? r->body.data : "";
	if (!hd_utf8_valid(body, r->body.len)) {
		char field[128], msg[256];
		locate_bad_utf8(body, r->body.len, field, sizeof field);
		snprintf(msg, sizeof msg, "%s%s is not valid UTF-8",
			 field[0] ? "The value of " : "The request body",
			 field);
		gw_error(out, 400, "InvalidUTF8", msg);
		if (field[0])
			json_object_set_new(out->body, "field",
					    json_string(field));
		return HD_E_INVALID;
	}
	json_error_t err;
	*root = json_loadb(body, r->body.len, JSON_REJECT_DUPLICATES, &err);
	if (!*root) {
		char msg[300];
		snprintf(msg, sizeof msg,
			 "Malformed JSON at line %d, column %d: %s", err.line,
			 err.column, err.text);
		return gw_error(out, 400, "InvalidJSON", msg);
	}
	return HD_OK;
}
