/* Unit tests for the knowledge search engine (services/knowledge/
 * kbsearch_*.c) on a real LMDB store: Korean bigram matching through
 * particles, case-insensitive English, BM25F field weights, flag filters,
 * re-indexing and removal, paging, and snippets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kbsearch_int.h"
#include "hd/err.h"
#include "hd/html.h"
#include "hd/text.h"
#include "unit_svc.h"

enum { TITLE, LABELS, BODY };

typedef struct fixture {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	kbs e;
} fixture;

typedef struct doc {
	uint64_t id;
	const char *title, *labels, *body;
	uint32_t flags;
} doc;

static const doc docs[] = {
	{1, "배송 지연 안내", "배송",
	 "배송이 지연되면 주문 내역에서 확인하세요.", 0},
	{2, "환불 정책", "환불", "환불은 결제 수단으로 7일 이내 처리됩니다.",
	 0},
	{3, "Refund policy", "billing",
	 "Refunds go back to the card in 5 days.", 0},
	{4, "주문 취소", "",
	 "배송 전에는 주문을 취소할 수 있고 환불은 자동입니다.", 0},
	{5, "Password reset", "account",
	 "Reset your PASSWORD from the login page.", 1},
	{6, "쿠폰 사용", "쿠폰",
	 "쿠폰은 결제 화면에서 적용합니다. 배송비 쿠폰도 있습니다.", 0},
};

static int put_doc(hd_txn *t, const kbs *e, const doc *d)
{
	kbs_field f[3] = {{d->title, strlen(d->title)},
			  {d->labels, strlen(d->labels)},
			  {d->body, strlen(d->body)}};
	return kbs_put(t, e, "article", d->id, f, 3, d->flags);
}

static int put_all(hd_txn *t, void *arg)
{
	fixture *f = arg;
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
		put_doc(t, &f->e, &docs[i]);
	return t->rc;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_store_open(&f->u, (const char *const *const[]){kbs_dbs, NULL},
			NULL);
	assert_hd_ok(kbs_bind(f->u.store, &f->e));
	assert_hd_ok(hd_store_write(f->u.store, put_all, f));
	*state = f;
	return 0;
}

/* Ids of the hits for q (at most 8) into ids; returns the total. */
static uint64_t search(fixture *f, const char *q, uint32_t mask, uint32_t val,
		       size_t offset, uint64_t ids[8], size_t *n)
{
	kbs_query kq = {.kind = "article",
			.text = q,
			.len = strlen(q),
			.weights = {3.0, 2.0, 1.0},
			.flags_mask = mask,
			.flags_value = val,
			.offset = offset,
			.limit = 8};
	kbs_result res;
	hd_txn t;
	assert_hd_ok(hd_store_read(f->u.store, &t));
	assert_hd_ok(kbs_search(&t, &f->e, &kq, &res));
	hd_txn_end(&t);
	*n = res.n;
	for (size_t i = 0; i < res.n; i++) {
		ids[i] = res.hits[i].id;
		if (i)
			assert_true(res.hits[i - 1].score >= res.hits[i].score);
	}
	uint64_t total = res.total;
	kbs_result_release(&res);
	return total;
}

