"""Turn build/bench/results.tsv into the printed table and results.json.
Every figure sits beside the floor measured in the same run."""
import json
import sys

rows, mem = {}, {}
for line in open(sys.argv[1]):
    parts = line.split()
    if parts[0] == "MEM":
        _, svc, phase, anon, file_ = parts
        mem.setdefault(svc, {})[phase] = {"anon_kb": int(anon), "file_kb": int(file_)}
        continue
    name, conns = parts[0], int(parts[1])
    fields = dict(p.split("=") for p in parts[3:])
    rows[(name, conns)] = {"rps": float(fields["rps"]), "p50_ms": float(fields["p50_ms"]),
                           "p99_ms": float(fields["p99_ms"]),
                           "errors": int(fields["errors"]) + int(fields["non2xx"])}

floors = {"ticket_create": "floor_post", "ticket_show": "floor_get"}
targets = {"ticket_create": 0.25, "ticket_show": 0.5}
results = {"memory": mem, "not_measured": [
    "ticket list, ticket search, event end-to-end latency, growth: "
    "their endpoints and probes land with the tickets, search and bench issues"]}
print(f"{'measure':<16}{'conns':>6}{'rps':>10}{'p50 ms':>9}{'p99 ms':>9}{'floor rps':>11}{'ratio':>7}{'target':>8}")
p99_targets = {"kb_search": 10.0}  # ms: latency targets without a floor
for (name, conns), r in sorted(rows.items()):
    if name.startswith("floor"):
        continue
    if name in p99_targets:
        results[f"{name}_c{conns}"] = dict(r, target_p99_ms=p99_targets[name],
                                           meets_target=r["p99_ms"] <= p99_targets[name])
        print(f"{name:<16}{conns:>6}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
              f"{'':>11}{'':>7}{'p99<=' + str(p99_targets[name]):>8}")
        continue
    floor = rows[(floors[name], conns)]
    ratio = r["rps"] / floor["rps"] if floor["rps"] else 0
    entry = dict(r, floor_rps=floor["rps"], floor_p99_ms=floor["p99_ms"], ratio=round(ratio, 3),
                 target_ratio=targets[name], meets_target=ratio >= targets[name])
    results[f"{name}_c{conns}"] = entry
    print(f"{name:<16}{conns:>6}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
          f"{floor['rps']:>11.0f}{ratio:>7.3f}{targets[name]:>8}")
print("memory (kB)      anon idle  anon loaded  file loaded")
for svc, m in sorted(mem.items()):
    print(f"  {svc:<14}{m.get('idle', {}).get('anon_kb', 0):>9}{m.get('loaded', {}).get('anon_kb', 0):>13}"
          f"{m.get('loaded', {}).get('file_kb', 0):>13}")
json.dump(results, open(sys.argv[2], "w"), indent=2)
print(f"written: {sys.argv[2]}")
