/* The customers' own pages' words, Korean and English (hc_strings.c lists
 * this table), and the API's validation messages in the visitor's
 * language. */
#include "portal.h"

#include "hd/vocab.h"

#include <stdio.h>
#include <string.h>

const hc_string gw_pt_strings[] = {
	/* sign-in */
	{"pt.signin.title", "로그인", "Sign in"},
	{"pt.signin.link_h", "이메일로 로그인 링크 받기",
	 "Get a sign-in link by e-mail"},
	{"pt.signin.link_help",
	 "계정이 있는 주소라면 한 번만 쓸 수 있는 로그인 링크를 보내 드립니다.",
	 "If the address has an account, we will mail it a link that signs "
	 "you in once."},
	{"pt.signin.email", "이메일", "E-mail"},
	{"pt.signin.send", "로그인 링크 보내기", "Send me a link"},
	{"pt.signin.sent",
	 "계정이 있는 주소라면 로그인 링크를 보냈습니다. 메일함을 확인하세요.",
	 "If the address has an account, a sign-in link is on its way. Check "
	 "your inbox."},
	{"pt.signin.pw_h", "비밀번호로 로그인", "Sign in with a password"},
	{"pt.signin.password", "비밀번호", "Password"},
	{"pt.signin.submit", "로그인", "Sign in"},
	{"pt.signin.wrong", "이메일 주소 또는 비밀번호가 틀렸습니다.",
	 "The e-mail address or password is wrong."},
	{"pt.signin.missing", "이메일과 비밀번호를 입력하세요.",
	 "Enter your e-mail address and password."},
	{"pt.signin.limited",
	 "로그인 시도가 너무 많습니다. 잠시 후 다시 시도하세요.",
	 "Too many attempts. Please try again later."},
	{"pt.signin.confirm_title", "로그인 확인", "Confirm sign-in"},
	{"pt.signin.confirm_text", "아래 버튼을 누르면 로그인됩니다.",
	 "Press the button below to sign in."},
	{"pt.signin.bad_link",
	 "로그인 링크가 잘못되었거나, 만료되었거나, 이미 사용되었습니다.",
	 "This sign-in link is invalid, expired or already used."},
	{"pt.signin.again", "새 로그인 링크 받기", "Get a new sign-in link"},
	{"pt.signin.signed_in_as", "로그인한 사용자:", "Signed in as"},
	{"pt.signout", "로그아웃", "Sign out"},
	/* the request form */
	{"pt.form.title", "문의하기", "Submit a request"},
	{"pt.form.intro", "제목을 입력하면 관련 도움말을 먼저 보여 드립니다.",
	 "As you type the subject, we show articles that may answer it."},
	{"pt.form.which", "문의 유형", "Request type"},
	{"pt.form.change", "유형 바꾸기", "Change"},
	{"pt.form.email", "이메일", "Your e-mail address"},
	{"pt.form.name", "이름", "Your name"},
	{"pt.form.subject", "제목", "Subject"},
	{"pt.form.description", "내용", "Description"},
	{"pt.form.attachments", "첨부 파일", "Attachments"},
	{"pt.form.submit", "문의 보내기", "Submit"},
	{"pt.form.check", "관련 도움말 먼저 보기", "Check articles first"},
	{"pt.form.suggest_h", "이 도움말로 해결될 수도 있습니다",
	 "These articles may answer your question"},
	{"pt.form.suggest_none", "관련 도움말을 찾지 못했습니다.",
	 "No matching articles found."},
	{"pt.form.solved", "이 글로 해결되었어요", "This solved my problem"},
	{"pt.form.resolved_title", "해결되어 다행입니다", "Glad that helped"},
	{"pt.form.resolved_text",
	 "문의는 접수되지 않았습니다. 다른 궁금한 점이 있으면 언제든 "
	 "문의하세요.",
	 "No request was filed. If anything else comes up, we are here."},
	{"pt.form.required", "(필수)", "(required)"},
	{"pt.form.choose", "선택하세요", "Choose…"},
	{"pt.form.anon_off", "문의를 남기려면 먼저 로그인하세요.",
	 "Please sign in to submit a request."},
	{"pt.form.sent_title", "문의가 접수되었습니다",
	 "Your request was received"},
	{"pt.form.sent_verify",
	 "입력하신 주소로 메일을 보냈습니다. 메일의 링크로 주소를 확인하면 "
	 "문의를 보고 답할 수 있습니다.",
	 "We sent a mail to your address. Open its link to confirm the "
	 "address; "
	 "then you can see and answer your request."},
	{"pt.form.view", "문의 보기", "View your request"},
	{"pt.form.errors", "표시된 항목을 확인해 주세요.",
	 "Please check the fields marked below."},
	{"pt.form.honeypot", "이 칸은 비워 두세요", "Leave this empty"},
	/* validation messages */
	{"pt.err.required", "필수 항목입니다.", "This field is required."},
	{"pt.err.option", "목록에 있는 값을 고르세요.",
	 "Choose one of the options."},
	{"pt.err.date", "2021-04-16 같은 날짜를 입력하세요.",
	 "Enter a date like 2021-04-16."},
	{"pt.err.integer", "정수를 입력하세요.", "Enter a whole number."},
	{"pt.err.decimal", "숫자를 입력하세요.", "Enter a number."},
	{"pt.err.pattern", "형식이 맞지 않습니다.",
	 "This is not in the expected format."},
	{"pt.err.too_long", "너무 깁니다.", "This is too long."},
	{"pt.err.subject_long", "제목은 255자 이하로 입력하세요.",
	 "The subject must be at most 255 characters."},
	{"pt.err.blank", "내용을 입력하세요.", "Please describe your request."},
	{"pt.err.email", "올바른 이메일 주소를 입력하세요.",
	 "Enter a valid e-mail address."},
	{"pt.err.name", "이름과 이메일을 입력하세요.",
	 "Enter your name and e-mail address."},
	{"pt.err.upload", "첨부 파일을 올리지 못했습니다.",
	 "The attachment could not be uploaded."},
	{"pt.err.not_settable", "이 항목은 바꿀 수 없습니다.",
	 "This field cannot be set."},
	{"pt.err.form", "이 문의 유형은 쓸 수 없습니다.",
	 "This request type is not available."},
	{"pt.err.bad_form", "보내신 양식을 읽을 수 없습니다",
	 "The form could not be read"},
	{"pt.requests.pages", "페이지", "Pages"},
	{"pt.err.busy", "잠시 후 다시 시도해 주세요.",
	 "Please try again in a moment."},
	/* my requests */
	{"pt.requests.title", "내 문의", "My requests"},
	{"pt.requests.none", "아직 문의가 없습니다.", "No requests yet."},
	{"pt.requests.id", "번호", "ID"},
	{"pt.requests.subject", "제목", "Subject"},
	{"pt.requests.status", "상태", "Status"},
	{"pt.requests.updated", "최근 활동", "Last activity"},
	{"pt.requests.relation", "관계", "Relation"},
	{"pt.requests.mine", "내가 요청", "Mine"},
	{"pt.requests.ccd", "참조", "CC'd"},
	{"pt.requests.org", "우리 조직", "My organization"},
	{"pt.requests.newer", "이전 페이지", "Previous page"},
	{"pt.requests.older", "다음 페이지", "Next page"},
	{"pt.request.title", "문의", "Request"},
	{"pt.request.conversation", "대화", "Conversation"},
	{"pt.request.you", "나", "You"},
	{"pt.request.requester", "요청자", "Requester"},
	{"pt.request.support", "상담원", "Support"},
	{"pt.request.cc", "참조인", "CC"},
	{"pt.request.reply", "답장", "Reply"},
	{"pt.request.send", "보내기", "Send"},
	{"pt.request.solve", "이 문의를 해결됨으로 표시",
	 "Mark this request as solved"},
	{"pt.request.closed",
	 "이 문의는 종료되었습니다. 더 필요한 것이 있으면 새로 문의해 주세요.",
	 "This request is closed. If you need more help, please submit a new "
	 "request."},
	{"pt.request.files", "첨부 파일", "Attachments"},
	{"pt.request.back", "내 문의 목록", "Back to my requests"},
	/* statuses as customers see them (hold reads as open, as Zendesk
	 * shows it) */
	{"pt.status.new", "접수됨", "Open"},
	{"pt.status.open", "처리 중", "Open"},
	{"pt.status.pending", "회신 대기", "Awaiting your reply"},
	{"pt.status.hold", "처리 중", "Open"},
	{"pt.status.solved", "해결됨", "Solved"},
	{"pt.status.closed", "종료됨", "Closed"},
	{NULL, NULL, NULL},
};

