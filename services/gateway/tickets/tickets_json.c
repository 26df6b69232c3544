/* Zendesk's ticket, comment and audit objects (API.md §2), and sideloads. */
#include "gw_tickets.h"

#include "hd/audit_value.h"
#include "hd/err.h"
#include "hd/ticket_patch.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <string.h>

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *ids_json(const uint64_t *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)ids[i]));
	return a;
}

static json_t *custom_json(const Hd__Ticket *tk)
{
	json_t *a = json_array();
	for (size_t i = 0; i < tk->n_custom_fields; i++) {
		const Hd__CustomFieldValue *c = tk->custom_fields[i];
		json_t *v = json_null();
		if (c->has_value && strcmp(c->kind, "flag") == 0)
			v = json_boolean(c->flag);
		else if (c->has_value && strcmp(c->kind, "tags") == 0) {
			v = json_array();
			for (size_t k = 0; k < c->n_tags; k++)
				json_array_append_new(v,
						      json_string(c->tags[k]));
		} else if (c->has_value)
			v = json_string(c->text);
		json_array_append_new(a,
				      json_pack("{s:I, s:o}", "id",
						(json_int_t)c->id, "value", v));
	}
	return a;
}

static json_t *via_json(const char *channel, const Hd__Via *via)
{
	json_t *src = via && via->has_source ? hd_via_source_json(via) : NULL;
	if (!src)
		src = json_pack("{s:{}, s:{}, s:n}", "from", "to", "rel");
	return json_pack("{s:s, s:o}", "channel", channel[0] ? channel : "api",
			 "source", src);
}

static json_t *csat_json(const Hd__Ticket *tk)
{
	if (!tk->satisfaction_score[0])
		return json_null();
	return json_pack("{s:s, s:o}", "score", tk->satisfaction_score,
			 "comment", gw_str_or_null(tk->satisfaction_comment));
}

json_t *gw_ticket_json(const gw_req *r, const Hd__Ticket *tk)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/tickets/%llu.json", r->base_url,
		 (unsigned long long)tk->id);
	json_t *tags = json_array();
	for (size_t i = 0; i < tk->n_tags; i++)
		json_array_append_new(tags, json_string(tk->tags[i]));
	json_t *o = json_pack(
		"{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:s}",
		"url", url, "id", (json_int_t)tk->id, "external_id",
		gw_str_or_null(tk->external_id), "via",
		via_json(tk->via_channel, tk->via), "created_at",
		gw_time_json(tk->created_at), "updated_at",
		gw_time_json(tk->updated_at), "type", gw_str_or_null(tk->type),
		"subject", tk->subject, "raw_subject", tk->subject,
		"description", tk->description, "priority",
		gw_str_or_null(tk->priority), "status", tk->status);
	json_object_set_new(o, "recipient", gw_str_or_null(tk->recipient));
	json_object_set_new(o, "requester_id", id_or_null(tk->requester_id));
	json_object_set_new(o, "submitter_id", id_or_null(tk->submitter_id));
	json_object_set_new(o, "assignee_id", id_or_null(tk->assignee_id));
	json_object_set_new(o, "organization_id",
			    id_or_null(tk->organization_id));
	json_object_set_new(o, "group_id", id_or_null(tk->group_id));
	json_object_set_new(
		o, "collaborator_ids",
		ids_json(tk->collaborator_ids, tk->n_collaborator_ids));
	json_object_set_new(o, "follower_ids",
			    ids_json(tk->follower_ids, tk->n_follower_ids));
	json_object_set_new(o, "email_cc_ids",
			    ids_json(tk->email_cc_ids, tk->n_email_cc_ids));
	json_object_set_new(o, "forum_topic_id", json_null());
	json_object_set_new(o, "problem_id", id_or_null(tk->problem_id));
	json_object_set_new(o, "has_incidents", json_false());
	json_object_set_new(o, "is_public", json_true());
	json_object_set_new(o, "due_at", gw_time_json(tk->due_at));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "custom_fields", custom_json(tk));
	json_object_set_new(o, "satisfaction_rating", csat_json(tk));
	json_object_set_new(o, "sharing_agreement_ids", json_array());
	json_object_set_new(o, "custom_status_id", json_null());
	json_object_set_new(o, "fields", custom_json(tk));
	json_object_set_new(o, "followup_ids", json_array());
	json_object_set_new(o, "ticket_form_id",
			    id_or_null(tk->ticket_form_id));
	json_object_set_new(o, "brand_id", id_or_null(tk->brand_id));
	json_object_set_new(o, "allow_channelback", json_false());
	json_object_set_new(o, "allow_attachments", json_true());
	json_object_set_new(o, "from_messaging_channel", json_false());
	return o;
}

