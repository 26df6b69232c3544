/* The request form's custom fields (portal.h): which form, which fields
 * (intake answers an end-user with the active, visible_in_portal ones and
 * the end_user_visible forms), their controls, the values posted, and the
 * API's validation messages placed next to them. Controls carry no HTML
 * "required": the server's message, in the visitor's language, is the one
 * they see. */
#include "portal.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_pt_error_add(gw_pt_errors *es, const char *field, const char *msg)
{
	if (es->n == sizeof es->e / sizeof es->e[0])
		return;
	snprintf(es->e[es->n].field, sizeof es->e[es->n].field, "%s", field);
	snprintf(es->e[es->n].message, sizeof es->e[es->n].message, "%s", msg);
	es->n++;
}

const char *gw_pt_error_of(const gw_pt_errors *es, const char *field)
{
	for (size_t i = 0; es && i < es->n; i++)
		if (strcmp(es->e[i].field, field) == 0)
			return es->e[i].message;
	return NULL;
}

void gw_pt_errors_from(const char *locale, const gw_resp *api, gw_pt_errors *es)
{
	json_t *details = json_object_get(api->body, "details");
	const char *key;
	json_t *list;
	char buf[300];
	if (api->status == 422 && json_is_object(details)) {
		json_object_foreach(details, key, list)
		{
			const char *d = json_string_value(json_object_get(
				json_array_get(list, 0), "description"));
			gw_pt_error_add(
				es, key,
				gw_pt_why(locale, d ? d : "", buf, sizeof buf));
		}
		return;
	}
	gw_pt_error_add(es, "base", hc_str(locale, "pt.err.busy"));
}

static int by_position(const void *a, const void *b)
{
	const Hd__TicketForm *x = *(Hd__TicketForm *const *)a;
	const Hd__TicketForm *y = *(Hd__TicketForm *const *)b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int gw_pt_form_def_load(gw *g, gw_req *r, uint64_t form_id, gw_pt_form_def *d,
			gw_resp *out)
{
	memset(d, 0, sizeof *d);
	/* asked as an end-user: agents filing here see what customers see */
	Hd__UserRole role = r->who.role;
	r->who.role = HD__USER_ROLE__ROLE_END_USER;
	int rc = gw_call(g, g->intake[0], r, "forms.list", NULL,
			 &hd__ticket_form_list__descriptor, (void **)&d->forms,
			 out);
	if (!rc)
		rc = gw_portal_fields_load(g, r, &d->pf, out);
	r->who.role = role;
	if (rc)
		return rc;
	Hd__TicketFormList *fl = d->forms;
	if (fl->n_forms > 1)
		qsort(fl->forms, fl->n_forms, sizeof *fl->forms, by_position);
	for (size_t i = 0; i < fl->n_forms && !d->form; i++)
		if (form_id ? fl->forms[i]->id == form_id
			    : fl->forms[i]->is_default)
			d->form = fl->forms[i];
	if (!d->form && fl->n_forms)
		d->form = fl->forms[0];
	return HD_OK;
}

void gw_pt_form_def_free(gw_pt_form_def *d)
{
	hd__ticket_form_list__free_unpacked(d->forms, NULL);
	gw_portal_fields_free(&d->pf);
	d->forms = NULL;
	d->form = NULL;
}

/* The i-th field to show, or NULL past the end: the form's fields in its
 * order, else every visible field; only those end-users may edit. */
static const Hd__TicketField *nth_field(const gw_pt_form_def *d, size_t *i)
{
	const Hd__TicketFieldList *all = d->pf.list;
	for (; all; (*i)++) {
		const Hd__TicketField *f = NULL;
		if (d->form) {
			if (*i >= d->form->n_ticket_field_ids)
				return NULL;
			f = gw_portal_field(&d->pf,
					    d->form->ticket_field_ids[*i]);
		} else {
			if (*i >= all->n_fields)
				return NULL;
			f = all->fields[*i];
		}
		if (f && f->editable_in_portal) {
			(*i)++;
			return f;
		}
	}
	return NULL;
}

/* Every value the form holds for name (multiselect); n found. */
static size_t values(gw_req *r, const gw_pt_form *f, const char *name,
		     const char **out, size_t cap)
{
	size_t n = 0;
	if (!f)
		return 0;
	if (!f->multipart) {
		const char *v = gw_pt_get(r, f, name);
		if (v && cap)
			out[n++] = v;
		return n;
	}
	for (size_t i = 0; i < f->n && n < cap; i++)
		if (!f->parts[i].filename && !strcmp(f->parts[i].name, name))
			out[n++] = f->parts[i].data;
	return n;
}

static bool has_value(const char *const *vals, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(vals[i], v) == 0)
			return true;
	return false;
}

static void label(const char *locale, const Hd__TicketField *f, hd_buf *b,
		  const char *id, int legend)
{
	hd_buf_printf(b, legend ? "<legend>" : "<label for=\"%s\">", id);
	hc_esc(b, f->title_in_portal[0] ? f->title_in_portal : f->title);
	if (f->required_in_portal) {
		hd_buf_puts(b, " <span class=\"pt-req\">");
		hc_esc(b, hc_str(locale, "pt.form.required"));
		hd_buf_puts(b, "</span>");
	}
	hd_buf_puts(b, legend ? "</legend>" : "</label>");
}

