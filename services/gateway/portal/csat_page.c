/* The satisfaction survey page, /hc/{locale}/satisfaction/{token}: where a
 * survey mail's one-click link leads (notifications' csat_survey.c). The
 * token is the visitor's only credential; intake checks it
 * (tickets.rate_link). GET changes nothing: it shows the score the link
 * chose, pre-selected, with an optional comment and reason and a button
 * that POSTs the form; POST records the rating (once). A link that is not
 * ours or not for its ticket answers 404, an expired one 410, a used one
 * 409, a ticket no longer solved 409 — each with a page saying so. */
#include "gw_mail_admin.h"
#include "gw_tickets.h"
#include "gw_webhooks.h"
#include "hc_page.h"

#include "hd/cfg.h"
#include "hd/clock.h"
#include "hd/csat_link.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMMENT 65536

const hc_string hc_csat_strings[] = {
	{"csat.title", "상담 만족도 평가", "Rate the help you got"},
	{"csat.request", "요청", "Request"},
	{"csat.question", "상담은 어떠셨나요?", "How was the help you got?"},
	{"csat.legend", "만족도", "Your rating"},
	{"csat.good", "좋았어요 (만족)", "Good, I'm satisfied"},
	{"csat.bad", "아쉬웠어요 (불만족)", "Bad, I'm unsatisfied"},
	{"csat.comment", "의견 (선택)", "Comment (optional)"},
	{"csat.reason", "아쉬웠던 이유 (선택)", "Reason, if bad (optional)"},
	{"csat.submit", "평가 보내기", "Send my rating"},
	{"csat.confirm", "아래 버튼을 눌러야 평가가 저장됩니다.",
	 "Your rating is saved when you press the button below."},
	{"csat.need_score", "좋았는지 아쉬웠는지 골라 주세요.",
	 "Please choose good or bad."},
	{"csat.too_long", "의견이 너무 깁니다 (64 KiB까지).",
	 "The comment is too long (64 KiB at most)."},
	{"csat.thanks", "평가해 주셔서 감사합니다",
	 "Thank you for your rating"},
	{"csat.thanks_good", "좋은 평가를 남겨 주셔서 감사합니다.",
	 "We're glad we could help."},
	{"csat.thanks_bad",
	 "알려 주셔서 감사합니다. 더 나은 상담을 위해 의견을 살펴보겠습니다.",
	 "Thank you for telling us. We'll look into how to do better."},
	{"csat.invalid", "유효하지 않은 평가 링크입니다",
	 "This rating link is not valid"},
	{"csat.invalid_more",
	 "링크가 잘렸거나 바뀌었을 수 있습니다. 받으신 메일의 링크를 그대로 "
	 "열어 주세요.",
	 "The link may be cut short or changed. Please open the link from "
	 "your e-mail as it is."},
	{"csat.expired", "평가 기간이 지난 링크입니다",
	 "This rating link has expired"},
	{"csat.expired_more", "평가 링크는 정해진 기간 동안만 쓸 수 있습니다.",
	 "Rating links work for a limited time only."},
	{"csat.used", "이미 사용한 평가 링크입니다",
	 "This rating link was already used"},
	{"csat.used_more",
	 "평가는 링크마다 한 번만 할 수 있습니다. 이미 보내 주신 평가가 "
	 "저장되어 있습니다.",
	 "Each link works once; the rating you sent is saved."},
	{"csat.reopened", "지금은 평가할 수 없는 요청입니다",
	 "This request cannot be rated now"},
	{"csat.reopened_more",
	 "요청이 다시 열려 처리 중입니다. 해결된 뒤 다시 평가해 주세요.",
	 "The request was reopened and is being worked on."},
	{"csat.reason.0", "선택 안 함", "No reason given"},
	{"csat.reason.5", "해결까지 너무 오래 걸렸어요",
	 "The issue took too long to resolve"},
	{"csat.reason.6", "문제가 해결되지 않았어요",
	 "The issue was not resolved"},
	{"csat.reason.7", "상담원의 지식이 부족했어요",
	 "The agent's knowledge is unsatisfactory"},
	{"csat.reason.8", "상담원의 태도가 아쉬웠어요",
	 "The agent's attitude was unsatisfactory"},
	{"csat.reason.100", "기타", "Some other reason"},
	{NULL, NULL, NULL},
};

