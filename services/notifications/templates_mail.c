/* E-mail templates, one row per event and language, rendered with the one
 * placeholder renderer (hd/placeholder.h): subject and text as text, the
 * HTML part with HTML escaping. The recipient's locale picks the language
 * ("ko…" → Korean, anything else → English; users default to "ko"). */
#include "notifications.h"

#include "hd/err.h"
#include "hd/placeholder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mail_tmpl {
	const char *name, *lang, *subject, *text, *html;
} mail_tmpl;

#define FOOT_KO "\n\n— 하나 데스크"
#define FOOT_EN "\n\n— Hana Desk"
/* Replaced after rendering by the article list (already escaped). */
#define SUGGEST_MARK "<!--hd:suggestions-->"

static const mail_tmpl tmpls[] = {
	{"request_received", "ko",
	 "[요청 #{{ticket.id}}] 접수되었습니다: {{ticket.title}}",
	 "{{recipient.name}}님, 안녕하세요.\n\n요청 \"{{ticket.title}}\"이(가) "
	 "접수되었습니다. 담당자가 곧 "
	 "답변드리겠습니다.{{suggestions_text}}" FOOT_KO,
	 "<p>{{recipient.name}}님, 안녕하세요.</p><p>요청 "
	 "<b>{{ticket.title}}</b>이(가) 접수되었습니다. 담당자가 곧 "
	 "답변드리겠습니다.</p>" SUGGEST_MARK "<p>— 하나 데스크</p>"},
	{"request_received", "en",
	 "[Request #{{ticket.id}}] Received: {{ticket.title}}",
	 "Hello {{recipient.name}},\n\nWe received your request "
	 "\"{{ticket.title}}\". An agent will answer "
	 "soon.{{suggestions_text}}" FOOT_EN,
	 "<p>Hello {{recipient.name}},</p><p>We received your request "
	 "<b>{{ticket.title}}</b>. An agent will answer soon.</p>" SUGGEST_MARK
	 "<p>— Hana Desk</p>"},
	{"request_received_anon", "ko", "[요청 #{{ticket.id}}] 접수되었습니다",
	 "안녕하세요.\n\n요청 #{{ticket.id}}이(가) 접수되었습니다. 담당자가 "
	 "확인 후 답변드리겠습니다. 요청하신 적이 없다면 이 메일을 "
	 "무시하세요." FOOT_KO,
	 "<p>안녕하세요.</p><p>요청 #{{ticket.id}}이(가) 접수되었습니다. "
	 "담당자가 확인 후 답변드리겠습니다. 요청하신 적이 없다면 이 메일을 "
	 "무시하세요.</p><p>— 하나 데스크</p>"},
	{"request_received_anon", "en", "[Request #{{ticket.id}}] Received",
	 "Hello,\n\nWe received request #{{ticket.id}}. An agent will look "
	 "at it. If you did not send it, ignore this mail." FOOT_EN,
	 "<p>Hello,</p><p>We received request #{{ticket.id}}. An agent will "
	 "look at it. If you did not send it, ignore this mail.</p><p>— Hana "
	 "Desk</p>"},
	{"agent_reply", "ko", "[요청 #{{ticket.id}}] {{ticket.title}}",
	 "{{comment.author.name}}님의 답변:\n\n{{comment.body}}" FOOT_KO,
	 "<p>{{comment.author.name}}님의 답변:</p><div "
	 "style=\"white-space:pre-wrap\">{{comment.body}}</div><p>— 하나 "
	 "데스크</p>"},
	{"agent_reply", "en", "[Request #{{ticket.id}}] {{ticket.title}}",
	 "{{comment.author.name}} replied:\n\n{{comment.body}}" FOOT_EN,
	 "<p>{{comment.author.name}} replied:</p><div "
	 "style=\"white-space:pre-wrap\">{{comment.body}}</div><p>— Hana "
	 "Desk</p>"},
	{"assignment", "ko",
	 "[요청 #{{ticket.id}}] 티켓이 배정되었습니다: {{ticket.title}}",
	 "{{recipient.name}}님, 요청 #{{ticket.id}} \"{{ticket.title}}\"이(가) "
	 "배정되었습니다.\n상태: {{ticket.status}}, 요청자: "
	 "{{ticket.requester.name}}" FOOT_KO,
	 "<p>{{recipient.name}}님, 요청 #{{ticket.id}} "
	 "<b>{{ticket.title}}</b>이(가) 배정되었습니다.</p><p>상태: "
	 "{{ticket.status}}, 요청자: {{ticket.requester.name}}</p>"},
	{"assignment", "en",
	 "[Request #{{ticket.id}}] Assigned to you: {{ticket.title}}",
	 "{{recipient.name}}, request #{{ticket.id}} \"{{ticket.title}}\" is "
	 "now assigned to you.\nStatus: {{ticket.status}}, requester: "
	 "{{ticket.requester.name}}" FOOT_EN,
	 "<p>{{recipient.name}}, request #{{ticket.id}} "
	 "<b>{{ticket.title}}</b> is now assigned to you.</p><p>Status: "
	 "{{ticket.status}}, requester: {{ticket.requester.name}}</p>"},
	{"sla_warning", "ko",
	 "[SLA 경고] 요청 #{{ticket.id}} {{sla.metric}} 기한 임박",
	 "요청 #{{ticket.id}} \"{{ticket.title}}\"의 {{sla.metric}} 목표 "
	 "({{sla.policy_title}})가 곧 지납니다: {{sla.breach_at}}" FOOT_KO,
	 "<p>요청 #{{ticket.id}} <b>{{ticket.title}}</b>의 {{sla.metric}} "
	 "목표({{sla.policy_title}})가 곧 지납니다: {{sla.breach_at}}</p>"},
	{"sla_warning", "en",
	 "[SLA warning] Request #{{ticket.id}} {{sla.metric}} due soon",
	 "The {{sla.metric}} target ({{sla.policy_title}}) of request "
	 "#{{ticket.id}} \"{{ticket.title}}\" is due at "
	 "{{sla.breach_at}}." FOOT_EN,
	 "<p>The {{sla.metric}} target ({{sla.policy_title}}) of request "
	 "#{{ticket.id}} <b>{{ticket.title}}</b> is due at "
	 "{{sla.breach_at}}.</p>"},
	{"sla_breached", "ko",
	 "[SLA 위반] 요청 #{{ticket.id}} {{sla.metric}} 기한 초과",
	 "요청 #{{ticket.id}} \"{{ticket.title}}\"의 {{sla.metric}} 목표 "
	 "({{sla.policy_title}})를 지났습니다: {{sla.breach_at}}" FOOT_KO,
	 "<p>요청 #{{ticket.id}} <b>{{ticket.title}}</b>의 {{sla.metric}} "
	 "목표({{sla.policy_title}})를 지났습니다: {{sla.breach_at}}</p>"},
	{"sla_breached", "en",
	 "[SLA breach] Request #{{ticket.id}} {{sla.metric}} overdue",
	 "The {{sla.metric}} target ({{sla.policy_title}}) of request "
	 "#{{ticket.id}} \"{{ticket.title}}\" was due at "
	 "{{sla.breach_at}}." FOOT_EN,
	 "<p>The {{sla.metric}} target ({{sla.policy_title}}) of request "
	 "#{{ticket.id}} <b>{{ticket.title}}</b> was due at "
	 "{{sla.breach_at}}.</p>"},
	{"card_due", "ko", "[지식 카드] 검증 기한이 지났습니다: {{card.title}}",
	 "{{recipient.name}}님, 지식 카드 \"{{card.title}}\" (#{{card.id}})의 "
	 "검증 기한이 지났습니다. 내용을 확인해 주세요." FOOT_KO,
	 "<p>{{recipient.name}}님, 지식 카드 <b>{{card.title}}</b> "
	 "(#{{card.id}})의 검증 기한이 지났습니다. 내용을 확인해 주세요.</p>"},
	{"card_due", "en", "[Knowledge card] Verification due: {{card.title}}",
	 "{{recipient.name}}, the knowledge card \"{{card.title}}\" "
	 "(#{{card.id}}) needs verifying." FOOT_EN,
	 "<p>{{recipient.name}}, the knowledge card <b>{{card.title}}</b> "
	 "(#{{card.id}}) needs verifying.</p>"},
	{"email_verify", "ko", "[하나 데스크] 이메일 주소를 확인해 주세요",
	 "{{recipient.name}}님, 이 주소를 하나 데스크 계정의 이메일로 "
	 "바꾸려면 아래 링크를 여세요. 링크는 한 번만 쓸 수 있습니다.\n\n"
	 "{{verify.url}}\n\n직접 요청하지 않으셨다면 이 메일을 무시하세요; "
	 "아무것도 바뀌지 않습니다." FOOT_KO,
	 "<p>{{recipient.name}}님, 이 주소를 하나 데스크 계정의 이메일로 "
	 "바꾸려면 아래 링크를 여세요. 링크는 한 번만 쓸 수 있습니다.</p>"
	 "<p><a href=\"{{verify.url}}\">{{verify.url}}</a></p><p>직접 요청하지 "
	 "않으셨다면 이 메일을 무시하세요; 아무것도 바뀌지 않습니다.</p>"},
	{"email_verify", "en", "[Hana Desk] Confirm your e-mail address",
	 "{{recipient.name}}, open this link to make this address your Hana "
	 "Desk account's e-mail. It works once.\n\n{{verify.url}}\n\nIf you "
	 "did not ask for this, ignore this mail; nothing changes." FOOT_EN,
	 "<p>{{recipient.name}}, open this link to make this address your "
	 "Hana Desk account's e-mail. It works once.</p><p><a "
	 "href=\"{{verify.url}}\">{{verify.url}}</a></p><p>If you did not ask "
	 "for this, ignore this mail; nothing changes.</p>"},
	{"address_verify", "ko",
	 "[하나 데스크] 지원 주소 확인 [hd-verify:{{address.token}}]",
	 "이 메일은 {{address.email}}을(를) 하나 데스크의 지원 주소로 "
	 "확인하려고 보냈습니다. 이 주소로 온 메일이 하나 데스크로 전달되도록 "
	 "설정되어 있으면 이 메일도 전달되어 주소가 확인됩니다. 따로 할 일은 "
	 "없습니다." FOOT_KO,
	 "<p>이 메일은 {{address.email}}을(를) 하나 데스크의 지원 주소로 "
	 "확인하려고 보냈습니다. 이 주소로 온 메일이 하나 데스크로 전달되도록 "
	 "설정되어 있으면 이 메일도 전달되어 주소가 확인됩니다. 따로 할 일은 "
	 "없습니다.</p>"},
	{"address_verify", "en",
	 "[Hana Desk] Support address check [hd-verify:{{address.token}}]",
	 "This mail checks {{address.email}} as a Hana Desk support address. "
	 "If mail to it is forwarded to Hana Desk, this one is too and the "
	 "address is verified; there is nothing else to do." FOOT_EN,
	 "<p>This mail checks {{address.email}} as a Hana Desk support "
	 "address. If mail to it is forwarded to Hana Desk, this one is too "
	 "and the address is verified; there is nothing else to do.</p>"},
	{"password_reset", "ko", "[하나 데스크] 비밀번호 재설정",
	 "{{recipient.name}}님, 아래 링크를 열어 새 비밀번호를 정하세요. "
	 "링크는 한 번만 쓸 수 있고 곧 만료됩니다.\n\n{{reset.url}}\n\n직접 "
	 "요청하지 않으셨다면 이 메일을 무시하세요; 비밀번호는 "
	 "그대로입니다." FOOT_KO,
	 "<p>{{recipient.name}}님, 아래 링크를 열어 새 비밀번호를 정하세요. "
	 "링크는 한 번만 쓸 수 있고 곧 만료됩니다.</p><p><a "
	 "href=\"{{reset.url}}\">{{reset.url}}</a></p><p>직접 요청하지 "
	 "않으셨다면 이 메일을 무시하세요; 비밀번호는 그대로입니다.</p>"},
	{"password_reset", "en", "[Hana Desk] Reset your password",
	 "{{recipient.name}}, open this link to choose a new password. It "
	 "works once and expires soon.\n\n{{reset.url}}\n\nIf you did not "
	 "ask for this, ignore this mail; your password stays as it "
	 "is." FOOT_EN,
	 "<p>{{recipient.name}}, open this link to choose a new password. It "
	 "works once and expires soon.</p><p><a "
	 "href=\"{{reset.url}}\">{{reset.url}}</a></p><p>If you did not ask "
	 "for this, ignore this mail; your password stays as it is.</p>"},
	{"signin_link", "ko", "[하나 데스크] 로그인 링크",
	 "{{recipient.name}}님, 아래 링크를 열면 고객 센터에 로그인됩니다. "
	 "링크는 한 번만 쓸 수 있고 곧 만료됩니다.\n\n{{signin.url}}\n\n"
	 "직접 요청하지 않으셨다면 이 메일을 무시하세요." FOOT_KO,
	 "<p>{{recipient.name}}님, 아래 링크를 열면 고객 센터에 로그인됩니다. "
	 "링크는 한 번만 쓸 수 있고 곧 만료됩니다.</p><p><a "
	 "href=\"{{signin.url}}\">{{signin.url}}</a></p><p>직접 요청하지 "
	 "않으셨다면 이 메일을 무시하세요.</p>"},
	{"signin_link", "en", "[Hana Desk] Your sign-in link",
	 "{{recipient.name}}, open this link to sign in to the help center. "
	 "It works once and expires soon.\n\n{{signin.url}}\n\nIf you did "
	 "not ask for this, ignore this mail." FOOT_EN,
	 "<p>{{recipient.name}}, open this link to sign in to the help "
	 "center. It works once and expires soon.</p><p><a "
	 "href=\"{{signin.url}}\">{{signin.url}}</a></p><p>If you did not "
	 "ask for this, ignore this mail.</p>"},
	{"email_in_use", "ko", "[하나 데스크] 이메일 주소 변경 요청",
	 "누군가 이 주소를 다른 하나 데스크 계정의 이메일로 쓰려고 했지만, 이 "
	 "주소는 이미 다른 계정에서 쓰고 있어 바꾸지 않았습니다. 직접 "
	 "요청하지 않으셨다면 이 메일을 무시하세요." FOOT_KO,
	 "<p>누군가 이 주소를 다른 하나 데스크 계정의 이메일로 쓰려고 했지만, "
	 "이 주소는 이미 다른 계정에서 쓰고 있어 바꾸지 않았습니다. 직접 "
	 "요청하지 않으셨다면 이 메일을 무시하세요.</p>"},
	{"email_in_use", "en", "[Hana Desk] E-mail change request",
	 "Someone asked to use this address for another Hana Desk account. It "
	 "already belongs to an account, so nothing was changed. If this was "
	 "not you, ignore this mail." FOOT_EN,
	 "<p>Someone asked to use this address for another Hana Desk account. "
	 "It already belongs to an account, so nothing was changed. If this "
	 "was not you, ignore this mail.</p>"},
};

