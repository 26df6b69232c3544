/* User custom field values and JSON; see hd/user_fields.h. */
#include "hd/user_fields.h"

#include "hd/err.h"
#include "hd/pb_unknown.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

/* A scalar j into v (fresh). Numbers keep jansson's spelling, so a real
 * written 2.0 is shown 2.0 again (hd_rule_value_json reads "2.0" as a
 * real). */
static int scalar(const json_t *j, Hd__RuleValue *v)
{
	if (json_is_null(j))
		return HD_OK;
	if (json_is_boolean(j)) {
		v->kind = HD__RULE_VALUE__KIND__VALUE_BOOL;
		v->flag = json_is_true(j);
		return HD_OK;
	}
	if (json_is_string(j)) {
		v->kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
		return hd_pb_set_string(&v->text, json_string_value(j));
	}
	if (!json_is_number(j))
		return HD_E_INVALID;
	char *num = json_dumps(j, JSON_ENCODE_ANY);
	if (!num)
		return HD_E_NOMEM;
	v->kind = HD__RULE_VALUE__KIND__VALUE_NUMBER;
	int rc = hd_pb_set_string(&v->text, num);
	free(num);
	return rc;
}

static Hd__RuleValue *new_value(void)
{
	return hd_pb_new(&hd__rule_value__descriptor);
}

/* j as a new value in *out: a scalar or a flat list of them. */
static int value(const json_t *j, Hd__RuleValue **out)
{
	Hd__RuleValue *v = new_value();
	if (!v)
		return HD_E_NOMEM;
	int rc = HD_OK;
	if (!json_is_array(j)) {
		rc = scalar(j, v);
	} else {
		v->kind = HD__RULE_VALUE__KIND__VALUE_LIST;
		size_t n = json_array_size(j);
		if (n && !(v->items = calloc(n, sizeof *v->items)))
			rc = HD_E_NOMEM;
		for (size_t i = 0; !rc && i < n; i++) {
			if (!(v->items[i] = new_value()))
				rc = HD_E_NOMEM;
			else
				v->n_items = i + 1;
			if (!rc)
				rc = scalar(json_array_get(j, i), v->items[i]);
		}
	}
	if (rc)
		hd__rule_value__free_unpacked(v, NULL);
	else
		*out = v;
	return rc;
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
		rc = value(j, &f->value);
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
