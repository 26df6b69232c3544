/* GET /api/v2/macros/actions (Zendesk's "List supported actions for
 * macros"): the fields a macro action may set and, for closed lists, their
 * values — so a console's action builder offers only what knowledge's
 * kb_macro_check accepts (services/knowledge/macros_access.c holds the same
 * lists; test_admin_content checks every value offered here is accepted).
 * Types: "list" (values), "text", "tags", "group" and "user" (ids from
 * /groups and /users; "user" also takes "current_user"). Custom fields are
 * custom_fields_<id>, listed by /ticket_fields, not here. */
#include "gw_kb.h"

#include "hd/err.h"

#include <string.h>

typedef struct action_def {
	const char *key, *title, *type;
	const char *const *values; /* list: value, title pairs */
} action_def;

static const char *const statuses[] = {"open",    "Open",   "pending",
				       "Pending", "hold",   "On-hold",
				       "solved",  "Solved", NULL};
static const char *const priorities[] = {"",       "-",      "low",  "Low",
					 "normal", "Normal", "high", "High",
					 "urgent", "Urgent", NULL};
static const char *const types[] = {
	"",         "-",        "problem", "Problem", "incident", "Incident",
	"question", "Question", "task",    "Task",    NULL};
static const char *const visibility[] = {"true", "Public", "false", "Private",
					 NULL};
static const char *const users[] = {"current_user", "(current user)", NULL};

static const action_def defs[] = {
	{"status", "Status", "list", statuses},
	{"priority", "Priority", "list", priorities},
	{"type", "Type", "list", types},
	{"group_id", "Group", "group", NULL},
	{"assignee_id", "Assignee", "user", users},
	{"subject", "Set subject", "text", NULL},
	{"comment_value", "Comment", "text", NULL},
	{"comment_value_html", "Comment (HTML)", "text", NULL},
	{"comment_mode_is_public", "Comment mode", "list", visibility},
	{"set_tags", "Set tags", "tags", NULL},
	{"current_tags", "Add tags", "tags", NULL},
	{"remove_tags", "Remove tags", "tags", NULL},
};

static json_t *values_json(const char *const *v)
{
	json_t *arr = json_array();
	for (; v && v[0]; v += 2)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value",
						     v[0], "title", v[1],
						     "enabled", 1));
	return arr;
}

int gw_macros_actions(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	if (!hd_role_is_agent(r->who.role))
		return gw_from_err(out, HD_E_FORBIDDEN,
				   "Macros are for agents and admins");
	json_t *arr = json_array();
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		json_array_append_new(
			arr,
			json_pack("{s:s, s:s, s:s, s:s, s:o}", "group",
				  "ticket", "output_key", defs[i].key, "title",
				  defs[i].title, "type", defs[i].type, "values",
				  values_json(defs[i].values)));
	gw_reply_one(out, 200, "actions", arr);
	return HD_OK;
}