static const mail_tmpl *find(const char *name, const char *locale)
{
	const char *lang =
		strncmp(locale, "ko", 2) == 0 || !locale[0] ? "ko" : "en";
	for (size_t i = 0; i < sizeof tmpls / sizeof tmpls[0]; i++)
		if (strcmp(tmpls[i].name, name) == 0 &&
		    strcmp(tmpls[i].lang, lang) == 0)
			return &tmpls[i];
	return NULL;
}

static int set_str(char **field, hd_buf *b)
{
	size_t len;
	char *s = hd_buf_detach(b, &len);
	if (!s && !(s = strdup("")))
		return HD_E_NOMEM;
	if (*field && *field != protobuf_c_empty_string)
		free(*field);
	*field = s;
	return HD_OK;
}

static int render(const char *tmpl, const json_t *ctx, hd_ph_escape esc,
		  char **field)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 20);
	int rc = hd_placeholder_render(tmpl, strlen(tmpl), ctx, esc, &b);
	if (!rc)
		rc = set_str(field, &b);
	hd_buf_release(&b);
	return rc;
}

/* The article suggestions kb.suggested left for this ticket, as text (into
 * ctx) and as escaped HTML (returned, malloc'd). */
static char *suggestions(notify *n, hd_txn *t, uint64_t ticket_id, int korean,
			 json_t *ctx)
{
	Hd__KbSuggested *s = NULL;
	hd_buf text, html;
	hd_buf_init(&text, 64 * 1024);
	hd_buf_init(&html, 64 * 1024);
	if (notify_get_pb_u64(t, n->suggestions, ticket_id,
			      &hd__kb_suggested__descriptor,
			      (void **)&s) == HD_OK &&
	    s->n_suggestions) {
		hd_buf_puts(&text, korean ? "\n\n도움이 될 만한 도움말:\n"
					  : "\n\nArticles that may help:\n");
		hd_buf_puts(&html,
			    korean ? "<p>도움이 될 만한 도움말:</p><ul>"
				   : "<p>Articles that may help:</p><ul>");
		for (size_t i = 0; i < s->n_suggestions && i < 5; i++) {
			/* Knowledge names the page by its path. */
			const char *path = s->suggestions[i]->html_url;
			char url[700];
			if (path[0] == '/')
				notify_public_link(n, path, "", url,
						   sizeof url);
			else
				snprintf(url, sizeof url, "%s", path);
			json_t *a =
				json_pack("{s:{s:s, s:s}}", "a", "title",
					  s->suggestions[i]->title, "url", url);
			static const char tl[] = "- {{a.title}} {{a.url}}\n";
			static const char hl[] =
				"<li><a "
				"href=\"{{a.url}}\">{{a.title}}</a></li>";
			hd_placeholder_render(tl, sizeof tl - 1, a, HD_PH_TEXT,
					      &text);
			hd_placeholder_render(hl, sizeof hl - 1, a, HD_PH_HTML,
					      &html);
			json_decref(a);
		}
		hd_buf_puts(&html, "</ul>");
	}
	hd__kb_suggested__free_unpacked(s, NULL);
	json_object_set_new(ctx, "suggestions_text",
			    json_string(text.data ? text.data : ""));
	hd_buf_release(&text);
	size_t len;
	char *out = hd_buf_detach(&html, &len);
	return out ? out : strdup("");
}

