/* A mail's extra template context (comment, survey link, SLA, card …) as
 * it is queued: flattened to dotted name/value pairs in the delivery, and
 * rebuilt into the nested object the renderer merges into the ticket's
 * context. Deliveries queued before the pairs existed carry the context as
 * JSON text in field 28, which protobuf-c now keeps as an unknown field. */
#include "notifications.h"

#include "hd/err.h"
#include "hd/pb_unknown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEGACY_VARS_FIELD 28
#define MAX_VARS          64
#define MAX_DEPTH         4

static int add_pair(Hd__Delivery *d, const char *name, const char *value)
{
	if (d->n_vars == MAX_VARS)
		return HD_E_TOOBIG;
	Hd__TemplateVar *v = malloc(sizeof *v);
	Hd__TemplateVar **grown =
		realloc(d->vars, (d->n_vars + 1) * sizeof *d->vars);
	if (grown)
		d->vars = grown;
	if (!v || !grown) {
		free(v);
		return HD_E_NOMEM;
	}
	hd__template_var__init(v);
	v->name = strdup(name);
	v->value = strdup(value);
	d->vars[d->n_vars++] = v;
	return v->name && v->value ? HD_OK : HD_E_NOMEM;
}

static int flatten(Hd__Delivery *d, const char *prefix, json_t *o, int depth)
{
	const char *key;
	json_t *val;
	int rc = HD_OK;
	json_object_foreach(o, key, val)
	{
		char name[256], num[32];
		snprintf(name, sizeof name, "%s%s%s", prefix,
			 prefix[0] ? "." : "", key);
		if (json_is_object(val) && depth < MAX_DEPTH)
			rc = flatten(d, name, val, depth + 1);
		else if (json_is_string(val))
			rc = add_pair(d, name, json_string_value(val));
		else if (json_is_integer(val)) {
			snprintf(num, sizeof num, "%lld",
				 (long long)json_integer_value(val));
			rc = add_pair(d, name, num);
		}
		if (rc)
			return rc;
	}
	return HD_OK;
}

int notify_vars_set(Hd__Delivery *d, json_t *vars)
{
	return json_is_object(vars) ? flatten(d, "", vars, 0) : HD_OK;
}

void notify_vars_free(Hd__Delivery *d)
{
	for (size_t i = 0; i < d->n_vars; i++) {
		free(d->vars[i]->name);
		free(d->vars[i]->value);
		free(d->vars[i]);
	}
	free(d->vars);
	d->vars = NULL;
	d->n_vars = 0;
}

/* Set "a.b.c" = value in root, making the objects on the way. */
static void set_path(json_t *root, const char *path, const char *value)
{
	char part[256];
	const char *dot;
	while ((dot = strchr(path, '.')) != NULL) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
		json_t *next = json_object_get(root, part);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(root, part, next);
		}
		root = next;
		path = dot + 1;
	}
	json_object_set_new(root, path, json_string(value));
}

static json_t *legacy_vars(const Hd__Delivery *d)
{
	const uint8_t *text;
	size_t len;
	if (hd_pb_unknown_bytes(&d->base, LEGACY_VARS_FIELD, &text, &len))
		return NULL;
	json_t *o = json_loadb((const char *)text, len, 0, NULL);
	if (json_is_object(o))
		return o;
	json_decref(o);
	return NULL;
}

json_t *notify_vars_get(const Hd__Delivery *d)
{
	if (!d->n_vars)
		return legacy_vars(d);
	json_t *root = json_object();
	for (size_t i = 0; root && i < d->n_vars; i++)
		set_path(root, d->vars[i]->name, d->vars[i]->value);
	return root;
}
