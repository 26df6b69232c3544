"""The fast paths the bench relies on keep their answers: a cursor page in
id order walks intake's tickets from the cursor and stops at the page, and
a tags: query takes its candidates from the tag's rarest token (API.md §1
cursor pagination, §2 GET /tickets, §5 tags:)."""
import os
import subprocess
import time
import urllib.parse

from harness import ADMIN_TOKEN, Suite, basic, create_ticket, scaled
from test_search import ids, make, search, update, wait_count

T = "/api/v2/tickets"


def walk(c, url):
    """Follow links.next from url; returns the ids in order and the last page."""
    seen = []
    while url:
        r = c.request("GET", url)
        assert r.status == 200, r
        assert "count" not in r.json, r.json  # cursor pages carry no count
        seen += [t["id"] for t in r.json["tickets"]]
        nxt = r.json["links"]["next"]
        url = nxt[nxt.index("/api"):] if nxt else None
    return seen, r.json


def test_cursor_pages_in_id_order_walk_from_the_cursor(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        made = [make(c, f"주문 문의 {i}", f"배송 확인 부탁드립니다 {i}")["id"] for i in range(8)]
        gone = made[3]
        assert c.request("DELETE", f"{T}/{gone}.json").status == 204
        live = sorted(t for t in made if t != gone)
        seen, last = walk(c, T + ".json?page[size]=3")
        assert seen == live, (seen, live)
        assert last["meta"]["has_more"] is False and last["links"]["next"] is None
        seen, _ = walk(c, T + ".json?page[size]=3&sort=-id")
        assert seen == live[::-1], seen
        # A page of exactly the rest says has_more false.
        r = c.request("GET", T + ".json?page[size]=7").json
        assert [t["id"] for t in r["tickets"]] == live and r["meta"]["has_more"] is False, r["meta"]
        # After the last ticket: an empty page; before the first (desc): too.
        after = r["meta"]["after_cursor"]
        r = c.request("GET", T + f".json?page[size]=3&page[after]={urllib.parse.quote(after)}").json
        assert r["tickets"] == [] and r["meta"]["has_more"] is False, r
        # Other orders still read every ticket and agree with id order here.
        seen, _ = walk(c, T + ".json?page[size]=3&sort=created_at")
        assert seen == live, seen
        # Offset pages keep their count.
        r = c.request("GET", T + ".json?per_page=3&page=2").json
        assert r["count"] == len(live) and [t["id"] for t in r["tickets"]] == live[3:6], r
        # The deleted list walks the same way.
        r = c.request("GET", "/api/v2/deleted_tickets.json?page[size]=3").json
        assert [t["id"] for t in r["deleted_tickets"]] == [gone], r


def test_cursor_pages_show_end_users_only_their_tickets(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        mine = [make(c, f"내 문의 {i}", "환불 요청", requester={"email": "eu@example.com"})["id"]
                for i in range(3)]
        for i in range(5):
            make(c, f"다른 문의 {i}", "환불 요청", requester={"email": f"o{i}@example.com"})
        eu = s.client(auth=basic("eu@example.com", ADMIN_TOKEN))
        r = eu.request("GET", "/api/v2/requests.json?page[size]=2")
        assert r.status == 200, r
        seen, url = [], "/api/v2/requests.json?page[size]=2"
        while url:
            r = eu.request("GET", url)
            assert r.status == 200, r
            seen += [x["id"] for x in r.json["requests"]]
            nxt = r.json["links"]["next"]
            url = nxt[nxt.index("/api"):] if nxt else None
        assert sorted(seen) == sorted(mine), seen


def test_tag_queries_find_exactly_the_tagged_tickets(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        a = make(c, "배송 지연", "택배가 오지 않습니다", tags=["vip_고객", "bench_07"])
        b = make(c, "vip 고객 문의", "bench 07 이라고 본문에만 씀", tags=["bench_08"])
        d = make(c, "결제 오류", "카드 승인 실패", tags=["bench_07"])
        # Subject and description past intake's 32,768 tokens per segment
        # (a 64 KiB body of one-digit words): the tag must still be indexed.
        e = make(c, " ".join(str(i) for i in range(20)), "1 " * 32760, tags=["long_body"])
        wait_count(c, "type:ticket", 4)
        assert ids(search(c, "tags:vip_고객")) == [a["id"]]  # not b, whose text has the words
        assert sorted(ids(search(c, "tags:bench_07"))) == sorted([a["id"], d["id"]])
        assert ids(search(c, "tags:BENCH_08")) == [b["id"]]  # folded like the index
        assert ids(search(c, "tags:long_body")) == [e["id"]]  # tags come before a huge body
        assert sorted(ids(search(c, "tags:bench_07 tags:bench_08"))) == sorted([a["id"], b["id"], d["id"]])
        assert ids(search(c, "tags:bench_07 -tags:vip_고객")) == [d["id"]]
        assert ids(search(c, "tags:bench_07 카드")) == [d["id"]]
        assert ids(search(c, "type:ticket status:new tags:bench_08")) == [b["id"]]
        assert ids(search(c, "tags:없는_태그")) == []
        assert sorted(ids(search(c, "tags:none"))) == []
        # A tag moved by an update moves in the index too.
        update(c, d["id"], tags=["bench_09"])
        wait_count(c, "tags:bench_09", 1)
        assert ids(search(c, "tags:bench_07")) == [a["id"]]
        # End-users see only their own tagged tickets.
        own = make(c, "내 태그", "본문", tags=["bench_07"], requester={"email": "eu@example.com"})
        wait_count(c, "tags:bench_07", 2)
        eu = s.client(auth=basic("eu@example.com", ADMIN_TOKEN))
        assert ids(search(eu, "tags:bench_07")) == [own["id"]]


def test_multi_word_queries_narrow_by_every_token(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        both = make(c, "환불 요청", "배송이 지연되고 있습니다")
        split = make(c, "환불 문의", "처음 글")
        update(c, split["id"], comment={"body": "아직도 지연 중입니다", "public": True})
        noted = make(c, "환불 확인", "처음 글", requester={"email": "eu@example.com"})
        update(c, noted["id"], comment={"body": "내부 메모: 지연 원인 조사", "public": False})
        only = make(c, "환불 완료", "감사합니다", tags=["vip"])
        make(c, "해외 배송", "관세 문의", tags=["vip"])
        wait_count(c, "type:ticket", 5)
        wait_count(c, "조사", 1)
        # Words in subject, description and comments all count; notes for staff only.
        assert sorted(ids(search(c, "환불 지연"))) == sorted([both["id"], split["id"], noted["id"]])
        eu = s.client(auth=basic("eu@example.com", ADMIN_TOKEN))
        assert ids(search(eu, "환불 지연")) == []
        assert ids(search(eu, "환불")) == [noted["id"]]
        assert ids(search(c, '"지연되고 있습니다" 환불')) == [both["id"]]
        assert ids(search(c, "환불 지연되고")) == [both["id"]]  # bigrams of one word
        assert ids(search(c, "환불 -지연")) == [only["id"]]
        assert ids(search(c, "환불 tags:vip")) == [only["id"]]
        assert ids(search(c, "관세 tags:vip")) != [] and ids(search(c, "관세 tags:none")) == []
        assert sorted(ids(search(c, "환불 감사"))) == [only["id"]]


def test_cursor_pages_by_created_at_follow_the_clock_not_the_id(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        first = make(c, "첫 문의", "본문")["id"]
        s.set_clock_offset(-3600 * 1000)  # the business clock goes back an hour
        earlier = make(c, "이전 문의", "본문")["id"]
        s.set_clock_offset(0)
        rest = [make(c, f"문의 {i}", "본문")["id"] for i in range(4)]
        assert earlier > first
        order = [earlier, first] + rest
        seen, last = walk(c, T + ".json?page[size]=2&sort=created_at")
        assert seen == order and last["meta"]["has_more"] is False, seen
        seen, _ = walk(c, T + ".json?page[size]=2&sort=-created_at")
        assert seen == order[::-1], seen
        # The offset list (reads every ticket) agrees.
        r = c.request("GET", T + ".json?sort_by=created_at&sort_order=asc").json
        assert [t["id"] for t in r["tickets"]] == order, r
        # After a restart the index is still whole, and new tickets join it.
        assert s.stop_service("intake") == 0
        s.restart("intake")
        deadline = time.time() + scaled(10)
        while c.request("GET", f"{T}/{first}.json").status != 200 and time.time() < deadline:
            time.sleep(0.1)
        newest = make(c, "재시작 후", "본문")["id"]
        seen, _ = walk(c, T + ".json?page[size]=4&sort=-created_at")
        assert seen == [newest] + order[::-1], seen


def drop_created_index(env_dir):
    """Rewrite intake's LMDB env without tk_by_created, as a store written
    before the index existed (mdb_dump -a / mdb_load, Debian's lmdb-utils)."""
    dump = subprocess.run(["mdb_dump", "-a", env_dir], check=True, capture_output=True).stdout
    sections, keep = dump.split(b"VERSION=3\n"), []
    for sec in sections[1:]:
        if b"\ndatabase=tk_by_created\n" not in b"\n" + sec:
            keep.append(b"VERSION=3\n" + sec)
    assert len(keep) == len(sections) - 2, "tk_by_created was not in the dump"
    fresh = env_dir + ".old"
    os.mkdir(fresh)
    subprocess.run(["mdb_load", "-f", "/dev/stdin", fresh], input=b"".join(keep), check=True,
                   capture_output=True)
    os.replace(os.path.join(fresh, "data.mdb"), os.path.join(env_dir, "data.mdb"))


def test_created_index_is_built_for_a_store_from_before_it(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        first = make(c, "첫 문의", "본문")["id"]
        s.set_clock_offset(-3600 * 1000)
        earlier = make(c, "이전 문의", "본문")["id"]
        s.set_clock_offset(0)
        last = make(c, "마지막 문의", "본문")["id"]
        assert s.stop_service("intake") == 0
        drop_created_index(os.path.join(s.data, "intake-0"))
        s.restart("intake")
        deadline = time.time() + scaled(10)
        while c.request("GET", f"{T}/{first}.json").status != 200 and time.time() < deadline:
            time.sleep(0.1)
        seen, _ = walk(c, T + ".json?page[size]=2&sort=created_at")
        assert seen == [earlier, first, last], seen
        assert "tickets.by_created_built" in s.log_tail("intake-0", 400), s.log_tail("intake-0")