/* Put the rendered list where the template marked it. */
static int splice(char **html, const char *list)
{
	char *at = strstr(*html, SUGGEST_MARK);
	if (!at)
		return HD_OK;
	hd_buf b;
	hd_buf_init(&b, (size_t)2 << 20);
	hd_buf_append(&b, *html, (size_t)(at - *html));
	hd_buf_puts(&b, list);
	int rc = hd_buf_puts(&b, at + strlen(SUGGEST_MARK));
	if (!rc)
		rc = set_str(html, &b);
	hd_buf_release(&b);
	return rc;
}

/* A trigger's own subject and body (as the rule wrote them). */
static int render_rule(json_t *ctx, Hd__Delivery *d)
{
	json_t *rule = json_object_get(ctx, "rule");
	const char *subj = json_string_value(json_object_get(rule, "subject"));
	const char *body = json_string_value(json_object_get(rule, "body"));
	int rc = render(subj ? subj : "", ctx, HD_PH_TEXT, &d->subject);
	if (!rc)
		rc = render(body ? body : "", ctx, HD_PH_TEXT, &d->text);
	if (rc)
		return rc;
	/* The HTML part is the rendered text, escaped as a whole. */
	json_t *wrap = json_pack("{s:s}", "t", d->text);
	static const char h[] =
		"<div style=\"white-space:pre-wrap\">{{t}}</div>";
	rc = wrap ? HD_OK : HD_E_NOMEM;
	if (!rc)
		rc = render(h, wrap, HD_PH_HTML, &d->html);
	json_decref(wrap);
	return rc;
}

