/* Helpers the card and macro endpoints share: the caller's groups, ids
 * from deeper path segments, HTML escaping of stored text. */
#include "gw_kb.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/placeholder.h"
#include "user.pb-c.h"

#include <stdlib.h>
#include <string.h>

int gw_caller_groups(gw *g, gw_req *r, uint64_t *ids, size_t *n, gw_resp *out)
{
	*n = 0;
	if (strcmp(r->who.role, "agent") != 0 &&
	    strcmp(r->who.role, "admin") != 0)
		return HD_OK;
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	Hd__GroupMembershipList *l = NULL;
	q.user_id = r->who.user_id;
	q.size = GW_MAX_GROUPS;
	int rc = gw_call(g, g->intake[0], r, "memberships.list", &q,
			 &hd__group_membership_list__descriptor, (void **)&l,
			 out);
	for (size_t i = 0;
	     !rc && i < l->n_group_memberships && *n < GW_MAX_GROUPS; i++)
		ids[(*n)++] = l->group_memberships[i]->group_id;
	hd__group_membership_list__free_unpacked(l, NULL);
	if (!rc) {
		gw_groups_remember(r->who.user_id, ids, *n);
	} else if (gw_unreachable(rc) &&
		   gw_groups_recall(r->who.user_id, gw_auth_stale_ms(g), ids,
				    n)) {
		/* the directory is down: the groups last read, as for the
		 * credentials that signed this caller in */
		json_decref(out->body);
		out->body = NULL;
		out->status = 0;
		out->retry_after = 0;
		rc = HD_OK;
	}
	return rc;
}

int gw_path_id(gw_req *r, unsigned k, uint64_t *id, gw_resp *out)
{
	const char *p = r->path;
	for (unsigned i = 0; i <= k && p; i++)
		p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL;
	char digits[24];
	size_t n = p ? strcspn(p, "/") : 0;
	if (n && n < sizeof digits) {
		memcpy(digits, p, n);
		digits[n] = '\0';
		if (!hd_parse_u64(digits, id))
			return HD_OK;
	}
	return gw_from_err(out, HD_E_NOTFOUND, "Not found");
}

char *gw_html_escape(const char *text)
{
	static const char tmpl[] = "{{t}}";
	json_t *ctx = json_pack("{s:s}", "t", text);
	hd_buf b;
	hd_buf_init(&b, (size_t)8 << 20);
	int rc = ctx ? hd_placeholder_render(tmpl, sizeof tmpl - 1, ctx,
					     HD_PH_HTML, &b)
		     : HD_E_NOMEM;
	json_decref(ctx);
	char *s = rc ? NULL : hd_buf_detach(&b, NULL);
	hd_buf_release(&b);
	return s ? s : strdup("");
}
