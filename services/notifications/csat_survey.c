/* The satisfaction survey: when a ticket becomes solved and the "csat"
 * settings (settings.c) say so for its channel and group, its requester
 * gets the csat_survey mail after the delay, with two signed one-click
 * links (hd/csat_link.h) to /hc/{ko|en}/satisfaction/{token}?score=…
 * under HD_PUBLIC_URL. A chat or voice requester gets it too when intake
 * knows an address; someone without one gets nothing. The links expire
 * link_days after the mail goes out; intake takes each once. */
#include "templates.h"

#include "hd/clock.h"
#include "hd/csat_link.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/vocab.h"

#include <stdio.h>
#include <string.h>

typedef struct survey_rule {
	bool on;
	int64_t delay_min, link_days;
} survey_rule;

static bool listed(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* What the settings say for tk: the channel must be listed; a group rule
 * may turn it off or change the delay. No settings: no survey. */
static survey_rule rule_for(const Hd__CsatSettings *c, const Hd__Ticket *tk)
{
	survey_rule r = {0};
	if (!c)
		return r;
	r.on = c->enabled &&
	       listed(c->channels, c->n_channels,
		      tk->via_channel[0] ? tk->via_channel : "api");
	r.delay_min = c->delay_minutes;
	r.link_days = c->link_days;
	for (size_t i = 0; i < c->n_groups; i++) {
		const Hd__CsatGroupRule *g = c->groups[i];
		if ((uint64_t)g->group_id != tk->group_id)
			continue;
		if (!g->enabled)
			r.on = false;
		if (g->has_delay)
			r.delay_min = g->delay_minutes;
	}
	return r;
}

static void link_url(notify *n, const char *lang, const char *token,
		     const char *score, char *out, size_t cap)
{
	size_t base = strlen(n->cfg.public_url);
	while (base && n->cfg.public_url[base - 1] == '/')
		base--;
	snprintf(out, cap, "%.*s/hc/%s/satisfaction/%s%s%s", (int)base,
		 n->cfg.public_url, lang, token, score ? "?score=" : "",
		 score ? score : "");
}

static int queue_survey(notify *n, hd_txn *t, const Hd__Ticket *tk,
			const survey_rule *r)
{
	Hd__User *u = NULL;
	if (notify_get_pb_u64(t, n->users, tk->requester_id,
			      &hd__user__descriptor, (void **)&u) ||
	    !u->email[0]) {
		hd__user__free_unpacked(u, NULL);
		return HD_OK; /* no address known: nobody to ask */
	}
	const char *lang = notify_template_lang(u->locale);
	hd__user__free_unpacked(u, NULL);
	int64_t delay_ms = r->delay_min * 60 * 1000;
	hd_csat_link l = {
		.ticket_id = tk->id,
		.requester_id = tk->requester_id,
		.expires =
			(hd_now_ms() + delay_ms) / 1000 + r->link_days * 86400,
	};
	char token[HD_CSAT_LINK_MAX], url[700], good[720], badu[720];
	int rc = hd_csat_link_make(&l, token);
	if (rc) {
		hd_warn("notify.csat_no_key", "ticket=%llu",
			(unsigned long long)tk->id);
		return HD_OK; /* no cluster key: no survey, not a stuck bus */
	}
	link_url(n, lang, token, NULL, url, sizeof url);
	link_url(n, lang, token, "good", good, sizeof good);
	link_url(n, lang, token, "bad", badu, sizeof badu);
	json_t *vars = json_pack("{s:{s:s, s:s, s:s}}", "csat", "url", url,
				 "good_url", good, "bad_url", badu);
	return notify_mail_user(n, t, tk->requester_id, tk->id, "csat_survey",
				vars, (uint64_t)delay_ms);
}

int notify_csat_on_ticket(notify *n, hd_txn *t, const Hd__Ticket *tk,
			  const Hd__Ticket *old, bool anon)
{
	if (hd_status_of(tk->status) != HD__TICKET_STATUS__STATUS_SOLVED ||
	    !tk->requester_id || anon ||
	    (old &&
	     hd_status_of(old->status) == HD__TICKET_STATUS__STATUS_SOLVED))
		return HD_OK;
	Hd__NotifySettings *s = notify_settings(n, t, "csat");
	survey_rule r = rule_for(s ? s->csat : NULL, tk);
	hd__notify_settings__free_unpacked(s, NULL);
	return r.on ? queue_survey(n, t, tk, &r) : HD_OK;
}
