#!/usr/bin/env bash
# Target throughput benchmark (issue "Every SCIM target, at the target's own speed").
# Against the bundled SCIM test server on loopback, each figure beside its reference measured
# in the same run:
#   1. initial sync of N users, requests/s, beside the server's capacity from a saturating
#      load generator at the same concurrency;
#   2. the same with 20 ms latency injected by the server, beside the server's capacity at
#      that latency and beside a sequential client (max_concurrency 1, a share of N);
#   3. a server-side limit of 50 requests/s with the same limit configured: the rate reached
#      and the 429s seen (on R users);
#   4. steady state: requests per changed user when 1% change;
#   5. the initial sync again with Bulk (the test server's limit, 1000 operations a request);
#   6. Bulk as the default config uses it, at the same concurrency, against a Bulk-capable
#      target with 20 ms latency, beside the server's capacity at 20 ms (row 2): for bare
#      creates, and for verified creates (each read back, as hr2scim does; in brackets).
# Rows 1-4 send single requests (target.bulk: false), as the load generator does.
# Usage: bench/target_throughput.sh [N] [CONCURRENCY] [R]   (defaults 10000 32 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000}"
concurrency="${2:-32}"
limited="${3:-1000}"
scripts/build >/dev/null
work="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
export BENCH_TOKEN="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

