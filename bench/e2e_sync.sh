#!/usr/bin/env bash
# End-to-end benchmark: hr2scim against the bundled SCIM server on loopback.
# Measures, for N generated people: the first sync (N creates), a sync with nothing
# changed, and a sync with 1% changed; wall time and peak memory of hr2scim for each.
# Usage: bench/e2e_sync.sh [N]   (default 5000; builds first, needs scripts/install-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-5000}"
scripts/build >/dev/null
work="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
export BENCH_TOKEN="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

coproc SERVER { SCIM_TEST_TOKEN="$BENCH_TOKEN" exec node tests/scim_server/server.mjs --port 0; }
read -r -t 20 _ port <&"${SERVER[0]}"

make_csv() { # $1: title suffix for every 100th person
  echo "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id"
  for ((i = 1; i <= count; i++)); do
    title="Engineer"; (( i % 100 == 0 )) && title="Engineer$1"
    printf 'B%06d,First%d,Last%d,person%d@example.com,%s,Dept%d,CC-%d,+1 555 %07d,\n' \
      "$i" "$i" "$i" "$i" "$title" $((i % 40)) $((i % 12)) "$i"
  done
}
sed -e "s|url: http://127.0.0.1:8080/scim/v2|url: http://127.0.0.1:$port/scim/v2|" \
    -e "s|token_env: HR2SCIM_DEMO_TOKEN|token_env: BENCH_TOKEN|" \
    -e "s|mapping: mapping.yaml|mapping: $PWD/examples/mapping.yaml|" \
    -e "s|max_deactivations: 50|max_deactivations: 100000|" examples/config.yaml > "$work/config.yaml"

measure() { # $1: label
  /usr/bin/time -f "%e %M" -o "$work/time" build/agent/hr2scim sync -c "$work/config.yaml" --log-level warn \
    > "$work/out" || { cat "$work/out"; exit 1; }
  read -r seconds kib < "$work/time"
  summary="$(grep '^Applied' "$work/out" | sed 's/.*: //')"
  printf '| %-28s | %8s s | %8.3f ms | %6d MiB | %s\n' "$1" "$seconds" \
    "$(awk -v s="$seconds" -v n="$count" 'BEGIN { print s * 1000 / n }')" $((kib / 1024)) "$summary"
}

echo "hr2scim e2e benchmark: $count people, $(nproc) cores, $(date -u +%F)"
echo "| run                          |     wall   |  per person |  peak RSS | result"
make_csv "" > "$work/hr.csv";   measure "first sync ($count creates)"
measure "no change"
make_csv " II" > "$work/hr.csv"; measure "1% changed (PATCH)"
