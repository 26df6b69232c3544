/* User custom field values and JSON; see hd/user_fields.h. */
#include "hd/user_fields.h"

#include "hd/err.h"
#include "hd/pb_unknown.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

static Hd__RuleValue *new_value(void)
{
	return hd_pb_new(&hd__rule_value__descriptor);
}

/* One key; lenient: a value the typed form cannot hold is kept as text. */
static int field(const char *key, const json_t *j, bool lenient,
		 Hd__UserFieldValue **out)
{
	Hd__UserFieldValue *f = hd_pb_new(&hd__user_field_value__descriptor);
	if (!f)
		return HD_E_NOMEM;
	int rc = hd_pb_set_string(&f->key, key);
	if (!rc)
		rc = hd_rule_value_from_json_as_written(j, &f->value);
	if (rc == HD_E_INVALID && lenient) {
		char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		rc = text && (f->value = new_value()) ? HD_OK : HD_E_NOMEM;
		if (!rc) {
			f->value->kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
			rc = hd_pb_set_string(&f->value->text, text);
		}
		free(text);
	}
	if (rc)
		hd__user_field_value__free_unpacked(f, NULL);
	else
		*out = f;
	return rc;
}

static int from_json(const json_t *obj, bool lenient, Hd__UserFieldValue ***out,
		     size_t *n, const char **bad)
{
	size_t count = json_object_size(obj), i = 0;
	Hd__UserFieldValue **v = count ? calloc(count, sizeof *v) : NULL;
	const char *key;
	const json_t *j;
	int rc = count && !v ? HD_E_NOMEM : HD_OK;
	json_object_foreach((json_t *)obj, key, j)
	{
		if (rc || i == count)
			break;
		if ((rc = field(key, j, lenient, &v[i])) == HD_OK)
			i++;
		else if (bad)
			*bad = key;
	}
	if (rc) {
		hd_user_fields_free(v, i);
		return rc;
	}
	*out = v;
	*n = i;
	return HD_OK;
}

int hd_user_fields_from_json(const json_t *obj, Hd__UserFieldValue ***out,
			     size_t *n, const char **bad)
{
	return from_json(obj, false, out, n, bad);
}

void hd_user_fields_free(Hd__UserFieldValue **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		hd__user_field_value__free_unpacked(v[i], NULL);
	free(v);
}

json_t *hd_user_fields_json(Hd__UserFieldValue *const *v, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < n; i++) {
		json_t *x = hd_rule_value_json(v[i]->value);
		if (!x || json_object_set_new(o, v[i]->key, x)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

int hd_user_fields_upgrade(ProtobufCMessage *msg, bool *changed)
{
	Hd__User *u = (Hd__User *)msg;
	bool nomem = false;
	*changed = false;
	char *text = hd_pb_take_unknown_text(msg, 16, &nomem);
	if (!text)
		return nomem ? HD_E_NOMEM : HD_OK;
	*changed = true;
	json_t *obj = json_loads(text, 0, NULL);
	free(text);
	/* Only an older build writes the text: when a record has both (it
	 * rewrote a newer build's record, keeping field 21 as unknown bytes)
	 * the text is the later. */
	hd_user_fields_free(u->user_fields, u->n_user_fields);
	u->user_fields = NULL;
	u->n_user_fields = 0;
	int rc = json_is_object(obj) ? from_json(obj, true, &u->user_fields,
						 &u->n_user_fields, NULL)
				     : HD_OK;
	json_decref(obj);
	return rc;
}
