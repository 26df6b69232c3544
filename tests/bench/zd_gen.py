#!/usr/bin/env python3
"""Synthetic Zendesk exports for hd-import, in Zendesk's own shapes.

    zd_gen.py OUT_DIR --tickets N [--comments K | --comments-min A --comments-max B]
              [--users U] [--orgs O] [--seed S] [--page 1000]

Writes, all from one seeded random generator (no third-party data):
  organizations.json  one {"organizations":[…], "next_page":null, "count":O}
                      page (pretty-printed, as GET /api/v2/organizations)
  users.ndjson        one user object a line (the incremental user export
                      saved as ndjson)
  tickets.ndjson      incremental ticket export pages, one a line:
                      {"tickets":[…], "after_url":…, "after_cursor":…,
                       "before_url":null, "before_cursor":null,
                       "end_of_stream":bool}
  comments.ndjson     {"ticket_id":N, "comments":[…]} a line, the comments
                      as GET /api/v2/tickets/N/comments returns them
Text is Korean or English (about 60/40), words drawn from small hand-written
vocabularies with a Zipf-like frequency (weight 1/rank^1.07), so a few words
are common and most are rare, as in real support mail. Requesters are many
(U end-users), agents few; ticket times spread over the year before
2026-01-01; a share of tickets have 5-20 comments, some private.
"""
import argparse
import itertools
import json
import os
import random
import time

KO = ("안녕하세요 문의 주문 배송 결제 환불 확인 부탁드립니다 고객님 계정 로그인 비밀번호 오류 "
      "화면 앱 설치 업데이트 요청 처리 감사합니다 상품 교환 취소 접수 답변 메일 전화 번호 주소 "
      "변경 문제 해결 방법 안내 카드 영수증 쿠폰 할인 적용 이벤트 회원 가입 탈퇴 정보 수정 "
      "지연 도착 예정 택배 기사 파손 누락 재발송 구매 내역 포인트 적립 사용 기간 만료 연장 "
      "서비스 이용 불편 죄송합니다 빠른 시일 내 조치 담당자 연락 드리겠습니다 확인 후 다시 "
      "안내드리겠습니다 결제 실패 중복 청구 카드사 승인 취소 처리 완료 영업일 소요 됩니다 "
      "첨부 파일 사진 캡처 보내 주세요 문의하신 내용 관련 추가 질문 있으시면 언제든지 "
      "연락 주세요 좋은 하루 되세요 배송지 변경 가능 여부 옵션 색상 사이즈 재고 품절 입고 "
      "알림 신청 제품 불량 수리 보증 기간 센터 방문 예약 일정 확인 부탁 드려요").split()
EN = ("hello order shipping payment refund please check account login password error "
      "screen app install update request thanks product exchange cancel reply email "
      "phone number address change problem solution guide card receipt coupon discount "
      "event member signup delete info edit delay arrival courier damaged missing "
      "resend purchase history points expire extend service sorry soon contact agent "
      "again failed duplicate charge approved completed business days attached photo "
      "screenshot send question anytime great day stock size color option warranty "
      "repair center visit schedule invoice subscription plan upgrade downgrade billing "
      "tracking delivered package return label website browser cache cookie mobile "
      "notification settings language region timezone export report dashboard").split()


