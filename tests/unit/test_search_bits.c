/* intake's bitmap postings (services/intake/search_bits.c) on a real LMDB
 * store: random puts and deletes of field postings, dense enough in some
 * chunks to turn offsets into bitmaps and sparse enough after deletes to
 * turn them back, read back as a dense bitmap and compared with a
 * brute-force set; word prefixes OR every token that starts with them and
 * no other. Seeded and printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "intake.h"
#include "search_bits.h"
#include "hd/err.h"
#include "unit_svc.h"

#define CHUNKS 3
#define MAXSEQ (CHUNKS << BITS_CHUNK_SHIFT)

#define SHARD 3 /* the fixture's intake shard */

static const char *const dbs[] = {"post", "bits", NULL};

typedef struct fixture {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	intake ctx;   /* only its store, search dbis, shard and notes are set */
	unsigned char in[MAXSEQ]; /* the brute-force set */
	int round;
} fixture;

/* 'F' ‖ kind ‖ "v" ‖ 0x00 ‖ id */
static size_t field_key(uint8_t *k, uint64_t seq)
{
	k[0] = 'F';
	k[1] = 'a' + SQ_STATUS;
	k[2] = 'v';
	k[3] = 0;
	hd_key_u64(k + 4, seq << INTAKE_SHARD_BITS | SHARD);
	return 12;
}

/* One round: a chunk's worth of flips with a density per chunk. */
static int flip(hd_txn *t, void *arg)
{
	fixture *f = arg;
	uint8_t k[16];
	for (uint64_t seq = 0; seq < MAXSEQ && !t->rc; seq++) {
		int chunk = (int)(seq >> BITS_CHUNK_SHIFT);
		/* chunk 0 fills then empties, 1 stays sparse, 2 hovers */
		int pct = chunk == 0   ? (f->round < 3 ? 60 : 90)
			  : chunk == 1 ? 2
				       : 8;
		if (rand() % 100 >= pct)
			continue;
		int on = chunk == 0 ? f->round < 3 : rand() % 2;
		size_t kn = field_key(k, seq);
		if (on) {
			hd_txn_put(t, f->ctx.search.fields, k, kn, "", 0);
			search_bits_field(&f->ctx, t, k, kn, 1);
		} else if (hd_txn_del(t, f->ctx.search.fields, k, kn) ==
			   HD_OK) {
			search_bits_field(&f->ctx, t, k, kn, 0);
		}
		f->in[seq] = (unsigned char)on;
	}
	return search_bits_flush(&f->ctx, t);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_srand();
	unit_store_open(&f->u, (const char *const *const[]){dbs, NULL}, NULL);
	f->ctx.store = f->u.store;
	f->ctx.shard = SHARD;
	assert_hd_ok(hd_store_dbi(f->u.store, "post", &f->ctx.search.post));
	f->ctx.search.fields = f->ctx.search.post; /* one db is enough here */
	assert_hd_ok(hd_store_dbi(f->u.store, "bits", &f->ctx.search.bits));
	assert_hd_ok(search_bits_notes_new(&f->ctx));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	search_bits_notes_free(&f->ctx);
	return unit_store_teardown(state);
}

static void check_equal(fixture *f)
{
	hd_txn t;
	uint64_t w[MAXSEQ / 64 + 1] = {0};
	bitmap b = {w, MAXSEQ / 64};
	const uint8_t pre[4] = {'F', 'a' + SQ_STATUS, 'v', 0};
	assert_hd_ok(hd_store_read(f->u.store, &t));
	assert_hd_ok(search_bits_or(&f->ctx, &t, pre, 4, &b));
	hd_txn_end(&t);
	for (uint64_t seq = 0; seq < MAXSEQ; seq++)
		if (!!(w[seq / 64] >> (seq % 64) & 1) != f->in[seq])
			fail_msg("round %d: seq %llu is %d, want %d", f->round,
				 (unsigned long long)seq,
				 (int)(w[seq / 64] >> (seq % 64) & 1),
				 f->in[seq]);
}

static void test_fields_equal_brute_force(void **state)
{
	fixture *f = *state;
	for (f->round = 0; f->round < 6; f->round++) {
		assert_hd_ok(hd_store_write(f->u.store, flip, f));
		check_equal(f);
	}
}

static void post_key(uint8_t *k, size_t *kn, const char *tok, uint64_t seq,
		     uint32_t seg)
{
	size_t tl = strlen(tok);
	k[0] = SEARCH_PUBLIC;
	memcpy(k + 1, tok, tl);
	k[1 + tl] = 0;
	hd_key_u64(k + 2 + tl, seq << INTAKE_SHARD_BITS | SHARD);
	for (int i = 0; i < 4; i++)
		k[10 + tl + i] = (uint8_t)(seg >> (24 - 8 * i));
	*kn = 14 + tl;
}

static int put_tokens(hd_txn *t, void *arg)
{
	const intake *in = arg;
	static const struct {
		const char *tok;
		uint64_t seq;
		uint32_t seg;
	} rows[] = {{"ab", 1, 0},  {"abc", 5000, 2}, {"abd", 9000, 0},
		    {"a", 7, 0},   {"b", 8, 0},      {"abc", 6, 1},
		    {"abc", 6, 3}, {"ac", 11, 0}};
	uint8_t k[64];
	size_t kn;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		post_key(k, &kn, rows[i].tok, rows[i].seq, rows[i].seg);
		hd_txn_put(t, in->search.post, k, kn, "", 0);
		search_bits_post(in, t, k, kn, 1);
	}
	/* one of "abc"'s two segments of ticket 6 goes: it keeps its bit */
	post_key(k, &kn, "abc", 6, 1);
	if (hd_txn_del(t, in->search.post, k, kn) == HD_OK)
		search_bits_post(in, t, k, kn, 0);
	return search_bits_flush(in, t);
}

static void test_prefix_ors_the_tokens_that_start_with_it(void **state)
{
	fixture *f = *state;
	hd_txn t;
	uint64_t w[MAXSEQ / 64] = {0}, s0[MAXSEQ / 64] = {0};
	bitmap b = {w, MAXSEQ / 64}, seg0 = {s0, MAXSEQ / 64};
	const uint8_t pre[3] = {SEARCH_PUBLIC, 'a', 'b'};
	const uint8_t s[3] = {BITS_SEG0, 'a', 'b'};
	assert_hd_ok(hd_store_write(f->u.store, put_tokens, &f->ctx));
	assert_hd_ok(hd_store_read(f->u.store, &t));
	assert_hd_ok(search_bits_or_prefix(&f->ctx, &t, pre, 3, 1, &b));
	assert_hd_ok(search_bits_or_prefix(&f->ctx, &t, s, 3, 1, &seg0));
	hd_txn_end(&t);
	const uint64_t want[] = {1, 6, 5000, 9000}, want0[] = {1, 9000};
	size_t n = 0, n0 = 0;
	for (uint64_t seq = 0; seq < MAXSEQ; seq++) {
		if (w[seq / 64] >> (seq % 64) & 1) {
			assert_true(n < 4);
			assert_int_equal(seq, want[n++]);
		}
		if (s0[seq / 64] >> (seq % 64) & 1) {
			assert_true(n0 < 2);
			assert_int_equal(seq, want0[n0++]);
		}
	}
	assert_int_equal(n, 4);
	assert_int_equal(n0, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_equal_brute_force),
		cmocka_unit_test(test_prefix_ors_the_tokens_that_start_with_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
