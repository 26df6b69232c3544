"""Search quality: the fixed corpus in tests/data/kb (Korean and English
support articles, one section per topic) is loaded through the gateway;
every query must rank its expected article in the top 3, and at least 90 %
of them first. Misses are printed."""
import json
import os
import urllib.parse

from harness import Suite

HC = "/api/v2/help_center"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "kb")


def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return json.load(f)


def load_corpus(c, articles):
    r = c.request("POST", f"{HC}/categories", {"category": {"name": "도움말", "locale": "ko"}})
    assert r.status == 201, r
    cat = r.json["category"]["id"]
    sections, keys = {}, {}
    for a in articles:
        if a["topic"] not in sections:
            r = c.request("POST", f"{HC}/categories/{cat}/sections",
                          {"section": {"name": a["topic"], "locale": a["locale"]}})
            assert r.status == 201, r
            sections[a["topic"]] = r.json["section"]["id"]
        r = c.request("POST", f"{HC}/sections/{sections[a['topic']]}/articles", {"article": {
            "title": a["title"], "body": a["body"], "locale": a["locale"], "label_names": a["label_names"]}})
        assert r.status == 201, r
        keys[r.json["article"]["id"]] = a["key"]
    return keys


def test_search_quality(ctx):
    articles, queries = load("articles.json"), load("queries.json")
    assert len(articles) >= 200 and len(queries) >= 40
    with Suite(ctx.bin_dir, services=["intake", "knowledge", "gateway"]).start() as s:
        c = s.client()
        keys = load_corpus(c, articles)
        first, misses, outside = 0, [], []
        for q in queries:
            r = c.request("GET", f"{HC}/articles/search.json?per_page=3&query=" + urllib.parse.quote(q["query"]))
            assert r.status == 200, r
            top3 = [keys[x["id"]] for x in r.json["results"]]
            if top3[:1] == [q["expected"]]:
                first += 1
                continue
            misses.append(f"{q['query']!r}: expected {q['expected']}, got {top3}")
            if q["expected"] not in top3:
                outside.append(misses[-1])
        for m in misses:
            print("  search quality miss:", m)
        print(f"  search quality: {first}/{len(queries)} ranked first")
        assert first >= 0.9 * len(queries), misses
        assert not outside, outside
