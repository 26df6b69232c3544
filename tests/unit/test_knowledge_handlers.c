/* Handler-level tests of knowledge's help center (hc_categories.c,
 * hc_articles.c): each RPC handler called directly on a fresh store, the
 * reply decoded; wrong callers and bad payloads answered with an error
 * naming what was wrong. Links libknowledge.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "knowledge.h"
#include "kbsearch.h"
#include "knowledge.pb-c.h"

#include "unit_svc.h"

static const char *const *const dbs[] = {hc_dbs, kbs_dbs, kb_members_dbs, NULL};
static const hd_rpc_route *const routes[] = {hc_categories_routes,
					     hc_articles_routes, NULL};

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	kb k;
	hd_principal admin, agent, user;
	uint64_t section;
} fx;

static uint64_t save_section(fx *f)
{
	hd_rpc_rep rep;
	Hd__HcCategory c = HD__HC_CATEGORY__INIT;
	c.name = "배송";
	c.locale = "ko";
	assert_hd_ok(unit_call(routes, &f->k, "hc.categories.save", &c.base,
			       &f->admin, &rep));
	Hd__HcCategory *cat =
		unit_rep_decode(&rep, &hd__hc_category__descriptor);
	assert_true(cat->id > 0);
	Hd__HcSection s = HD__HC_SECTION__INIT;
	s.category_id = cat->id;
	s.name = "배송 조회";
	s.locale = "ko";
	hd__hc_category__free_unpacked(cat, NULL);
	unit_rep_release(&rep);
	assert_hd_ok(unit_call(routes, &f->k, "hc.sections.save", &s.base,
			       &f->admin, &rep));
	Hd__HcSection *sec = unit_rep_decode(&rep, &hd__hc_section__descriptor);
	uint64_t id = sec->id;
	assert_string_equal(sec->name, "배송 조회");
	hd__hc_section__free_unpacked(sec, NULL);
	unit_rep_release(&rep);
	return id;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->k.store = unit_store_open(&f->u, dbs, "knowledge");
	assert_hd_ok(kb_store_bind(&f->k));
	f->admin = unit_who("admin", 1);
	f->agent = unit_who("agent", 2);
	f->user = unit_who("end-user", 3);
	f->section = save_section(f);
	*state = f;
	return 0;
}

/* Create one article in f's section; returns its id. */
static int create(fx *f, const hd_principal *who, const char *title,
		  const char *body, bool draft, uint64_t *id, hd_rpc_rep *rep)
{
	Hd__HcTranslation tr = HD__HC_TRANSLATION__INIT;
	Hd__HcTranslation *trs[1] = {&tr};
	Hd__HcArticle a = HD__HC_ARTICLE__INIT;
	Hd__HcArticleWrite w = HD__HC_ARTICLE_WRITE__INIT;
	tr.locale = "ko";
	tr.title = (char *)title;
	tr.body = (char *)body;
	tr.draft = draft;
	a.section_id = f->section;
	a.n_translations = 1;
	a.translations = trs;
	w.article = &a;
	int rc = unit_call(routes, &f->k, "hc.articles.create", &w.base, who,
			   rep);
	if (!rc) {
		Hd__HcArticle *got =
			unit_rep_decode(rep, &hd__hc_article__descriptor);
		*id = got->id;
		hd__hc_article__free_unpacked(got, NULL);
	}
	return rc;
}