/* aria attributes of a control: its help text and its error. */
static void described(hd_buf *b, const Hd__TicketField *f, const char *err,
		      const char *id)
{
	if (f->required_in_portal)
		hd_buf_puts(b, " aria-required=\"true\"");
	if (err)
		hd_buf_puts(b, " aria-invalid=\"true\"");
	if (f->description[0] && err)
		hd_buf_printf(b, " aria-describedby=\"%s-help %s-error\"", id,
			      id);
	else if (f->description[0] || err)
		hd_buf_printf(b, " aria-describedby=\"%s-%s\"", id,
			      err ? "error" : "help");
}

static void control(const char *locale, const Hd__TicketField *f, gw_req *r,
		    const gw_pt_form *form, const char *err, hd_buf *b)
{
	char id[32], name[32];
	const char *vals[64];
	snprintf(id, sizeof id, "cf-%llu", (unsigned long long)f->id);
	snprintf(name, sizeof name, "cf_%llu", (unsigned long long)f->id);
	size_t n = values(r, form, name, vals, 64);
	const char *v = n ? vals[0] : "";
	const char *t = f->type;
	int multi = !strcmp(t, "multiselect");
	if (!strcmp(t, "checkbox")) {
		hd_buf_printf(b,
			      "<input id=\"%s\" name=\"%s\" type=\"checkbox\" "
			      "value=\"1\"%s",
			      id, name, n ? " checked" : "");
		described(b, f, err, id);
		hd_buf_puts(b, "> ");
		label(locale, f, b, id, 0);
		return;
	}
	label(locale, f, b, id, 0);
	if (!strcmp(t, "tagger") || multi) {
		hd_buf_printf(b, "<select id=\"%s\" name=\"%s\"%s", id, name,
			      multi ? " multiple" : "");
		described(b, f, err, id);
		hd_buf_puts(b, ">");
		if (!multi) {
			hd_buf_puts(b, "<option value=\"\">");
			hc_esc(b, hc_str(locale, "pt.form.choose"));
			hd_buf_puts(b, "</option>");
		}
		for (size_t i = 0; i < f->n_custom_field_options; i++) {
			const Hd__TicketFieldOption *o =
				f->custom_field_options[i];
			hd_buf_puts(b, "<option value=\"");
			hc_esc(b, o->value);
			hd_buf_printf(b, "\"%s>",
				      has_value(vals, n, o->value) ? " selected"
								   : "");
			hc_esc(b, o->name);
			hd_buf_puts(b, "</option>");
		}
		hd_buf_puts(b, "</select>");
		return;
	}
	if (!strcmp(t, "textarea")) {
		hd_buf_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"4\"",
			      id, name);
		described(b, f, err, id);
		hd_buf_puts(b, ">");
		hc_esc(b, v);
		hd_buf_puts(b, "</textarea>");
		return;
	}
	const char *type = !strcmp(t, "date") ? "date" : "text";
	const char *mode = !strcmp(t, "integer")   ? " inputmode=\"numeric\""
			   : !strcmp(t, "decimal") ? " inputmode=\"decimal\""
						   : "";
	hd_buf_printf(b, "<input id=\"%s\" name=\"%s\" type=\"%s\"%s value=\"",
		      id, name, type, mode);
	hc_esc(b, v);
	hd_buf_puts(b, "\"");
	described(b, f, err, id);
	hd_buf_puts(b, ">");
}

void gw_pt_fields_html(const char *locale, const gw_pt_form_def *d, gw_req *r,
		       const gw_pt_form *f, const gw_pt_errors *es, hd_buf *b)
{
	const Hd__TicketField *fd;
	for (size_t i = 0; (fd = nth_field(d, &i)) != NULL;) {
		char key[48];
		snprintf(key, sizeof key, "custom_fields_%llu",
			 (unsigned long long)fd->id);
		const char *err = gw_pt_error_of(es, key);
		hd_buf_printf(b,
			      "<div class=\"pt-field%s\" "
			      "data-field-id=\"%llu\">",
			      err ? " pt-invalid" : "",
			      (unsigned long long)fd->id);
		control(locale, fd, r, f, err, b);
		if (fd->description[0]) {
			hd_buf_printf(b,
				      "<p class=\"hc-muted\" "
				      "id=\"cf-%llu-help\">",
				      (unsigned long long)fd->id);
			hc_esc(b, fd->description);
			hd_buf_puts(b, "</p>");
		}
		if (err) {
			hd_buf_printf(b,
				      "<p class=\"pt-error\" "
				      "id=\"cf-%llu-error\">",
				      (unsigned long long)fd->id);
			hc_esc(b, err);
			hd_buf_puts(b, "</p>");
		}
		hd_buf_puts(b, "</div>\n");
	}
}

json_t *gw_pt_fields_json(const gw_pt_form_def *d, gw_req *r,
			  const gw_pt_form *f)
{
	json_t *arr = json_array();
	const Hd__TicketField *fd;
	for (size_t i = 0; (fd = nth_field(d, &i)) != NULL;) {
		char name[32];
		const char *vals[64];
		snprintf(name, sizeof name, "cf_%llu",
			 (unsigned long long)fd->id);
		size_t n = values(r, f, name, vals, 64);
		json_t *v = NULL;
		if (!strcmp(fd->type, "checkbox")) {
			v = json_boolean(n > 0);
		} else if (!strcmp(fd->type, "multiselect")) {
			v = json_array();
			for (size_t k = 0; k < n; k++)
				json_array_append_new(v, json_string(vals[k]));
			if (!n) {
				json_decref(v);
				v = NULL;
			}
		} else if (n && vals[0][0]) {
			v = json_string(vals[0]);
		}
		if (v)
			json_array_append_new(arr, json_pack("{s:I, s:o}", "id",
							     (json_int_t)fd->id,
							     "value", v));
	}
	return arr;
}