def zipf_sampler(rng, words, s=1.07):
    weights = [1.0 / (r + 1) ** s for r in range(len(words))]
    cum = list(itertools.accumulate(weights))
    order = words[:]
    rng.shuffle(order)  # which word is common is itself seeded
    return lambda k: rng.choices(order, cum_weights=cum, k=k)


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.ko = zipf_sampler(self.rng, KO)
        self.en = zipf_sampler(self.rng, EN)
        self.end = 1767225600  # 2026-01-01T00:00:00Z
        self.start = self.end - 365 * 86400

    def text(self, lo, hi, korean):
        words = (self.ko if korean else self.en)(self.rng.randint(lo, hi))
        return " ".join(words)

    def orgs(self):
        return [{"id": 360000000 + i, "url": f"https://example.zendesk.com/api/v2/organizations/{360000000 + i}.json",
                 "name": f"고객사 {i}" if i % 2 else f"Customer {i} Inc",
                 "shared_tickets": i % 5 == 0, "shared_comments": False,
                 "external_id": None, "created_at": iso(self.start - 86400 * (i + 1)),
                 "updated_at": iso(self.start), "domain_names": [f"org{i}.example"],
                 "details": "", "notes": "", "group_id": None, "tags": ["vip"] if i % 7 == 0 else [],
                 "organization_fields": {}}
                for i in range(self.a.orgs)]

    def users(self):
        out = []
        for i in range(self.a.agents + self.a.users):
            agent = i < self.a.agents
            uid = 370000000 + i
            korean = self.rng.random() < 0.6
            org = None if agent or self.rng.random() < 0.5 or not self.a.orgs else \
                360000000 + self.rng.randrange(self.a.orgs)
            out.append({
                "id": uid, "url": f"https://example.zendesk.com/api/v2/users/{uid}.json",
                "name": (f"상담원 {i}" if agent else f"고객 {i}") if korean else
                        (f"Agent {i}" if agent else f"Customer {i}"),
                "email": f"{'agent' if agent else 'user'}{i}@{'support' if agent else 'mail'}.example",
                "created_at": iso(self.start - 86400 + i), "updated_at": iso(self.start),
                "time_zone": "Seoul", "iana_time_zone": "Asia/Seoul", "phone": None,
                "locale": "ko" if korean else "en-US", "locale_id": 69 if korean else 1,
                "organization_id": org, "role": "agent" if agent else "end-user",
                "verified": True, "external_id": None, "tags": [], "alias": "",
                "active": True, "shared": False, "suspended": False,
                "details": "", "notes": "", "user_fields": {}})
        return out

    def tickets(self):
        """(ticket, comments) pairs; ticket ids ascend with created_at."""
        a, rng = self.a, self.rng
        span = self.end - self.start
        statuses = ["new", "open", "open", "pending", "hold", "solved", "solved", "closed", "closed", "closed"]
        prios = [None, "low", "normal", "normal", "high", "urgent"]
        types = [None, "question", "incident", "problem", "task"]
        tagpool = ["billing", "shipping", "refund", "login", "bug", "vip", "배송", "환불", "결제", "앱"]
        cid = itertools.count(380000000)
        for n in range(a.tickets):
            tid = n + 1
            created = self.start + (span * n) // max(a.tickets, 1) + rng.randrange(60)
            korean = rng.random() < 0.6
            requester = 370000000 + a.agents + rng.randrange(a.users)
            agent = 370000000 + rng.randrange(a.agents)
            status = rng.choice(statuses)
            if a.comments is not None:
                k = a.comments
            else:
                k = rng.randint(a.comments_min, a.comments_max) if rng.random() < a.share else rng.randint(1, 3)
            comments, t = [], created
            for j in range(k):
                by_agent = j % 2 == 1
                public = not by_agent or rng.random() < 0.8
                body = self.text(8, 60, korean)
                comments.append({
                    "id": next(cid), "type": "Comment",
                    "author_id": agent if by_agent else requester,
                    "body": body, "html_body": f"<div class=\"zd-comment\"><p>{body}</p></div>",
                    "plain_body": body, "public": public, "attachments": [],
                    "audit_id": next(cid),
                    "via": {"channel": "email" if j == 0 else "web", "source": {"from": {}, "to": {}, "rel": None}},
                    "created_at": iso(t), "metadata": {"system": {}, "custom": {}}})
                t += rng.randrange(600, 86400)
            solved = iso(t) if status in ("solved", "closed") else None
            ticket = {
                "id": tid, "url": f"https://example.zendesk.com/api/v2/tickets/{tid}.json",
                "external_id": None, "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
                "created_at": iso(created), "updated_at": iso(t), "generated_timestamp": t,
                "type": rng.choice(types), "subject": self.text(3, 9, korean),
                "raw_subject": None, "description": comments[0]["body"] if comments else self.text(8, 40, korean),
                "priority": rng.choice(prios), "status": status, "recipient": None,
                "requester_id": requester, "submitter_id": requester,
                "assignee_id": agent if status != "new" else None,
                "organization_id": None, "group_id": None, "collaborator_ids": [],
                "follower_ids": [], "email_cc_ids": [], "forum_topic_id": None,
                "problem_id": None, "has_incidents": False, "is_public": True,
                "due_at": None, "tags": sorted(set(rng.sample(tagpool, rng.randint(0, 3)))),
                "custom_fields": [], "satisfaction_rating": None,
                "sharing_agreement_ids": [], "fields": [], "followup_ids": [],
                "ticket_form_id": None, "brand_id": None, "allow_channelback": False,
                "allow_attachments": True, "from_messaging_channel": False}
            ticket["raw_subject"] = ticket["subject"]
            if solved:
                ticket["metric_set"] = {"solved_at": solved}
            yield ticket, comments


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--tickets", type=int, required=True)
    p.add_argument("--comments", type=int, default=None, help="exactly K comments per ticket")
    p.add_argument("--comments-min", type=int, default=5)
    p.add_argument("--comments-max", type=int, default=20)
    p.add_argument("--share", type=float, default=0.3, help="share of tickets with min..max comments")
    p.add_argument("--users", type=int, default=None, help="end-users (default tickets/5)")
    p.add_argument("--agents", type=int, default=20)
    p.add_argument("--orgs", type=int, default=50)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--page", type=int, default=1000)
    a = p.parse_args()
    if a.users is None:
        a.users = max(10, a.tickets // 5)
    os.makedirs(a.out, exist_ok=True)
    g = Gen(a)
    with open(os.path.join(a.out, "organizations.json"), "w") as f:
        orgs = g.orgs()
        json.dump({"organizations": orgs, "next_page": None, "previous_page": None,
                   "count": len(orgs)}, f, ensure_ascii=False, indent=2)
    with open(os.path.join(a.out, "users.ndjson"), "w") as f:
        for u in g.users():
            f.write(json.dumps(u, ensure_ascii=False, separators=(",", ":")) + "\n")
    ncomments = 0
    with open(os.path.join(a.out, "tickets.ndjson"), "w") as tf, \
            open(os.path.join(a.out, "comments.ndjson"), "w") as cf:
        page, n = [], 0
        for ticket, comments in g.tickets():
            n += 1
            page.append(ticket)
            ncomments += len(comments)
            cf.write(json.dumps({"ticket_id": ticket["id"], "comments": comments},
                                ensure_ascii=False, separators=(",", ":")) + "\n")
            if len(page) == a.page or n == a.tickets:
                cursor = f"c{n:012d}"
                tf.write(json.dumps({
                    "tickets": page,
                    "after_url": f"https://example.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor={cursor}",
                    "after_cursor": cursor, "before_url": None, "before_cursor": None,
                    "end_of_stream": n == a.tickets}, ensure_ascii=False, separators=(",", ":")) + "\n")
                page = []
    print(json.dumps({"tickets": a.tickets, "comments": ncomments, "users": a.users + a.agents,
                      "organizations": a.orgs}))


if __name__ == "__main__":
    main()
