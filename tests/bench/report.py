"""Turn build/bench/results.tsv into the printed table and results.json.
Every HTTP figure sits beside the floor measured in the same run; every
target of issue #9 is marked holds / misses (or n/a when this run's scale
does not measure it)."""
import json
import sys

MB = 1024
rows, mem, e2e, loads = {}, {}, {}, {}
imports, stores, cpu = {}, {}, {}  # tests/bench/import.sh (and growth.sh's stores_at)
commits = {}  # growth.sh: intake's durable commits during each create phase


def kv(parts):
    return dict(p.split("=", 1) for p in parts)


for line in open(sys.argv[1]):
    parts = line.split()
    if not parts:
        continue
    if parts[0] == "MEM":
        svc, phase, anon, file_ = parts[1:5]
        m = {"anon_kb": int(anon), "file_kb": int(file_)}
        if len(parts) >= 7:  # VmRSS and its peak VmHWM
            m.update(rss_kb=int(parts[5]), hwm_kb=int(parts[6]))
        mem.setdefault(svc, {})[phase] = m
    elif parts[0] == "CPU":
        f = kv(parts[3:])
        cpu.setdefault(parts[1], {})[parts[2]] = {k: float(v) for k, v in f.items()}
    elif parts[0] == "E2E":
        f = kv(parts[2:])
        e2e[(parts[1], f["svc"])] = {k: float(v) for k, v in f.items() if k != "svc"}
    elif parts[0] == "COMMITS":
        f = kv(parts[3:])
        commits[parts[1].replace("create_at_", "")] = {k: float(v) for k, v in f.items()}
    elif parts[0] == "IMPORT":
        imports[parts[1]] = {k: float(v) for k, v in kv(parts[2:]).items()}
    elif parts[0] == "STORE":
        stores.setdefault(parts[1], {})[parts[2]] = int(parts[3])
    elif parts[0] == "LOAD":
        f = kv(parts[3:])
        loads[parts[1]] = {"from": int(parts[2]), "tickets": int(f["n"]),
                           "secs": float(f["secs"]), "rps": float(f["rps"]),
                           "errors": int(f["errors"])}
    else:
        f = kv(parts[3:])
        rows[(parts[0], int(parts[1]))] = {
            "rps": float(f["rps"]), "p50_ms": float(f["p50_ms"]), "p99_ms": float(f["p99_ms"]),
            "errors": int(f["errors"]) + int(f["non2xx"])}

# measure → (floor, minimum ratio to the floor's rps or None, maximum p99 ms or None)
RULES = {"ticket_create": ("floor_post", 0.25, None), "ticket_show": ("floor_get", 0.5, None),
         "kb_search": ("floor_get", None, 10.0)}
for name, _ in rows:
    if name.startswith(("search_tag_at_", "search_ko_at_")):
        RULES[name] = ("floor_get", None, 20.0 if name.endswith("_100k") else None)
    elif name.startswith(("search_common_", "search_status_", "search_assignee_", "search_combo_")):
        # Issue #15: search p99 <= 30 ms at c=16 (the target is set for
        # 1,000,000 tickets; held to it at 100,000 too).
        RULES[name] = ("floor_get", None, 30.0 if name.endswith(("_100k", "_1m")) else None)
    elif name.startswith(("list_offset_", "list_requested_")):
        RULES[name] = ("floor_get", None, None)
    elif name.startswith(("view_page_", "view_count_")):
        # Issue #15: first page <= 10 ms, count <= 2 ms at 100,000 and more.
        big = name.endswith(("_100k", "_1m"))
        RULES[name] = ("floor_get", None, (10.0 if "page" in name else 2.0) if big else None)
    elif name.startswith(("list_at_", "create_at_")):
        RULES[name] = ("floor_post" if name.startswith("create") else "floor_get", None, None)

results = {"http": {}, "event_e2e": {}, "growth": {}, "memory": {}, "loads": loads, "targets": {}}
table = []  # (measure, conns, rps, p50, p99, max, floor, ratio, target, verdict)


def verdict(ok):
    return "n/a" if ok is None else ("holds" if ok else "misses")


for (name, conns), r in sorted(rows.items()):
    if name.startswith("floor"):
        continue
    floor_name, min_ratio, max_p99 = RULES.get(name, ("floor_get", None, None))
    floor = rows.get((floor_name, conns)) or rows.get((floor_name, 16)) or {"rps": 0}
    ratio = r["rps"] / floor["rps"] if floor["rps"] else 0.0
    target, ok = "", None
    if min_ratio is not None:
        target, ok = f">={min_ratio}xfloor", ratio >= min_ratio and r["errors"] == 0
    elif max_p99 is not None:
        target, ok = f"p99<={max_p99:g}ms", r["p99_ms"] <= max_p99 and r["errors"] == 0
    entry = dict(r, floor=floor_name, floor_rps=floor["rps"], ratio=round(ratio, 4),
                 target=target or None, holds=ok)
    results["http"][f"{name}_c{conns}"] = entry
    table.append((name, conns, r["rps"], r["p50_ms"], r["p99_ms"], None, floor["rps"], ratio,
                  target, verdict(ok)))