/* Zendesk's reason codes, in the order the page lists them. */
static const int reasons[] = {0, 5, 6, 7, 8, 100};

/* The outcome of asking intake. */
typedef struct verdict {
	int rc; /* HD_OK, or the refusal */
	char field[64];
	Hd__Ticket *tk; /* on HD_OK */
} verdict;

static int ask(gw *g, gw_req *r, const char *token, Hd__RateRequest *w,
	       verdict *v, gw_resp *out)
{
	hd_csat_link l;
	hd_csat_verdict ok = hd_csat_link_check(token, hd_now_ms() / 1000, &l);
	hd_rpc_client *c =
		ok == HD_CSAT_LINK_OK ? gw_ticket_shard(g, l.ticket_id) : NULL;
	memset(v, 0, sizeof *v);
	/* A link that is not ours, or expired, costs intake nothing; intake
	 * checks again (and knows which were used). */
	if (ok == HD_CSAT_LINK_EXPIRED) {
		v->rc = HD_E_INVALID;
		snprintf(v->field, sizeof v->field, "expires");
		return HD_OK;
	}
	if (!c) {
		v->rc = HD_E_FORBIDDEN;
		return HD_OK;
	}
	w->token = (char *)token;
	w->id = l.ticket_id;
	hd_buf b;
	hd_buf_init(&b, 1 << 20);
	int rc = hd_pb_pack(&b, w);
	hd_principal nobody = {0}; /* the token is the credential */
	hd_rpc_result res = {0};
	if (!rc)
		rc = gw_rpc(g, c, r, "tickets.rate_link", b.data, b.len,
			    &nobody, &res, out);
	hd_buf_release(&b);
	if (rc)
		return rc; /* out holds the 503 */
	v->rc = res.rc;
	snprintf(v->field, sizeof v->field, "%s", res.field);
	if (!res.rc) {
		Hd__TicketWriteReply *rep = hd__ticket_write_reply__unpack(
			NULL, res.len, res.payload);
		if (rep) {
			v->tk = rep->ticket;
			rep->ticket = NULL;
		}
		hd__ticket_write_reply__free_unpacked(rep, NULL);
	}
	hd_rpc_result_release(&res);
	return HD_OK;
}

static void page_start(gw_req *r, hc_page *p, hd_buf *b, const char *loc,
		       const char *title, const char *path)
{
	*p = (hc_page){.locale = loc,
		       .title = title,
		       .path = path,
		       .noindex = 1,
		       .css = "csat.css"};
	hc_page_init(b);
	hc_page_open(r, p, b);
	hd_buf_puts(b, "<h1>");
	hc_esc(b, title);
	hd_buf_puts(b, "</h1>\n");
}

/* The page of a refused link. */
static int refused(gw_req *r, gw_resp *out, const char *loc, const verdict *v,
		   const char *path)
{
	const char *key = "csat.invalid", *more = "csat.invalid_more";
	unsigned status = 404;
	if (v->rc == HD_E_CONFLICT) {
		key = "csat.used";
		more = "csat.used_more";
		status = 409;
	} else if (v->rc == HD_E_INVALID && strcmp(v->field, "expires") == 0) {
		key = "csat.expired";
		more = "csat.expired_more";
		status = 410;
	} else if (v->rc == HD_E_INVALID && strcmp(v->field, "status") == 0) {
		key = "csat.reopened";
		more = "csat.reopened_more";
		status = 409;
	} else if (v->rc != HD_E_FORBIDDEN && v->rc != HD_E_NOTFOUND) {
		return hc_error_page(r, out, loc,
				     v->rc == HD_E_UNAVAILABLE ? 503 : 500);
	}
	hc_page p;
	hd_buf b;
	page_start(r, &p, &b, loc, hc_str(loc, key), path);
	hd_buf_puts(&b, "<p class=\"hc-notice\" role=\"alert\">");
	hc_esc(&b, hc_str(loc, more));
	hd_buf_printf(&b, "</p>\n<p><a href=\"/hc/%s/\">", loc);
	hc_esc(&b, hc_str(loc, "error.home"));
	hd_buf_puts(&b, "</a></p>\n");
	hc_page_close(r, &p, &b);
	return hc_reply(out, status, &b);
}