static void test_korean_particles_and_title_weight(void **state)
{
	fixture *f = *state;
	uint64_t ids[8];
	size_t n;
	/* "배송" finds "배송이 지연되면…"; the title match ranks first. */
	assert_int_equal(search(f, "배송", 0, 0, 0, ids, &n), 3);
	assert_int_equal(ids[0], 1);
	/* "환불" finds "환불은"; the article titled 환불 wins over a body hit. */
	assert_int_equal(search(f, "환불", 0, 0, 0, ids, &n), 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	assert_int_equal(search(f, "배송이 늦어요 지연", 0, 0, 0, ids, &n), 3);
	assert_int_equal(ids[0], 1);
}

static void test_english_case_and_flags(void **state)
{
	fixture *f = *state;
	uint64_t ids[8];
	size_t n;
	assert_int_equal(search(f, "REFUND", 0, 0, 0, ids, &n), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(search(f, "password", 0, 0, 0, ids, &n), 1);
	/* Flag 1 (a draft, say) filtered out. */
	assert_int_equal(search(f, "password", 1, 0, 0, ids, &n), 0);
	assert_int_equal(search(f, "없는단어 nothing", 0, 0, 0, ids, &n), 0);
	assert_int_equal(search(f, "", 0, 0, 0, ids, &n), 0);
}

static int reindex(hd_txn *t, void *arg)
{
	fixture *f = arg;
	doc d = {3, "Shipping times", "", "Parcels arrive in two days.", 0};
	put_doc(t, &f->e, &d);
	kbs_remove(t, &f->e, "article", 6);
	kbs_remove(t, &f->e, "article", 999); /* never indexed: fine */
	return t->rc;
}

static void test_reindex_remove_and_page(void **state)
{
	fixture *f = *state;
	uint64_t ids[8];
	size_t n;
	assert_hd_ok(hd_store_write(f->u.store, reindex, f));
	assert_int_equal(search(f, "refund", 0, 0, 0, ids, &n), 0);
	assert_int_equal(search(f, "shipping", 0, 0, 0, ids, &n), 1);
	assert_int_equal(search(f, "쿠폰", 0, 0, 0, ids, &n), 0);
	uint64_t all[8];
	size_t nall;
	assert_int_equal(search(f, "배송 환불", 0, 0, 0, all, &nall), 3);
	assert_int_equal(search(f, "배송 환불", 0, 0, 1, ids, &n), 3);
	assert_int_equal(n, nall - 1);
	assert_int_equal(ids[0], all[1]);
	/* Stats follow: 5 documents left. */
	hd_txn t;
	uint64_t docs_n, lens[KBS_MAX_FIELDS];
	assert_hd_ok(hd_store_read(f->u.store, &t));
	assert_hd_ok(kbs_stats_get(&t, &f->e, "article", &docs_n, lens));
	hd_txn_end(&t);
	assert_int_equal(docs_n, 5);
}

#define MANY 500

/* ids 1..MANY in a scrambled order, so postings land inside blocks and
 * blocks split; then every third removed and every fifth re-indexed. */
static int many_write(hd_txn *t, void *arg)
{
	fixture *f = arg;
	for (uint64_t i = 0; i < MANY; i++) {
		uint64_t id = (i * 7919) % MANY + 1;
		const char *body = id % 2 ? "공통 홀수 문서" : "공통 짝수 문서";
		kbs_field fl[1] = {{body, strlen(body)}};
		kbs_put(t, &f->e, "card", id, fl, 1, 0);
	}
	for (uint64_t id = 3; id <= MANY; id += 3)
		kbs_remove(t, &f->e, "card", id);
	for (uint64_t id = 5; id <= MANY; id += 5) {
		const char *body = id % 3 ? "공통 다섯 문서" : "공통 다섯 부활";
		kbs_field fl[1] = {{body, strlen(body)}};
		kbs_put(t, &f->e, "card", id, fl, 1, 0);
	}
	return t->rc;
}

static uint64_t card_hits(fixture *f, const char *q, bool *seen)
{
	kbs_query kq = {.kind = "card",
			.text = q,
			.len = strlen(q),
			.weights = {1.0},
			.limit = MANY};
	kbs_result res;
	hd_txn t;
	assert_hd_ok(hd_store_read(f->u.store, &t));
	assert_hd_ok(kbs_search(&t, &f->e, &kq, &res));
	hd_txn_end(&t);
	memset(seen, 0, (MANY + 1) * sizeof *seen);
	assert_int_equal(res.n, res.total);
	for (size_t i = 0; i < res.n; i++) {
		assert_true(res.hits[i].id >= 1 && res.hits[i].id <= MANY);
		assert_false(seen[res.hits[i].id]); /* each document once */
		seen[res.hits[i].id] = true;
	}
	uint64_t total = res.total;
	kbs_result_release(&res);
	return total;
}

static void test_many_documents_in_blocks(void **state)
{
	fixture *f = *state;
	bool seen[MANY + 1];
	assert_hd_ok(hd_store_write(f->u.store, many_write, f));
	uint64_t want_all = 0, want_even = 0, want_five = 0;
	for (uint64_t id = 1; id <= MANY; id++) {
		bool alive = id % 3 != 0 || id % 5 == 0;
		want_all += alive;
		want_even += alive && id % 2 == 0 && id % 5 != 0;
		want_five += id % 5 == 0;
	}
	assert_int_equal(card_hits(f, "공통", seen), want_all);
	for (uint64_t id = 1; id <= MANY; id++)
		assert_int_equal(seen[id], id % 3 != 0 || id % 5 == 0);
	assert_int_equal(card_hits(f, "짝수", seen), want_even);
	assert_int_equal(card_hits(f, "다섯", seen), want_five);
	assert_int_equal(card_hits(f, "부활", seen), MANY / 15);
	/* Articles of the fixture are another kind: untouched. */
	uint64_t ids[8];
	size_t n;
	assert_int_equal(search(f, "배송", 0, 0, 0, ids, &n), 3);
}

static void test_snippet(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 4096);
	const char *text = "주문 후 배송이 지연되면 <고객센터>로 연락하세요";
	assert_hd_ok(kbs_snippet(&b, text, strlen(text), "배송", 6, 200));
	assert_string_equal(b.data, "주문 후 <em>배송이</em> 지연되면 "
				    "&lt;고객센터&gt;로 연락하세요");
	hd_buf_reset(&b);
	const char *en = "one two three four five six Refunds are quick";
	assert_hd_ok(kbs_snippet(&b, en, strlen(en), "refund", 6, 20));
	/* A short window still holds the hit, led by at most half of it. */
	assert_string_equal(b.data, "\xe2\x80\xa6"
				    "five six <em>Refunds</em> "
				    "are \xe2\x80\xa6");
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_korean_particles_and_title_weight, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_english_case_and_flags,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_reindex_remove_and_page,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_many_documents_in_blocks,
						setup, unit_store_teardown),
		cmocka_unit_test(test_snippet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
