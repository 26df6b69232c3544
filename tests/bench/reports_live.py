"""Add the live wallboard rows (reports_live.tsv) to results.json: the
feed must answer in under a millisecond (p50 at c=1) at the loaded count.
  usage: reports_live.py REPORTS_LIVE_TSV RESULTS_JSON"""
import json
import sys

TARGET_P50_MS = 1.0
results = json.load(open(sys.argv[2]))
for line in open(sys.argv[1]):
    parts = line.split()
    name, conns, tickets = parts[0], int(parts[1]), int(parts[2])
    f = dict(p.split("=") for p in parts[4:])
    row = {"tickets": tickets, "rps": float(f["rps"]), "p50_ms": float(f["p50_ms"]),
           "p99_ms": float(f["p99_ms"]), "errors": int(f["errors"]) + int(f["non2xx"])}
    if conns == 1:
        row.update(target_p50_ms=TARGET_P50_MS, meets_target=row["p50_ms"] < TARGET_P50_MS)
    results[f"{name}_c{conns}"] = row
    print(f"{name:<16}{conns:>6}{row['rps']:>10.0f}{row['p50_ms']:>9.3f}{row['p99_ms']:>9.3f}"
          f"  at {tickets} tickets")
json.dump(results, open(sys.argv[2], "w"), indent=2)
