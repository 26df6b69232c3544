/* hd-kb-load: fill a knowledge service with synthetic help center articles
 * for the search benchmark, through its hc.articles.import RPC (batches in
 * one group commit each), so 100,000 articles load in well under a minute.
 * Articles are deterministic: Korean and English support vocabulary, a
 * topic and aspect in the title, about twenty body words.
 *   usage: hd-kb-load RPC_URL SECTION_ID COUNT */
#include "hd/buf.h"
#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/rpc.h"
#include "knowledge.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH      2000
#define BODY_WORDS 20

static const char *const ko[] = {
	"배송",   "환불",   "교환",   "결제",       "쿠폰",     "포인트",
	"주문",   "취소",   "반품",   "회원",       "탈퇴",     "비밀번호",
	"로그인", "계정",   "영수증", "세금계산서", "정기배송", "선물하기",
	"리뷰",   "상품권", "멤버십", "고객센터",   "해외배송", "통관",
	"관세",   "택배",   "송장",   "지연",       "오류",     "변경",
	"조회",   "안내",   "신청",   "방법",       "기간",     "수수료",
	"적립",   "소멸",   "등록",   "재입고",     "품절",     "사이즈",
	"색상",   "불량",   "파손",   "할부",       "카드",     "계좌",
	"입금",   "승인",   "한도",   "인증",       "휴면",     "알림",
	"설치",   "수리",   "보증",   "이벤트",     "당첨",     "편의점"};
static const char *const en[] = {
	"shipping",  "refund",   "exchange",  "payment",       "coupon",
	"points",    "order",    "cancel",    "return",        "account",
	"password",  "login",    "invoice",   "billing",       "subscription",
	"plan",      "upgrade",  "downgrade", "trial",         "tracking",
	"package",   "delivery", "express",   "international", "customs",
	"duty",      "label",    "warranty",  "repair",        "gift",
	"card",      "balance",  "promo",     "checkout",      "address",
	"email",     "api",      "token",     "webhook",       "rate",
	"limit",     "export",   "import",    "csv",           "report",
	"dashboard", "sla",      "macro",     "trigger",       "agent",
	"team",      "role",     "security",  "privacy",       "cookie",
	"mobile",    "app",      "crash",     "notification",  "sync"};

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define PICK(v) (v)[next() % (sizeof(v) / sizeof *(v))]

/* One article: Korean (two in three) or English. Strings are malloc'd. */
static void make(Hd__HcArticle *a, Hd__HcTranslation *tr,
		 Hd__HcTranslation **trs, uint64_t section, uint64_t n)
{
	int korean = next() % 3 != 0;
	hd_buf title, body;
	hd_buf_init(&title, 1024);
	hd_buf_init(&body, 8192);
	if (korean)
		hd_buf_printf(&title, "%s %s %s 안내 %llu", PICK(ko), PICK(ko),
			      PICK(ko), (unsigned long long)n);
	else
		hd_buf_printf(&title, "%s %s %s guide %llu", PICK(en), PICK(en),
			      PICK(en), (unsigned long long)n);
	hd_buf_puts(&body, "<p>");
	for (int i = 0; i < BODY_WORDS; i++)
		hd_buf_printf(&body, "%s ", korean ? PICK(ko) : PICK(en));
	hd_buf_puts(&body, "</p>");
	if (hd_buf_error(&title) || hd_buf_error(&body)) {
		fprintf(stderr, "hd-kb-load: article %llu: %s\n",
			(unsigned long long)n,
			hd_strerror(hd_buf_error(&title)
					    ? hd_buf_error(&title)
					    : hd_buf_error(&body)));
		exit(1);
	}
	hd__hc_article__init(a);
	hd__hc_translation__init(tr);
	tr->locale = korean ? "ko" : "en-us";
	tr->title = hd_buf_detach(&title, NULL);
	tr->body = hd_buf_detach(&body, NULL);
	trs[0] = tr;
	a->translations = trs;
	a->n_translations = 1;
	a->source_locale = tr->locale;
	a->section_id = section;
}

static int send_batch(hd_rpc_client *c, Hd__HcImport *im)
{
	hd_principal who = {.user_id = 1, .role = HD__USER_ROLE__ROLE_SYSTEM};
	hd_buf b;
	hd_rpc_result res = {0};
	hd_buf_init(&b, (size_t)256 << 20);
	int rc = hd_pb_pack(&b, im);
	if (!rc)
		rc = hd_rpc_call(c, "hc.articles.import", b.data, b.len, &who,
				 "kb-load", 600000, &res);
	if (!rc && res.rc) {
		fprintf(stderr, "hd-kb-load: %s: %s\n", hd_errname(res.rc),
			res.message);
		rc = res.rc;
	}
	hd_rpc_result_release(&res);
	hd_buf_release(&b);
	return rc;
}

int main(int argc, char **argv)
{
	uint64_t section = 0, count = 0;
	if (argc != 4 || hd_parse_u64(argv[2], &section) ||
	    hd_parse_u64(argv[3], &count)) {
		fprintf(stderr, "usage: %s RPC_URL SECTION_ID COUNT\n",
			argv[0]);
		return 2;
	}
	if (hd_cluster_key_load_env(argv[0]))
		return 1;
	hd_rpc_client *c = NULL;
	int rc = hd_rpc_client_open(&c, argv[1]);
	Hd__HcArticle *arts = calloc(BATCH, sizeof *arts);
	Hd__HcArticle **ptrs = calloc(BATCH, sizeof *ptrs);
	Hd__HcTranslation *trs = calloc(BATCH, sizeof *trs);
	Hd__HcTranslation **trp = calloc(BATCH, sizeof *trp);
	if (!rc && (!arts || !ptrs || !trs || !trp))
		rc = HD_E_NOMEM;
	for (uint64_t done = 0; !rc && done < count;) {
		Hd__HcImport im = HD__HC_IMPORT__INIT;
		size_t n =
			count - done < BATCH ? (size_t)(count - done) : BATCH;
		for (size_t i = 0; i < n; i++) {
			make(&arts[i], &trs[i], &trp[i], section, done + i + 1);
			ptrs[i] = &arts[i];
		}
		im.articles = ptrs;
		im.n_articles = n;
		rc = send_batch(c, &im);
		for (size_t i = 0; i < n; i++) {
			free(trs[i].title);
			free(trs[i].body);
		}
		done += n;
	}
	if (rc)
		fprintf(stderr, "hd-kb-load: %s\n", hd_strerror(rc));
	free(arts);
	free(ptrs);
	free(trs);
	free(trp);
	hd_rpc_client_close(c);
	return rc ? 1 : 0;
}