int notify_mail_render(notify *n, hd_txn *t, Hd__Delivery *d)
{
	json_t *ctx = notify_ticket_context(n, t, d->ticket_id);
	json_t *vars =
		d->vars_json[0] ? json_loads(d->vars_json, 0, NULL) : NULL;
	char *list = NULL;
	int rc = HD_OK;
	if (json_is_object(vars))
		json_object_update(ctx, vars);
	json_object_set_new(ctx, "recipient",
			    json_pack("{s:s, s:s}", "name", d->mail_to_name,
				      "email", d->mail_to));
	if (strcmp(d->template_, "rule") == 0) {
		rc = render_rule(ctx, d);
		goto out;
	}
	const mail_tmpl *m = find(d->template_, d->locale);
	if (!m) {
		rc = HD_E_INVALID;
		goto out;
	}
	list = suggestions(n, t, d->ticket_id, strcmp(m->lang, "ko") == 0, ctx);
	rc = render(m->subject, ctx, HD_PH_TEXT, &d->subject);
	if (!rc)
		rc = render(m->text, ctx, HD_PH_TEXT, &d->text);
	if (!rc)
		rc = render(m->html, ctx, HD_PH_HTML, &d->html);
	if (!rc)
		rc = splice(&d->html, list ? list : "");
out:
	free(list);
	json_decref(vars);
	json_decref(ctx);
	return rc;
}