for (label, svc), e in sorted(e2e.items()):
    target, ok = "", None
    if label == "steady":
        target, ok = "p99<=5ms", e["p99_ms"] <= 5.0 and e["unseen"] == 0 and e["errors"] == 0
    results["event_e2e"][f"{label}_{svc}"] = dict(e, target=target or None, holds=ok)
    table.append((f"e2e_{label}_{svc}", int(e["rate"]), e["achieved_rps"], e["p50_ms"],
                  e["p99_ms"], e["max_ms"], None, None, target, verdict(ok)))

# Growth: create rate at each size relative to 10k; the 1M target needs
# BENCH_SCALE=full.
base = rows.get(("create_at_10k", 16))
for label in ("10k", "100k", "1m"):
    c = rows.get((f"create_at_{label}", 16))
    if not c:
        continue
    g = {"create_rps": c["rps"], "create_p99_ms": c["p99_ms"],
         "search_tag_p99_ms": rows.get((f"search_tag_at_{label}", 2), {}).get("p99_ms"),
         "search_ko_p99_ms": rows.get((f"search_ko_at_{label}", 2), {}).get("p99_ms"),
         "list_p99_ms": rows.get((f"list_at_{label}", 2), {}).get("p99_ms")}
    if base and base["rps"]:
        g["create_vs_10k"] = round(c["rps"] / base["rps"], 3)
    if label in commits:
        g["intake_commits"] = commits[label]
    results["growth"][label] = g
if base and ("create_at_1m", 16) in rows:
    ratio = rows[("create_at_1m", 16)]["rps"] / base["rps"]
    results["targets"]["create_1m_within_20pct_of_10k"] = {"ratio": round(ratio, 3), "holds": ratio >= 0.8}
else:
    results["targets"]["create_1m_within_20pct_of_10k"] = {
        "holds": None, "note": "measured only by make bench BENCH_SCALE=full"}

# Issue #15: hd-import at >= 5,000 tickets/s (5 comments each), durable.
# Each process's CPU seconds say what bounds the rate: C cores import at
# most C / (CPU seconds per ticket of all processes) tickets/s.
for label, im in imports.items():
    ok = im["rps"] >= 5000
    c = cpu.get(label, {})
    per_ticket = sum(v["import"] for v in c.values()) / im["tickets"] if c and im["tickets"] else None
    all_in = sum(v["import"] + v["catch_up"] for v in c.values()) / im["tickets"] if per_ticket else None
    results.setdefault("import", {})[label] = dict(
        im, store_kb=stores.get(label, {}), cpu_secs=c, target="rps>=5000", holds=ok,
        cpu_ms_per_ticket=round(per_ticket * 1000, 4) if per_ticket else None,
        bound_rps_on_cores=round(im.get("cores", 2) / per_ticket) if per_ticket else None,
        cpu_ms_per_ticket_all_in=round(all_in * 1000, 4) if all_in else None,
        bound_rps_consumers_keeping_up=round(im.get("cores", 2) / all_in) if all_in else None)
    if label == "import" or "import_5000_tickets_per_s" not in results["targets"]:
        results["targets"]["import_5000_tickets_per_s"] = {"rps": im["rps"], "holds": ok, "run": label}
results["stores"] = {k: v for k, v in stores.items() if k not in imports}

idle_ok = True
for svc, m in sorted(mem.items()):
    anon = m.get("idle", {}).get("anon_kb", 0)
    idle_ok &= anon < 20 * MB
    results["memory"][svc] = dict(m, idle_target_kb=20 * MB, holds=anon < 20 * MB)
results["targets"]["idle_anon_rss_under_20mb"] = {"holds": idle_ok}
for section in ("http", "event_e2e"):
    for key, e in results[section].items():
        if e["target"]:
            results["targets"][f"{section}.{key}"] = {"target": e["target"], "holds": e["holds"]}


def num(v, fmt):
    return "" if v is None else format(v, fmt)


print(f"{'measure':<22}{'conns':>6}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
      f"{'floor rps':>11}{'ratio':>8}  {'target':<15}{'result'}")
