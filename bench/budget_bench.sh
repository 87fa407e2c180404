#!/usr/bin/env bash
# Budget benchmark (issue "rate budgets, offboarding first"). Against the bundled SCIM server's
# budget mode (a published per-window write budget answered with 429 + Retry-After beyond it,
# as Slack's SCIM API does: https://docs.slack.dev/reference/scim-api/rate-limits), each figure
# beside the budget it is measured against:
#   1. a first load of N users at a budget of B writes a second: writes/s reached as a share of
#      B, and the 429s seen;
#   2. the same with 40 % of the budget used by other applications (the budget is shared):
#      writes/s as a share of what is left, and the 429s;
#   3. time to the first deactivations: 5 leavers and 2,000 joiners planned before them,
#      against Slack's real 180 writes a minute: when each deactivation reached the server;
#   4. a first load of F users spread over runs of operations_per_run P: runs needed, creates
#      the server saw (no duplicates), the wall time of each run.
# Usage: bench/budget_bench.sh [N] [B] [F] [P]   (defaults 3000 100 20000 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-3000}"
budget="${2:-100}"
first_load="${3:-20000}"
per_run="${4:-5000}"
scripts/build >/dev/null
work="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; kill "$SYNC_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
SYNC_PID=""
export BENCH_TOKEN="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

coproc SERVER { SCIM_TEST_TOKEN="$BENCH_TOKEN" exec node tests/scim_server/server.mjs --port 0; }
read -r -t 20 _ port <&"${SERVER[0]}"
base="http://127.0.0.1:$port"
test_api() { curl -sf -X "$1" "$base/test$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }

make_csv() { # $1: people, $2: first number (default 1)
  echo "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id"
  local from="${2:-1}"
  for ((i = from; i < from + $1; i++)); do
    printf 'T%06d,First%d,Last%d,person%d@example.com,Engineer,Dept%d,CC-%d,,\n' \
      "$i" "$i" "$i" "$i" $((i % 40)) $((i % 12))
  done
}
write_config() { # $1: the target's budget lines (YAML under budget:), or empty
  rm -f "$work/state.db"*
  {
    printf 'source:\n  type: csv\n  path: %s/hr.csv\n  key_column: employee_id\n' "$work"
    printf 'mapping: %s/examples/mapping.yaml\n' "$PWD"
    printf 'target:\n  name: bench\n  url: %s/scim/v2\n  token_env: BENCH_TOKEN\n  bulk: false\n' "$base"
    [ -z "$1" ] || printf '  budget:\n%s\n' "$1"
    printf 'state: %s/state.db\n' "$work"
    printf 'safety:\n  confirm_absence: 1\n  max_deactivation_percent: 100\n'
  } > "$work/config.yaml"
}
sync() { build/agent/hr2scim sync -c "$work/config.yaml" --log-level warn > "$work/out" 2> "$work/err"; }
# Writes the server let through: "<count> <writes/s from the first to the last> <429s>".
writes_seen() { test_api GET /requests | node -e '
  let t = ""; process.stdin.on("data", (d) => t += d).on("end", () => {
    const all = JSON.parse(t).filter((x) => x.method !== "GET");
    const ok = all.filter((x) => x.status !== 429);
    const span = (ok[ok.length - 1].at - ok[0].at) / 1000;
    console.log(ok.length, ((ok.length - 1) / span).toFixed(1), all.length - ok.length); });'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "hr2scim budgets: $(nproc) cores, $(date -u +%F)"
echo

# A first load at a budget of $budget writes/s of which others use $1; prints
# "<writes> <writes/s> <429s>".
budget_run() {
  test_api POST /reset >/dev/null
  test_api POST /mode "{\"budget\": {\"writes\": $budget, \"windowMs\": 1000, \"background\": $1}}" >/dev/null
  write_config "    writes: $budget/s"
  sync
  writes_seen
}
make_csv "$count" > "$work/hr.csv"

# 1. The whole budget.
read -r writes rate limited < <(budget_run 0)
echo "1. first load of $count at a budget of $budget writes/s: $writes writes at $rate/s = $(ratio "$rate" "$budget") of the budget, $limited 429s"

# 2. A budget shared with other applications using 40 % of it.
background=$((budget * 2 / 5))
left=$((budget - background))
read -r writes rate limited < <(budget_run "$background")
echo "2. the same, others using $background of the $budget writes/s: $writes writes at $rate/s = $(ratio "$rate" "$left") of the $left left, $limited 429s"

# 3. Time to the first deactivations: 5 leavers behind 2,000 joiners, at 180 writes a minute.
test_api POST /reset >/dev/null
make_csv 5 900001 > "$work/hr.csv"
write_config "    writes: 180/min"
sync
make_csv 2000 > "$work/hr.csv"
test_api DELETE /requests >/dev/null
started=$(date +%s%3N)
build/agent/hr2scim sync -c "$work/config.yaml" --log-level warn > "$work/out" 2> "$work/err" &
SYNC_PID=$!
deactivations=""
for _ in $(seq 1 300); do
  deactivations="$(test_api GET /requests | node -e '
    let t = ""; process.stdin.on("data", (d) => t += d).on("end", () => {
      const w = JSON.parse(t).filter((x) => x.method !== "GET" && x.status < 300);
      const d = w.filter((x) => x.method === "PATCH").map((x) => x.at);
      const firstCreate = w.find((x) => x.method === "POST");
      if (d.length >= 5) console.log(d.slice(0, 5).join(" "), firstCreate ? firstCreate.at : 0); });')"
  [ -n "$deactivations" ] && break
  sleep 0.1
done
kill "$SYNC_PID" 2>/dev/null || true; wait "$SYNC_PID" 2>/dev/null || true; SYNC_PID=""
[ -n "$deactivations" ] || { echo "3. the deactivations did not arrive within 30 s"; cat "$work/out" "$work/err"; exit 1; }
read -r d1 d2 d3 d4 d5 first_create <<<"$deactivations"
secs() { awk -v a="$1" -v b="$started" 'BEGIN { printf "%.2f", (a - b) / 1000 }'; }
echo "3. 5 leavers behind 2,000 joiners at 180 writes/min: deactivations reached the target $(secs "$d1") $(secs "$d2") $(secs "$d3") $(secs "$d4") $(secs "$d5") s after the sync started (the first create: $( [ "$first_create" = 0 ] && echo "not yet" || echo "$(secs "$first_create") s"))"

# 4. A first load spread over runs.
test_api POST /reset >/dev/null
make_csv "$first_load" > "$work/hr.csv"
write_config "    operations_per_run: $per_run"
runs=0; walls=""
while :; do
  runs=$((runs + 1))
  t0=$(date +%s%3N)
  sync
  walls="$walls $(awk -v a="$(date +%s%3N)" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) / 1000 }')"
  grep -q "left for the next run" "$work/out" || break
  [ "$runs" -lt 100 ] || { echo "4. did not finish in 100 runs"; exit 1; }
done
posts="$(test_api GET /requests | node -e '
  let t = ""; process.stdin.on("data", (d) => t += d).on("end", () =>
    console.log(JSON.parse(t).filter((x) => x.method === "POST" && x.status === 201).length));')"
held="$(test_api GET /users | node -e '
  let t = ""; process.stdin.on("data", (d) => t += d).on("end", () => {
    const u = JSON.parse(t); console.log(u.length, new Set(u.map((x) => x.externalId)).size); });')"
echo "4. first load of $first_load at $per_run operations a run: $runs runs (wall s:$walls), $posts creates seen, users held / distinct: $held"
