/* The gateway's route tables. Paths are matched without ".json". Each
 * module keeps its own table beside its handlers; this file lists them and
 * holds the operators' routes. */
#include "gateway.h"
#include "gw_webhooks.h"
#include "gw_assign.h"
#include "portal.h"
#include "gw_mail_admin.h"

#include <stdio.h>

const gw_route gw_ops_routes[] = {
	{"GET", "/api/v2/hd/bus", gw_bus_status, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};

/* One table a line, so additions merge cleanly. */
/* clang-format off */
const gw_route *const gw_route_tables[] = {
	gw_ticket_routes,
	gw_user_routes,
	gw_field_routes,
	gw_view_routes,
	gw_search_routes,
	gw_rule_routes,
	gw_rule_tool_routes, /* rules_tools.c: definitions, preview */
	gw_sla_routes,
	gw_schedule_routes, /* schedules.c: business hours */
	gw_ops_routes,
	gw_webhook_routes,
	gw_sc_routes,
	gw_request_routes,
	gw_chat_routes,
	gw_voice_routes,
	gw_card_routes,
	gw_macro_routes,
	gw_assign_routes,   /* assign.c */
	gw_presence_routes, /* presence.c */
	gw_email_routes, /* channels_email.c */
	gw_hc_search_routes,   /* help_center_search.c: before articles/{id} */
	gw_help_center_routes, /* help_center.c */
	gw_hc_article_routes,  /* help_center_articles.c */
	gw_mc_routes,
	gw_report_routes,
	gw_email_verify_routes, /* email_verify.c */
	gw_session_routes,      /* session.c */
	gw_session_admin_routes, /* sessions_admin.c */
	gw_asset_routes,        /* assets.c: /agent/ */
	gw_hc_static_routes,    /* hc_static.c: /hc/static/ */
	gw_hc_center_routes,    /* hc_center.c: the help center's pages */
	gw_stream_routes,       /* stream_hub.c */
	gw_viewing_routes,      /* viewing.c */
	gw_pt_signin_routes,    /* portal_signin.c: /hc/{locale}/signin */
	gw_pt_form_routes,      /* portal_form.c: /hc/{locale}/requests/new */
	gw_pt_request_routes,   /* portal_requests.c: /hc/{locale}/requests */
	gw_address_routes,      /* addresses.c: recipient_addresses */
	gw_mail_admin_routes,   /* mail_admin.c: templates, mail settings */
	gw_csat_page_routes,    /* csat_page.c: /hc/{locale}/satisfaction/ */
	gw_import_routes,       /* imports.c */
	gw_hc_fallback_routes,  /* hc_static.c: GET /hc/{*}; keep it last */
	NULL,
};
/* clang-format on */

static const char *auth_name(int auth)
{
	switch (auth) {
	case GW_AUTH_NONE:
		return "none";
	case GW_AUTH_USER:
		return "user";
	case GW_AUTH_ADMIN:
		return "admin";
	case GW_AUTH_ANON:
		return "anon";
	case GW_AUTH_AGENT:
		return "agent";
	}
	return "?";
}

int gw_routes_print(FILE *f)
{
	for (size_t t = 0; gw_route_tables[t]; t++)
		for (const gw_route *rt = gw_route_tables[t]; rt->method; rt++)
			if (fprintf(f, "%s %s %s\n", rt->method, rt->pattern,
				    auth_name(rt->auth)) < 0)
				return -1;
	return fflush(f) == 0 ? 0 : -1;
}