static void score_choice(hd_buf *b, const char *loc, const char *score,
			 const char *chosen)
{
	char key[32];
	snprintf(key, sizeof key, "csat.%s", score);
	hd_buf_printf(b,
		      "<label><input type=\"radio\" name=\"score\" "
		      "value=\"%s\" required%s> ",
		      score,
		      chosen && strcmp(chosen, score) == 0 ? " checked" : "");
	hc_esc(b, hc_str(loc, key));
	hd_buf_puts(b, "</label>\n");
}

static void reason_select(hd_buf *b, const char *loc, int chosen)
{
	hd_buf_puts(b, "<div class=\"hc-csat-field\"><label "
		       "for=\"csat-reason\">");
	hc_esc(b, hc_str(loc, "csat.reason"));
	hd_buf_puts(b, "</label><select id=\"csat-reason\" "
		       "name=\"reason_code\">\n");
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		char key[32];
		snprintf(key, sizeof key, "csat.reason.%d", reasons[i]);
		hd_buf_printf(b, "<option value=\"%d\"%s>", reasons[i],
			      reasons[i] == chosen ? " selected" : "");
		hc_esc(b, hc_str(loc, key));
		hd_buf_puts(b, "</option>\n");
	}
	hd_buf_puts(b, "</select></div>\n");
}

/* The form: score pre-selected, comment, reason, the confirming button. */
static int form_page(gw_req *r, gw_resp *out, const char *loc, const char *path,
		     const Hd__Ticket *tk, const char *score,
		     const char *comment, int reason, const char *error,
		     unsigned status)
{
	hc_page p;
	hd_buf b;
	page_start(r, &p, &b, loc, hc_str(loc, "csat.title"), path);
	hd_buf_puts(&b, "<p>");
	hc_esc(&b, hc_str(loc, "csat.request"));
	hd_buf_printf(&b, " #%llu: <b>", (unsigned long long)tk->id);
	hc_esc(&b, tk->subject);
	hd_buf_puts(&b, "</b></p>\n<p>");
	hc_esc(&b, hc_str(loc, "csat.question"));
	hd_buf_puts(&b, "</p>\n");
	if (error) {
		hd_buf_puts(&b, "<p class=\"hc-error\" role=\"alert\">");
		hc_esc(&b, error);
		hd_buf_puts(&b, "</p>\n");
	}
	hd_buf_puts(&b, "<form class=\"hc-csat\" method=\"post\" action=\"");
	hc_esc(&b, r->path);
	hd_buf_puts(&b, "\">\n");
	hc_csrf_field(r, &b);
	hd_buf_puts(&b, "<fieldset><legend>");
	hc_esc(&b, hc_str(loc, "csat.legend"));
	hd_buf_puts(&b, "</legend><div class=\"hc-csat-scores\">\n");
	score_choice(&b, loc, "good", score);
	score_choice(&b, loc, "bad", score);
	hd_buf_puts(&b, "</div></fieldset>\n<div class=\"hc-csat-field\">"
			"<label for=\"csat-comment\">");
	hc_esc(&b, hc_str(loc, "csat.comment"));
	hd_buf_puts(&b, "</label><textarea id=\"csat-comment\" "
			"name=\"comment\" maxlength=\"65536\">");
	hc_esc(&b, comment);
	hd_buf_puts(&b, "</textarea></div>\n");
	reason_select(&b, loc, reason);
	hd_buf_puts(&b, "<p class=\"hc-muted\">");
	hc_esc(&b, hc_str(loc, "csat.confirm"));
	hd_buf_puts(&b, "</p>\n<button type=\"submit\">");
	hc_esc(&b, hc_str(loc, "csat.submit"));
	hd_buf_puts(&b, "</button>\n</form>\n");
	hc_page_close(r, &p, &b);
	return hc_reply(out, status, &b);
}

/* The token of /hc/{locale}/satisfaction/{token} and the page's path. */
static const char *read_path(gw_req *r, char token[HD_CSAT_LINK_MAX],
			     char *path, size_t cap)
{
	const char *loc = hc_route_locale(r);
	if (!loc || !gw_path_segment(r, 3, token, HD_CSAT_LINK_MAX))
		token[0] = '\0';
	snprintf(path, cap, "/satisfaction/%s", token);
	return loc;
}