static json_t *attachments_json(const gw_req *r, Hd__Attachment *const *a,
				size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, gw_attachment_json(r, a[i]));
	return arr;
}

json_t *gw_comment_json(const gw_req *r, const Hd__Comment *c)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:I, s:s, s:s, s:s, s:b, s:o, s:I, s:o, s:o, "
		"s:{s:{}, s:{}}}",
		"id", (json_int_t)c->id, "type",
		c->type[0] ? c->type : "Comment", "author_id",
		(json_int_t)c->author_id, "body", c->body, "html_body",
		c->html_body, "plain_body", c->body, "public", c->public_,
		"attachments",
		attachments_json(r, c->attachments, c->n_attachments),
		"audit_id", (json_int_t)c->audit_id, "via",
		via_json(c->via_channel, NULL), "created_at",
		gw_time_json(c->created_at), "metadata", "system", "custom");
	/* VoiceComment: the call data, as Zendesk's voice comments carry it */
	json_t *data = hd_voice_data_json(c);
	if (o && data)
		json_object_set_new(o, "data", data);
	else
		json_decref(data);
	return o;
}

/* A trigger's change carries its own via (Zendesk's rule events). */
static json_t *event_via(json_t *o, const Hd__AuditEvent *e)
{
	if (o && e->via_rule_id)
		json_object_set_new(
			o, "via",
			json_pack("{s:s, s:{s:s, s:{s:I, s:s}, s:{}}}",
				  "channel", "rule", "source", "rel",
				  e->via_rule_rel[0] ? e->via_rule_rel
						     : "trigger",
				  "from", "id", (json_int_t)e->via_rule_id,
				  "title", e->via_rule_title, "to"));
	return o;
}

static json_t *event_json(const Hd__AuditEvent *e)
{
	if (strcmp(e->type, "Comment") == 0)
		return event_via(
			json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:b, s:[]}",
				  "id", (json_int_t)e->comment_id, "type",
				  "Comment", "author_id",
				  (json_int_t)e->author_id, "body", e->body,
				  "html_body", e->html_body, "plain_body",
				  e->body, "public", e->is_public,
				  "attachments"),
			e);
	json_t *o = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)e->id,
			      "type", e->type, "field_name", e->field_name,
			      "value", hd_audit_value_json(e, false));
	if (o && strcmp(e->type, "Change") == 0)
		json_object_set_new(o, "previous_value",
				    hd_audit_value_json(e, true));
	return event_via(o, e);
}

json_t *gw_audit_json(const gw_req *r, const Hd__Audit *a)
{
	(void)r;
	json_t *events = json_array();
	for (size_t i = 0; i < a->n_events; i++)
		json_array_append_new(events, event_json(a->events[i]));
	return json_pack(
		"{s:I, s:I, s:o, s:I, s:{s:{}, s:{}}, s:o, s:o}", "id",
		(json_int_t)a->id, "ticket_id", (json_int_t)a->ticket_id,
		"created_at", gw_time_json(a->created_at), "author_id",
		(json_int_t)a->author_id, "metadata", "system", "custom", "via",
		via_json(a->via_channel, a->via), "events", events);
}
