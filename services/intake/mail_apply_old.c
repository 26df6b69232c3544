/* A mail.apply request an older build sent: its via.source (field 8) and
 * attachments (field 9) were JSON text; see mail.h. */
#include "mail.h"

#include "email.pb-c.h"
#include "hd/err.h"
#include "hd/pb_unknown.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"
#include "hd/ticket_patch.h"

#include <jansson.h>
#include <stdlib.h>

int mail_apply_old(Hd__MailApplyRequest *a)
{
	bool nomem = false;
	char *src = hd_pb_take_unknown_text(&a->base, 8, &nomem);
	char *atts =
		nomem ? NULL : hd_pb_take_unknown_text(&a->base, 9, &nomem);
	json_t *v = src && !a->via ? json_loads(src, 0, NULL) : NULL;
	json_t *list =
		atts && !a->n_attachments ? json_loads(atts, 0, NULL) : NULL;
	free(src);
	free(atts);
	int rc = nomem ? HD_E_NOMEM : HD_OK;
	if (!rc && v) {
		hd_patch_err err = {"", ""};
		json_t *w = json_pack("{s:O}", "source", v);
		a->via = hd_via_new();
		rc = !w || !a->via ? HD_E_NOMEM
				   : hd_via_from_json(w, a->via, &err);
		json_decref(w);
	}
	size_t n = json_is_array(list) ? json_array_size(list) : 0;
	if (!rc && n && !(a->attachments = calloc(n, sizeof *a->attachments)))
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *x = json_array_get(list, i);
		Hd__Attachment *t = malloc(sizeof *t);
		if (!t) {
			rc = HD_E_NOMEM;
			break;
		}
		hd__attachment__init(t);
		a->attachments[a->n_attachments++] = t;
		t->id = (uint64_t)json_integer_value(json_object_get(x, "id"));
		t->size = (uint64_t)json_integer_value(
			json_object_get(x, "size"));
		rc = hd_pb_set_string(
			&t->file_name,
			json_string_value(json_object_get(x, "file_name")));
		if (!rc)
			rc = hd_pb_set_string(&t->content_type,
					      json_string_value(json_object_get(
						      x, "content_type")));
	}
	json_decref(v);
	json_decref(list);
	return rc;
}