static int survey_show(gw *g, gw_req *r, gw_resp *out)
{
	char token[HD_CSAT_LINK_MAX], path[200];
	const char *loc = read_path(r, token, path, sizeof path);
	if (!loc)
		return hc_error_page(r, out, NULL, 404);
	const char *score = gw_query(r, "score");
	if (score && strcmp(score, "good") && strcmp(score, "bad"))
		score = NULL;
	verdict v;
	Hd__RateRequest w = HD__RATE_REQUEST__INIT;
	w.check = true;
	int rc = ask(g, r, token, &w, &v, out);
	if (rc)
		return rc == HD_E_NOMEM ? hc_error_page(r, out, loc, 500) : rc;
	if (v.rc)
		return refused(r, out, loc, &v, path);
	rc = form_page(r, out, loc, path, v.tk, score, "", 0, NULL, 200);
	hd__ticket__free_unpacked(v.tk, NULL);
	return rc;
}

static int thanks(gw_req *r, gw_resp *out, const char *loc, const char *path,
		  const char *score)
{
	hc_page p;
	hd_buf b;
	page_start(r, &p, &b, loc, hc_str(loc, "csat.thanks"), path);
	hd_buf_puts(&b, "<p class=\"hc-notice\" role=\"status\">");
	hc_esc(&b, hc_str(loc, strcmp(score, "good") == 0 ? "csat.thanks_good"
							  : "csat.thanks_bad"));
	hd_buf_printf(&b, "</p>\n<p><a href=\"/hc/%s/\">", loc);
	hc_esc(&b, hc_str(loc, "error.home"));
	hd_buf_puts(&b, "</a></p>\n");
	hc_page_close(r, &p, &b);
	return hc_reply(out, 200, &b);
}

static int read_reason(const char *s)
{
	uint64_t x = 0;
	if (!s || hd_parse_u64(s, &x))
		return -1;
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if ((uint64_t)reasons[i] == x)
			return reasons[i];
	return -1;
}

static int survey_submit(gw *g, gw_req *r, gw_resp *out)
{
	char token[HD_CSAT_LINK_MAX], path[200];
	const char *loc = read_path(r, token, path, sizeof path);
	if (!loc)
		return hc_error_page(r, out, NULL, 404);
	const char *score = hc_form(r, "score");
	const char *comment = hc_form(r, "comment");
	const char *rs = hc_form(r, "reason_code");
	int reason = rs && rs[0] ? read_reason(rs) : 0;
	const char *error = NULL;
	if (!comment)
		comment = "";
	if (!score || (strcmp(score, "good") && strcmp(score, "bad")))
		error = hc_str(loc, "csat.need_score");
	else if (strlen(comment) > MAX_COMMENT ||
		 !hd_utf8_valid(comment, strlen(comment)))
		error = hc_str(loc, "csat.too_long");
	else if (reason < 0)
		return hc_error_page(r, out, loc, 400);
	verdict v;
	Hd__RateRequest w = HD__RATE_REQUEST__INIT;
	w.check = error != NULL;
	if (!error) {
		w.score = (char *)score;
		w.comment = (char *)comment;
		w.reason_code = (uint32_t)reason;
	}
	int rc = ask(g, r, token, &w, &v, out);
	if (rc)
		return rc == HD_E_NOMEM ? hc_error_page(r, out, loc, 500) : rc;
	if (v.rc)
		return refused(r, out, loc, &v, path);
	rc = error ? form_page(r, out, loc, path, v.tk, NULL, comment,
			       reason < 0 ? 0 : reason, error, 400)
		   : thanks(r, out, loc, path, score);
	hd__ticket__free_unpacked(v.tk, NULL);
	return rc;
}

const gw_route gw_csat_page_routes[] = {
	{"GET", "/hc/{s}/satisfaction/{s}", survey_show, GW_AUTH_ANON},
	{"POST", "/hc/{s}/satisfaction/{s}", survey_submit, GW_AUTH_ANON},
	{NULL, NULL, NULL, 0},
};
