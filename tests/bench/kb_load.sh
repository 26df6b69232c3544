#!/usr/bin/env bash
# Load COUNT synthetic help center articles into a running suite for the
# article search benchmark: a category and a section over HTTP, then the
# articles through knowledge's hc.articles.import RPC (hd-kb-load).
#   usage: tests/bench/kb_load.sh PORT TOOLS_DIR RUN_DIR COUNT
# Needs HD_AUTH (an admin's Authorization header). Prints the load time.
set -euo pipefail
PORT=${1:?PORT}; TOOLS=${2:?TOOLS_DIR}; RUN=${3:?RUN_DIR}; COUNT=${4:?COUNT}
BASE=http://127.0.0.1:$PORT/api/v2/help_center
post() {
  curl -fsS -X POST -H "Authorization: $HD_AUTH" -H 'Content-Type: application/json' -d "$2" "$BASE$1"
}
cat_id=$(post /categories.json '{"category":{"name":"벤치마크","locale":"ko"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["category"]["id"])')
sec_id=$(post "/categories/$cat_id/sections.json" '{"section":{"name":"검색","locale":"ko"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["section"]["id"])')
start=$(date +%s.%N)
"$TOOLS/hd-kb-load" "ipc://$RUN/knowledge-0.rpc" "$sec_id" "$COUNT"
echo "  kb_load: $COUNT articles in $(python3 -c "print(round($(date +%s.%N) - $start, 1))")s"