for m, c, rps, p50, p99, mx, fl, ratio, target, v in table:
    print(f"{m:<22}{c:>6}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{num(mx, '.2f'):>9}"
          f"{num(fl, '.0f'):>11}{num(ratio, '.3f'):>8}  {target:<15}{v}")
for label, g in results["growth"].items():
    print(f"growth {label:<15} create {g['create_rps']:.0f}/s"
          + (f" ({g['create_vs_10k']:.2f} x 10k)" if "create_vs_10k" in g else "")
          + f", search p99 tag {num(g['search_tag_p99_ms'], '.2f')} ms"
          f" ko {num(g['search_ko_p99_ms'], '.2f')} ms, list p99 {num(g['list_p99_ms'], '.2f')} ms"
          + (f"; intake's commits meanwhile {g['intake_commits']['commits']:.0f},"
             f" mean {g['intake_commits']['commit_mean_ms']:.2f} ms,"
             f" {g['intake_commits']['commits_over_5ms']:.0f} over 5 ms" if "intake_commits" in g else ""))
for (label, svc), e in sorted(e2e.items()):
    if "commits" in e:
        print(f"e2e {label} {svc}: its own durable commits meanwhile {e['commits']:.0f}, "
              f"mean {e['commit_mean_ms']:.2f} ms, {e['commits_over_5ms']:.0f} over 5 ms")
t = results["targets"]["create_1m_within_20pct_of_10k"]
print(f"growth create at 1m within 20% of 10k: {verdict(t['holds'])}"
      + (f" ({t['ratio']:.2f})" if "ratio" in t else " (make bench BENCH_SCALE=full)"))
for label, ld in loads.items():
    print(f"load to {label:<14} {ld['tickets']} tickets in {ld['secs']:.1f}s = {ld['rps']:.0f}/s, "
          f"errors {ld['errors']}")
for label, im in imports.items():
    r = results["import"][label]
    print(f"import {label}: {im['tickets']:.0f} tickets + {im['comments']:.0f} comments in {im['secs']:.1f}s = "
          f"{im['rps']:.0f} tickets/s durable (target 5000: {verdict(im['rps'] >= 5000)}); "
          f"consumers caught up after {im['caught_up_secs']:.1f}s; CPU s intake {im.get('intake_cpu_secs', 0):.1f}"
          f" (incl. its search indexer), hd-import {im.get('tool_cpu_secs', 0):.1f}; stores (MB): "
          + ", ".join(f"{k} {v / MB:.0f}" for k, v in sorted(stores.get(label, {}).items()))
          + (f"; load {im['load1']:.1f}/{im['load5']:.1f} on {im['cores']:.0f} cores" if "load1" in im else ""))
    if r["cpu_ms_per_ticket"]:
        print(f"  CPU per ticket while importing, all processes: {r['cpu_ms_per_ticket']:.3f} ms ("
              + ", ".join(f"{k} {v['import']:.1f}s" for k, v in sorted(r["cpu_secs"].items()))
              + f") -> at most {r['bound_rps_on_cores']:.0f} tickets/s on {im.get('cores', 2):.0f} idle cores"
              f" with the consumers lagging as they did; {r['cpu_ms_per_ticket_all_in']:.3f} ms with their"
              f" catching up -> at most {r['bound_rps_consumers_keeping_up']:.0f} tickets/s with every consumer"
              " keeping up")
for label, st in results["stores"].items():
    print(f"stores at {label} (MB): " + ", ".join(f"{k} {v / MB:.0f}" for k, v in sorted(st.items()))
          + f"; total {sum(st.values()) / MB:.0f}")
phases = sorted({p for m in mem.values() for p in m if p.startswith("at_")})
for p in phases:
    print(f"memory {p[3:]} (MB, VmRSS / VmHWM / anon): " + ", ".join(
        f"{svc} {m[p].get('rss_kb', 0) / MB:.0f}/{m[p].get('hwm_kb', 0) / MB:.0f}/{m[p]['anon_kb'] / MB:.0f}"
        for svc, m in sorted(mem.items()) if p in m))
print(f"{'memory (kB)':<22}{'anon idle':>10}{'anon loaded':>13}{'file loaded':>13}  target idle anon<20MB")
for svc, m in sorted(mem.items()):
    print(f"  {svc:<20}{m.get('idle', {}).get('anon_kb', 0):>10}{m.get('loaded', {}).get('anon_kb', 0):>13}"
          f"{m.get('loaded', {}).get('file_kb', 0):>13}  {verdict(results['memory'][svc]['holds'])}")
json.dump(results, open(sys.argv[2], "w"), indent=2, ensure_ascii=False)
print(f"written: {sys.argv[2]}")
