# Sourced by run.sh: event end-to-end latency and growth. Uses run.sh's
# PORT, OUT, TOOLS, HD_AUTH and wrk_run.

# ticket_count → the suite's ticket count (GET /tickets/count)
ticket_count() {
  curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$PORT/api/v2/tickets/count.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["count"]["value"])'
}

# commits SVC INDEX → "count sum_s le5ms" of the service's group commits so
# far (its hd_store_commit_duration_seconds histogram, all stores summed);
# scripts/run.sh puts admin port HTTP_PORT+1+INDEX.
commits() {
  curl -fsS "http://127.0.0.1:$((PORT + 1 + $2))/metrics" | awk '
    /^hd_store_commit_duration_seconds_count/ {n += $2}
    /^hd_store_commit_duration_seconds_sum/ {s += $2}
    /^hd_store_commit_duration_seconds_bucket/ && /le="0.005"/ {f += $2}
    END {print n + 0, s + 0, f + 0}'
}

# e2e LABEL RATE CONNS: tickets at RATE/s (0 = as fast as taken) for
# BENCH_E2E_SECONDS; appends "E2E LABEL svc=… p50_ms=…" per consumer, with
# how long that consumer's own durable commits took meanwhile (the floor
# under its apply latency).
e2e() {
  local line svc before=() after=()
  for svc in metrics:5 routing:2; do before+=("$(commits "${svc%%:*}" "${svc##*:}")"); done
  local lines
  lines=$("$TOOLS/hd-bench-e2e" "$PORT" "$OUT/data/run" "$2" "${BENCH_E2E_SECONDS:-5}" "$3")
  for svc in metrics:5 routing:2; do after+=("$(commits "${svc%%:*}" "${svc##*:}")"); done
  local i=0 stats
  for svc in metrics routing; do
    line=$(grep "svc=$svc " <<<"$lines")
    stats=$(echo "${before[$i]} ${after[$i]}" | awk '{n = $4 - $1
      printf "commits=%d commit_mean_ms=%.3f commits_over_5ms=%d", n, n ? ($5 - $2) * 1000 / n : 0, n - ($6 - $3)}')
    echo "E2E $1 ${line#E2E } $stats" >>"$OUT/results.tsv"
    echo "  e2e $1: ${line#E2E } $stats"
    i=$((i + 1))
  done
}

# grow_to N LABEL: create tickets through the gateway until there are N;
# from BENCH_GROW_IMPORT_MIN tickets on (default 1,000,000: BENCH_SCALE=
# full) the difference comes in by hd-import instead, as a generated
# Zendesk export (tests/bench/import.sh --suite: IMPORT grow_LABEL).
grow_to() {
  local have line
  have=$(ticket_count)
  [ "$have" -lt "$1" ] || return 0
  if [ "$1" -ge "${BENCH_GROW_IMPORT_MIN:-1000000}" ]; then
    echo "  load to $2: hd-import of $(($1 - have)) tickets into the bench suite"
    "$ROOT/tests/bench/import.sh" "$BIN" "$OUT" $(($1 - have)) --suite "$PORT" "$OUT/data" "grow_$2"
    have=$(ticket_count)
    echo "  load to $2: the suite has $have tickets"
    return 0
  fi
  line=$("$TOOLS/hd-bench-load" "$PORT" "$have" $(($1 - have)) "${BENCH_LOAD_CONNS:-32}")
  echo "LOAD $2 $have ${line#LOAD }" >>"$OUT/results.tsv"
  echo "  load to $2: ${line#LOAD }"
}

# stores_at LABEL: each store's data.mdb size on disk (STORE LABEL store kB)
# and each service's memory (rss at_LABEL) at this size.
stores_at() {
  local d
  for d in "$OUT"/data/*/; do
    [ -f "$d/data.mdb" ] || continue
    echo "STORE $1 $(basename "$d") $(du -k "$d/data.mdb" | cut -f1)" >>"$OUT/results.tsv"
  done
  rss "at_$1"
}

# mkview JSON → the id of the view made from that body.
mkview() {
  curl -fsS -H "Authorization: $HD_AUTH" -H "Content-Type: application/json" \
    -d "$1" "http://127.0.0.1:$PORT/api/v2/views.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["view"]["id"])'
}

# views_ready: wait (up to 10 minutes) until routing (admin port
# PORT+1+2) has built every view index (hd_routing_views_building 0).
views_ready() {
  local i n
  for i in $(seq 3000); do
    n=$(curl -fsS "http://127.0.0.1:$((PORT + 3))/metrics" |
      awk '/^hd_routing_views_building / {print $2}')
    [ "$n" = 0 ] && return 0
    sleep 0.2
  done
  echo "view indexes not built after 10 minutes" >&2
  return 1
}

# view_setup: once, two views for measure_at — every unsolved ticket
# (all of the bench's) and one bench tag (about 2 %), newest first.
VIEW_BIG=
VIEW_FEW=
view_setup() {
  local open='{"field":"status","operator":"less_than","value":"solved"}'
  local out='"output":{"sort_by":"created_at","sort_order":"desc"}'
  if [ -z "$VIEW_BIG" ]; then
    VIEW_BIG=$(mkview "{\"view\":{\"title\":\"bench open\",\"all\":[$open],$out}}")
    VIEW_FEW=$(mkview "{\"view\":{\"title\":\"bench tag\",\"all\":[$open,
      {\"field\":\"current_tags\",\"operator\":\"includes\",\"value\":\"bench_07\"}],$out}}")
  fi
  views_ready
}

# search_list_at LABEL: issue #15's search families (a Korean word in every
# ticket, status and assignee filters, both with a word; per_page=25) and
# list pages (the first offset page of 25 with its count, of /tickets and
# of the bench admin's requested list: every ticket), c=2 and c=16.
search_list_at() {
  local api=http://127.0.0.1:$PORT/api/v2 c k me
  me=$(curl -fsS -H "Authorization: $HD_AUTH" "$api/users/me.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
  for c in 2 16; do
    for k in common status assignee combo; do
      SEARCH_KIND=$k wrk_run "search_${k}_at_$1" "$c" "$api/search.json" search_filter.lua
    done
    wrk_run "list_offset_at_$1" "$c" "$api/tickets.json" list_offset.lua
    wrk_run "list_requested_at_$1" "$c" "$api/users/$me/tickets/requested.json" list_offset.lua
  done
}

# measure_at LABEL: create rate and ticket search latency at this size
# (c=2: one connection per wrk thread, for latency; c=16 under load), and
# a view's first page and count (one view of nearly every ticket, one of
# few).
measure_at() {
  local api=http://127.0.0.1:$PORT/api/v2 v
  # intake's own durable commits meanwhile: how much of a create's time is
  # the commit (fsync) at this size.
  local c0 c1
  c0=$(commits intake 1)
  wrk_run "create_at_$1" 16 "$api/tickets.json" post_ticket.lua
  c1=$(commits intake 1)
  echo "$c0 $c1" | awk -v l="$1" '{n = $4 - $1
    printf "COMMITS create_at_%s svc=intake commits=%d commit_mean_ms=%.3f commits_over_5ms=%d\n",
      l, n, n ? ($5 - $2) * 1000 / n : 0, n - ($6 - $3)}' | tee -a "$OUT/results.tsv"
  for c in 2 16; do
    wrk_run "search_tag_at_$1" "$c" "$api/search.json" search_tag.lua
    wrk_run "search_ko_at_$1" "$c" "$api/search.json" search_ko.lua
    wrk_run "list_at_$1" "$c" "$api/tickets.json" list.lua
  done
  LIST_SORT=-created_at wrk_run "list_newest_at_$1" 2 "$api/tickets.json" list.lua
  search_list_at "$1"
  view_setup
  for c in 2 16; do
    for v in big:$VIEW_BIG few:$VIEW_FEW; do
      wrk_run "view_page_${v%%:*}_at_$1" "$c" "$api/views/${v##*:}/tickets.json" get.lua
      wrk_run "view_count_${v%%:*}_at_$1" "$c" "$api/views/${v##*:}/count.json" get.lua
    done
  done
}

# Each size of BENCH_SIZES (10,000 and 100,000; 1,000,000 too with
# BENCH_SCALE=full): grow the suite to it, then measure and size it there.
grow_each_size() {
  local n label
  for n in ${BENCH_SIZES:-10000 100000 $([ "${BENCH_SCALE:-}" = full ] && echo 1000000)}; do
    label=$((n / 1000))k; [ "$n" = 1000000 ] && label=1m
    grow_to "$n" "$label"
    measure_at "$label"
    stores_at "$label"
  done
}
