/* The e-mail templates shipped with Hana Desk, one row per template and
 * language. They are version 1 of each stored template (templates_store.c
 * writes them at first start); after that admins edit the stored copies
 * and these texts are only the fallback of a template nobody stored. */
#include "templates.h"

#include <string.h>

#define FOOT_KO "\n\n— 하나 데스크"
#define FOOT_EN "\n\n— Hana Desk"

static const notify_builtin tmpls[] = {
	{"request_received", "ko",
	 "[요청 #{{ticket.id}}] 접수되었습니다: {{ticket.title}}",
	 "{{recipient.name}}님, 안녕하세요.\n\n요청 #{{ticket.id|이가}} "
	 "접수되었습니다: {{ticket.title}}\n담당자가 곧 "
	 "답변드리겠습니다.{{suggestions_text}}" FOOT_KO,
	 "<p>{{recipient.name}}님, 안녕하세요.</p><p>요청 "
	 "#{{ticket.id|이가}} 접수되었습니다: "
	 "<b>{{ticket.title}}</b><br>담당자가 "
	 "곧 답변드리겠습니다.</p>" SUGGEST_MARK "<p>— 하나 데스크</p>"},
	{"request_received", "en",
	 "[Request #{{ticket.id}}] Received: {{ticket.title}}",
	 "Hello {{recipient.name}},\n\nWe received your request "
	 "\"{{ticket.title}}\". An agent will answer "
	 "soon.{{suggestions_text}}" FOOT_EN,
	 "<p>Hello {{recipient.name}},</p><p>We received your request "
	 "<b>{{ticket.title}}</b>. An agent will answer soon.</p>" SUGGEST_MARK
	 "<p>— Hana Desk</p>"},
	{"request_received_anon", "ko", "[요청 #{{ticket.id}}] 접수되었습니다",
	 "안녕하세요.\n\n요청 #{{ticket.id|이가}} 접수되었습니다. 담당자가 "
	 "확인 후 답변드리겠습니다. 요청하신 적이 없다면 이 메일을 "
	 "무시하세요." FOOT_KO,
	 "<p>안녕하세요.</p><p>요청 #{{ticket.id|이가}} 접수되었습니다. "
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
	{"csat_survey", "ko", "[요청 #{{ticket.id}}] 상담은 만족스러우셨나요?",
	 "{{recipient.name}}님, 안녕하세요.\n\n요청 #{{ticket.id|이가}} "
	 "해결되었습니다: {{ticket.title}}\n상담은 만족스러우셨나요? 아래 링크 "
	 "하나를 눌러 알려 주세요.\n\n좋았어요: {{csat.good_url}}\n"
	 "아쉬웠어요: {{csat.bad_url}}\n\n링크는 이 요청에만, 한 번만 쓸 수 "
	 "있습니다." FOOT_KO,
	 "<p>{{recipient.name}}님, 안녕하세요.</p><p>요청 #{{ticket.id|이가}} "
	 "해결되었습니다: <b>{{ticket.title}}</b></p><p>상담은 "
	 "만족스러우셨나요? 아래 링크 하나를 눌러 알려 주세요.</p><p><a "
	 "href=\"{{csat.good_url}}\">👍 좋았어요</a> &nbsp; <a "
	 "href=\"{{csat.bad_url}}\">👎 아쉬웠어요</a></p><p>링크는 이 "
	 "요청에만, 한 번만 쓸 수 있습니다.</p><p>— 하나 데스크</p>"},
	{"csat_survey", "en", "[Request #{{ticket.id}}] How did we do?",
	 "Hello {{recipient.name}},\n\nRequest #{{ticket.id}} "
	 "\"{{ticket.title}}\" is solved. How was the help you got? One "
	 "click tells us:\n\nGood: {{csat.good_url}}\nBad: "
	 "{{csat.bad_url}}\n\nThe links work once, for this request "
	 "only." FOOT_EN,
	 "<p>Hello {{recipient.name}},</p><p>Request #{{ticket.id}} "
	 "<b>{{ticket.title}}</b> is solved. How was the help you got? One "
	 "click tells us:</p><p><a href=\"{{csat.good_url}}\">👍 Good, I'm "
	 "satisfied</a> &nbsp; <a href=\"{{csat.bad_url}}\">👎 Bad, I'm "
	 "unsatisfied</a></p><p>The links work once, for this request "
	 "only.</p><p>— Hana Desk</p>"},
};

#define NTMPLS (sizeof tmpls / sizeof tmpls[0])

const notify_builtin *notify_builtin_at(size_t i)
{
	return i < NTMPLS ? &tmpls[i] : NULL;
}

const char *notify_template_lang(const char *locale)
{
	return !locale || !locale[0] || strncmp(locale, "ko", 2) == 0 ? "ko"
								      : "en";
}

const notify_builtin *notify_builtin_find(const char *name, const char *lang)
{
	for (size_t i = 0; i < NTMPLS; i++)
		if (strcmp(tmpls[i].name, name) == 0 &&
		    strcmp(tmpls[i].lang, lang) == 0)
			return &tmpls[i];
	return NULL;
}