coproc SERVER { SCIM_TEST_TOKEN="$BENCH_TOKEN" exec node tests/scim_server/server.mjs --port 0; }
read -r -t 20 _ port <&"${SERVER[0]}"
base="http://127.0.0.1:$port"
test_api() { curl -sf -X "$1" "$base/test$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }

make_csv() { # $1: people, $2: title suffix for every 100th person
  echo "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id"
  for ((i = 1; i <= $1; i++)); do
    title="Engineer"; (( i % 100 == 0 )) && title="Engineer$2"
    printf 'T%06d,First%d,Last%d,person%d@example.com,%s,Dept%d,CC-%d,,\n' \
      "$i" "$i" "$i" "$i" "$title" $((i % 40)) $((i % 12))
  done
}
write_config() { # $1: extra target settings
  rm -f "$work/state.db"*
  case "$1" in *bulk:*) extra="$1" ;; *) extra="${1:+$1;}bulk: false" ;; esac
  set -- "$extra"
  sed -e "s|url: http://127.0.0.1:8080/scim/v2|url: $base/scim/v2|" \
      -e "s|token_env: HR2SCIM_DEMO_TOKEN|token_env: BENCH_TOKEN|" \
      -e "s|mapping: mapping.yaml|mapping: $PWD/examples/mapping.yaml|" \
      -e "s|state: .*|state: $work/state.db|" \
      -e "s|max_deactivations: 50|max_deactivations: 1000000|" examples/config.yaml \
    | awk -v extra="$1" '{ print } /^target:/ { n = split(extra, lines, ";"); for (i = 1; i <= n; i++) print "  " lines[i] }' \
    > "$work/config.yaml"
}
# Runs a sync; prints "<operations/s while applying> <applied seconds> <wall seconds>
# <requests/s while applying>" (a create is a POST and the GET that verifies its id).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
fresh_run() { # $1: people, $2: server mode (JSON, or empty), $3: extra target settings
  make_csv "$1" "" > "$work/hr.csv"
  test_api POST /reset >/dev/null
  [ -z "$2" ] || test_api POST /mode "$2" >/dev/null
  write_config "$3"
}
sync_rate() { # $1: operations expected
  /usr/bin/time -f "%e" -o "$work/time" build/agent/hr2scim sync -c "$work/config.yaml" \
    --log-level warn > "$work/out" 2> "$work/err" || true
  local applied; applied="$(sed -n 's/^Applied to target "[^"]*" in \([0-9.]*\) s.*/\1/p' "$work/out")"
  [[ -n "$applied" ]] || { cat "$work/out" "$work/err"; exit 1; }
  awk -v n="$1" -v s="$applied" -v w="$(cat "$work/time")" -v r="$(requests_seen)" \
    'BEGIN { printf "%.0f %.2f %.2f %.0f", n / s, s, w, r / s }'
}
requests_seen() { test_api GET /requests | node -e '
  let t = ""; process.stdin.on("data", (d) => t += d).on("end", () => {
    const r = JSON.parse(t).filter((x) => !/ServiceProviderConfig|Schemas|ResourceTypes/.test(x.path));
    const s = process.argv[1]; console.log(s ? r.filter((x) => x.status == s).length : r.length); });' "${1:-}"; }
# The server's capacity for the very creates hr2scim sends (from `plan --out`), at $1 clients.
# With $2 = yes, each create is read back as hr2scim verifies it: the capacity for verified
# creates (users/s, each a POST and a GET).
capacity() { # $1: concurrency, $2: verify (yes/no) -> creates/s
  build/agent/hr2scim plan -c "$work/config.yaml" --out "$work/plan.json" >/dev/null 2>&1 || true
  node bench/load_generator.mjs --url "$base/scim/v2" --token-env BENCH_TOKEN \
    --plan "$work/plan.json" --concurrency "$1" --verify "${2:-no}" | node -e '
    let t = ""; process.stdin.on("data", (d) => t += d).on("end", () => console.log(Math.round(JSON.parse(t).per_second)));'
}

echo "hr2scim target throughput: $count users, concurrency $concurrency, $(nproc) cores, $(date -u +%F)"
echo
echo "| measurement | hr2scim | reference | ratio |"
echo "|---|---|---|---|"

make_csv "$count" "" > "$work/hr.csv"
write_config "max_concurrency: $concurrency"
test_api POST /reset >/dev/null
capacity "$concurrency" >/dev/null # warms the server's JIT up; not counted
test_api POST /reset >/dev/null
reference="$(capacity "$concurrency")"
test_api POST /reset >/dev/null
read -r rate applied wall requests <<< "$(sync_rate "$count")"
first_rate="$rate"
printf '| initial sync, %d users, no latency | %s users/s, %s req/s (%s s applying, %s s wall) | server capacity at %d clients: %s creates/s | %.2f |\n' \
  "$count" "$rate" "$requests" "$applied" "$wall" "$concurrency" "$reference" "$(ratio "$rate" "$reference")"

write_config "max_concurrency: $concurrency"
test_api POST /reset >/dev/null
test_api POST /mode '{"latencyMs": 20}' >/dev/null
reference="$(capacity "$concurrency")"
test_api POST /reset >/dev/null
test_api POST /mode '{"latencyMs": 20}' >/dev/null
verified_20ms="$(capacity "$concurrency" yes)"
test_api POST /reset >/dev/null
test_api POST /mode '{"latencyMs": 20}' >/dev/null
read -r rate applied wall requests <<< "$(sync_rate "$count")"
reference_20ms="$reference"
printf '| initial sync, %d users, 20 ms latency | %s users/s, %s req/s (%s s applying) | server capacity at %d clients, 20 ms: %s creates/s; %s verified creates/s | %.2f (%.2f) |\n' \
  "$count" "$rate" "$requests" "$applied" "$concurrency" "$reference" "$verified_20ms" \
  "$(ratio "$rate" "$reference")" "$(ratio "$rate" "$verified_20ms")"
sequential_count=$((count / 20))
fresh_run "$sequential_count" '{"latencyMs": 20}' "max_concurrency: 1"
read -r sequential _ _ _ <<< "$(sync_rate "$sequential_count")"
printf '| same, against a sequential client (max_concurrency 1, %d users) | %s users/s | sequential: %s users/s | %.1fx |\n' \
  "$sequential_count" "$rate" "$sequential" "$(ratio "$rate" "$sequential")"

fresh_run "$limited" '{"rateLimit": {"perSecond": 50}}' "max_concurrency: $concurrency;requests_per_second: 50"
read -r rate applied _ requests <<< "$(sync_rate "$limited")"
printf '| server limit 50 req/s, same limit configured, %d users | %s req/s (%s users/s), %s answers 429 | limit: 50 req/s | %.2f |\n' \
  "$limited" "$requests" "$rate" "$(requests_seen 429)" "$(ratio "$requests" 50)"

fresh_run "$count" "" "max_concurrency: $concurrency"
sync_rate "$count" > /dev/null
make_csv "$count" " II" > "$work/hr.csv"
test_api DELETE /requests >/dev/null
sync_rate "$((count / 100))" > /dev/null
seen="$(requests_seen)"
all="$(test_api GET /requests | node -e 'let t="";process.stdin.on("data",(d)=>t+=d).on("end",()=>console.log(JSON.parse(t).length))')"
printf '| steady state: 1%% changed (%d users) | %s requests to /Users (%s with discovery) | %d changed users | %.3f (%.3f) per changed user |\n' \
  "$((count / 100))" "$seen" "$all" "$((count / 100))" \
  "$(ratio "$seen" "$((count / 100))")" \
  "$(ratio "$all" "$((count / 100))")"

fresh_run "$count" '{"bulk": true}' "max_concurrency: $concurrency;bulk: true"
read -r rate applied wall _ <<< "$(sync_rate "$count")"
printf '| initial sync with Bulk, %d users | %s operations/s (%s s applying), %s requests | single requests above | %.2f |\n' \
  "$count" "$rate" "$applied" "$(requests_seen)" "$(ratio "$rate" "$first_rate")"

# Bulk as the default config uses it (where the target offers it), at the same concurrency,
# against a Bulk-capable target with 20 ms latency, beside the server's capacity at 20 ms
# measured above.
fresh_run "$count" '{"bulk": true, "latencyMs": 20}' "max_concurrency: $concurrency;bulk: true"
read -r rate applied wall _ <<< "$(sync_rate "$count")"
printf '| Bulk by default, Bulk-capable target, 20 ms latency, %d users | %s users/s (%s s applying), %s requests | server capacity at %d clients, 20 ms: %s creates/s; %s verified creates/s | %.2f (%.2f) |\n' \
  "$count" "$rate" "$applied" "$(requests_seen)" "$concurrency" "$reference_20ms" "$verified_20ms" \
  "$(ratio "$rate" "$reference_20ms")" "$(ratio "$rate" "$verified_20ms")"
