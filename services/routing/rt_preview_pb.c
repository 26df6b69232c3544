/* The trigger preview's typed answer; see rt_preview_pb.h. */
#include "rt_preview_pb.h"

#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

int rt_pv_push(void *arr, size_t *n, void *item)
{
	void ***a = arr;
	void **grown = realloc(*a, (*n + 1) * sizeof *grown);
	if (!grown)
		return HD_E_NOMEM;
	grown[(*n)++] = item;
	*a = grown;
	return HD_OK;
}

Hd__RulePreviewKey *rt_pv_key(const char *field)
{
	Hd__RulePreviewKey *k = hd_pb_new(&hd__rule_preview_key__descriptor);
	if (k && hd_pb_set_string(&k->field, field)) {
		hd__rule_preview_key__free_unpacked(k, NULL);
		return NULL;
	}
	return k;
}

int rt_pv_value(Hd__RuleValue **out, const json_t *j)
{
	return hd_rule_value_from_json(j, out);
}

int rt_pv_comment(Hd__PreviewComment **out, const json_t *c)
{
	Hd__PreviewComment *m = hd_pb_new(&hd__preview_comment__descriptor);
	if (!m)
		return HD_E_NOMEM;
	const json_t *html = json_object_get(c, "html_body");
	const json_t *text = html ? html : json_object_get(c, "body");
	m->public_ = json_is_true(json_object_get(c, "public"));
	m->html = html != NULL;
	m->has_text = json_is_string(text);
	m->author_id =
		(uint64_t)json_integer_value(json_object_get(c, "author_id"));
	if (m->has_text &&
	    hd_pb_set_string(&m->text, json_string_value(text))) {
		hd__preview_comment__free_unpacked(m, NULL);
		return HD_E_NOMEM;
	}
	*out = m;
	return HD_OK;
}

/* [{id, value}] of the command's custom_fields into k. */
static int custom_fields(Hd__RulePreviewKey *k, const json_t *list)
{
	size_t i;
	const json_t *x;
	json_array_foreach(list, i, x)
	{
		Hd__PreviewCustomField *f =
			hd_pb_new(&hd__preview_custom_field__descriptor);
		if (!f)
			return HD_E_NOMEM;
		f->id = (uint64_t)json_integer_value(json_object_get(x, "id"));
		int rc = rt_pv_value(&f->value, json_object_get(x, "value"));
		if (!rc)
			rc = rt_pv_push(&k->custom_fields, &k->n_custom_fields,
					f);
		if (rc) {
			hd__preview_custom_field__free_unpacked(f, NULL);
			return rc;
		}
	}
	return HD_OK;
}

static int command_key(Hd__RulePreviewKey *k, const char *key, const json_t *v)
{
	if (!strcmp(key, "comment"))
		return rt_pv_comment(&k->comment, v);
	if (!strcmp(key, "custom_fields"))
		return custom_fields(k, v);
	return rt_pv_value(&k->to, v);
}

int rt_pv_command(Hd__RulePreview *p, const json_t *cmd)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)cmd, key, v)
	{
		Hd__RulePreviewKey *k = rt_pv_key(key);
		int rc = k ? command_key(k, key, v) : HD_E_NOMEM;
		if (!rc)
			rc = rt_pv_push(&p->command, &p->n_command, k);
		if (rc) {
			if (k)
				hd__rule_preview_key__free_unpacked(k, NULL);
			return rc;
		}
	}
	return HD_OK;
}

int rt_pv_ticket(Hd__RulePreview *p, const Hd__Ticket *tk)
{
	Hd__Ticket *m = hd_pb_new(&hd__ticket__descriptor);
	int rc = m ? HD_OK : HD_E_NOMEM;
	if (!rc)
		p->ticket = m;
	if (!rc)
		rc = hd_pb_set_string(&m->status, tk->status);
	if (!rc)
		rc = hd_pb_set_string(&m->priority, tk->priority);
	if (!rc)
		rc = hd_pb_set_string(&m->type, tk->type);
	if (!rc)
		rc = hd_pb_set_string(&m->subject, tk->subject);
	if (rc)
		return rc;
	m->group_id = tk->group_id;
	m->assignee_id = tk->assignee_id;
	if (tk->n_tags && !(m->tags = calloc(tk->n_tags, sizeof *m->tags)))
		return HD_E_NOMEM;
	for (size_t i = 0; i < tk->n_tags; i++) {
		if (!(m->tags[i] = strdup(tk->tags[i])))
			return HD_E_NOMEM;
		m->n_tags = i + 1;
	}
	return HD_OK;
}
