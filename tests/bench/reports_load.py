"""Load COUNT tickets into a running suite for the live wallboard bench:
ten groups, then tickets spread over them (a third assigned to the admin)
through POST /tickets/create_many (100 a request) on 8 keep-alive
connections, then wait until every consumer (metrics too) has applied
everything (GET /api/v2/hd/bus "converged").
  usage: reports_load.py PORT COUNT      (HD_AUTH: an admin's Authorization)"""
import http.client
import json
import os
import sys
import threading
import time

PORT, COUNT = int(sys.argv[1]), int(sys.argv[2])
AUTH = os.environ["HD_AUTH"]
WORKERS, BATCH = 8, 100


def request(conn, method, path, body=None):
    conn.request(method, path, body=json.dumps(body, ensure_ascii=False).encode() if body else None,
                 headers={"Authorization": AUTH, "Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit(f"reports_load: {method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data) if data else None


def main():
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    me = request(conn, "GET", "/api/v2/users/me")["user"]["id"]
    groups = [request(conn, "POST", "/api/v2/groups", {"group": {"name": f"대기열 {i}"}})["group"]["id"]
              for i in range(10)]
    batches = [range(i, min(i + BATCH, COUNT)) for i in range(0, COUNT, BATCH)]
    lock = threading.Lock()
    start = time.time()

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        while True:
            with lock:
                if not batches:
                    return
                b = batches.pop()
            tickets = [{"subject": f"배송 문의 {n}", "comment": {"body": "주문한 상품이 아직 오지 않았어요"},
                        "group_id": groups[n % 10], "tags": ["bench"],
                        **({"assignee_id": me} if n % 3 == 0 else {})} for n in b]
            request(c, "POST", "/api/v2/tickets/create_many", {"tickets": tickets})

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = time.time()
    conn.close()  # idle past the keep-alive timeout while the workers ran
    while True:
        poll = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        done = request(poll, "GET", "/api/v2/hd/bus")["bus"]["converged"]
        poll.close()
        if done:
            break
        time.sleep(0.5)
    print(f"  reports_load: {COUNT} tickets created in {created - start:.1f}s, "
          f"applied everywhere after {time.time() - start:.1f}s")


main()