/* intake's "why"s (after "<field>: ") → our keys. */
static const struct {
	const char *why, *key;
} whys[] = {
	{"is required", "pt.err.required"},
	{"is not one of the field's options", "pt.err.option"},
	{"holds a value that is not one of the field's options",
	 "pt.err.option"},
	{"must be a date like 2021-04-16", "pt.err.date"},
	{"must be an integer", "pt.err.integer"},
	{"must be a decimal number", "pt.err.decimal"},
	{"does not match the field's pattern", "pt.err.pattern"},
	{"is too long or not valid UTF-8", "pt.err.too_long"},
	{"is too long or not UTF-8", "pt.err.too_long"},
	{"is longer than 255 characters", "pt.err.subject_long"},
	{"cannot be blank", "pt.err.blank"},
	{"is not a field end-users may set", "pt.err.not_settable"},
	{"is not a ticket form end-users may use", "pt.err.form"},
	{"the e-mail is not valid", "pt.err.email"},
	{"anonymous requests need {\"name\":\"…\",\"email\":\"…\"}",
	 "pt.err.name"},
};

const char *gw_pt_why(const char *locale, const char *description, char *buf,
		      size_t cap)
{
	const char *why = description;
	const char *colon = strstr(description, ": ");
	if (colon)
		why = colon + 2;
	for (size_t i = 0; i < sizeof whys / sizeof whys[0]; i++)
		if (strcmp(why, whys[i].why) == 0)
			return hc_str(locale, whys[i].key);
	snprintf(buf, cap, "%s", description);
	return buf;
}

const char *gw_pt_status(const char *locale, const char *status)
{
	static const char *const keys[] = {
		"pt.status.new",  "pt.status.open",   "pt.status.pending",
		"pt.status.hold", "pt.status.solved", "pt.status.closed"};
	int rank = hd_status_rank(status);
	return rank < 0 ? status : hc_str(locale, keys[rank]);
}
