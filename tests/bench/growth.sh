# Sourced by run.sh: event end-to-end latency and growth. Uses run.sh's
# PORT, OUT, TOOLS, HD_AUTH and wrk_run.

# ticket_count → the suite's ticket count (GET /tickets/count)
ticket_count() {
  curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$PORT/api/v2/tickets/count.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["count"]["value"])'
}

# e2e LABEL RATE CONNS: tickets at RATE/s (0 = as fast as taken) for
# BENCH_E2E_SECONDS; appends "E2E LABEL svc=… p50_ms=…" per consumer.
e2e() {
  local line
  "$TOOLS/hd-bench-e2e" "$PORT" "$OUT/data/run" "$2" "${BENCH_E2E_SECONDS:-5}" "$3" |
    while read -r line; do
      echo "E2E $1 ${line#E2E }" >>"$OUT/results.tsv"
      echo "  e2e $1: ${line#E2E }"
    done
}

# grow_to N LABEL: create tickets through the gateway until there are N.
grow_to() {
  local have line
  have=$(ticket_count)
  [ "$have" -lt "$1" ] || return 0
  line=$("$TOOLS/hd-bench-load" "$PORT" "$have" $(($1 - have)) "${BENCH_LOAD_CONNS:-32}")
  echo "LOAD $2 $have ${line#LOAD }" >>"$OUT/results.tsv"
  echo "  load to $2: ${line#LOAD }"
}

# measure_at LABEL: create rate and ticket search latency at this size
# (c=2: one connection per wrk thread, for latency; c=16 under load).
measure_at() {
  local api=http://127.0.0.1:$PORT/api/v2
  wrk_run "create_at_$1" 16 "$api/tickets.json" post_ticket.lua
  for c in 2 16; do
    wrk_run "search_tag_at_$1" "$c" "$api/search.json" search_tag.lua
    wrk_run "search_ko_at_$1" "$c" "$api/search.json" search_ko.lua
    wrk_run "list_at_$1" "$c" "$api/tickets.json" list.lua
  done
  LIST_SORT=-created_at wrk_run "list_newest_at_$1" 2 "$api/tickets.json" list.lua
}