static void test_article_create_then_get(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0;
	assert_rep_rc(
		create(f, &f->agent, "배송 지연 안내",
		       "<p>주문 내역을 확인하세요.</p><script>x()</script>",
		       false, &id, &rep),
		&rep, HD_OK);
	unit_rep_release(&rep);
	assert_true(id > 0);

	Hd__HcId q = HD__HC_ID__INIT;
	q.id = id;
	assert_hd_ok(unit_call(routes, &f->k, "hc.articles.get", &q.base,
			       &f->user, &rep));
	Hd__HcArticle *a = unit_rep_decode(&rep, &hd__hc_article__descriptor);
	assert_int_equal(a->id, id);
	assert_int_equal(a->section_id, f->section);
	assert_int_equal(a->author_id, f->agent.user_id);
	assert_string_equal(a->source_locale, "ko");
	assert_int_equal(a->n_translations, 1);
	assert_string_equal(a->translations[0]->title, "배송 지연 안내");
	/* Sanitized on the way in: the script is gone, the text stays. */
	assert_non_null(strstr(a->translations[0]->body, "주문 내역"));
	assert_null(strstr(a->translations[0]->body, "script"));
	hd__hc_article__free_unpacked(a, NULL);
	unit_rep_release(&rep);
}

static void test_article_create_refused(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0;
	/* An end-user may not write. */
	assert_rep_rc(create(f, &f->user, "t", "b", false, &id, &rep), &rep,
		      HD_E_FORBIDDEN);
	unit_rep_release(&rep);
	/* No title. */
	assert_rep_rc(create(f, &f->agent, "", "b", false, &id, &rep), &rep,
		      HD_E_INVALID);
	assert_string_equal(rep.field, "title");
	unit_rep_release(&rep);
	/* A section that does not exist. */
	f->section += 1000;
	assert_rep_rc(create(f, &f->agent, "t", "b", false, &id, &rep), &rep,
		      HD_E_INVALID);
	assert_string_equal(rep.field, "section_id");
	unit_rep_release(&rep);
	/* Bytes that are not an HcArticleWrite. */
	static const uint8_t junk[] = {0xff, 0xff, 0xff, 0x01};
	assert_rep_rc(unit_call_raw(routes, &f->k, "hc.articles.create", junk,
				    sizeof junk, &f->agent, &rep),
		      &rep, HD_E_DECODE);
	assert_non_null(strstr(rep.message, "HcArticleWrite"));
	unit_rep_release(&rep);
}

static void test_article_get_missing_and_draft(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	Hd__HcId q = HD__HC_ID__INIT;
	q.id = 999;
	assert_rep_rc(unit_call(routes, &f->k, "hc.articles.get", &q.base,
				&f->user, &rep),
		      &rep, HD_E_NOTFOUND);
	assert_string_equal(rep.message, "no such article");
	unit_rep_release(&rep);

	/* A draft is staff-only: an end-user gets "no such article". */
	uint64_t id = 0;
	assert_hd_ok(create(f, &f->agent, "초안", "b", true, &id, &rep));
	unit_rep_release(&rep);
	q.id = id;
	assert_rep_rc(unit_call(routes, &f->k, "hc.articles.get", &q.base,
				&f->user, &rep),
		      &rep, HD_E_NOTFOUND);
	unit_rep_release(&rep);
	assert_hd_ok(unit_call(routes, &f->k, "hc.articles.get", &q.base,
			       &f->agent, &rep));
	Hd__HcArticle *a = unit_rep_decode(&rep, &hd__hc_article__descriptor);
	assert_true(a->translations[0]->draft);
	hd__hc_article__free_unpacked(a, NULL);
	unit_rep_release(&rep);
}

static void test_section_needs_admin_and_category(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	Hd__HcSection s = HD__HC_SECTION__INIT;
	s.category_id = 4242;
	s.name = "x";
	s.locale = "ko";
	assert_rep_rc(unit_call(routes, &f->k, "hc.sections.save", &s.base,
				&f->agent, &rep),
		      &rep, HD_E_FORBIDDEN);
	unit_rep_release(&rep);
	assert_rep_rc(unit_call(routes, &f->k, "hc.sections.save", &s.base,
				&f->admin, &rep),
		      &rep, HD_E_INVALID);
	assert_string_equal(rep.field, "category_id");
	unit_rep_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_article_create_then_get,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_article_create_refused,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_article_get_missing_and_draft, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_section_needs_admin_and_category, setup,
			unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
