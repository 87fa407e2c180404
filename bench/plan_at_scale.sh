#!/usr/bin/env bash
# hr2scim's own work at scale, beside a plain Python script doing the same work and a plain
# read of the same file, all in one run on this machine. For N generated people (default
# 1,000,000; deterministic), with the 13 attributes of bench/scale_mapping.yaml:
#   - plan with an empty state (N creates);
#   - plan with a loaded state (everyone provisioned) and an export where 1% changed
#     and 0.1% left;
#   - sync with nothing changed: the requests the target saw (must be 0).
# Wall time and peak RSS by GNU time. The state is written by bench/seed_state (what a perfect
# target would leave after the first sync), not timed.
# Usage: bench/plan_at_scale.sh [N]   (builds first; needs scripts/install-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
scripts/build >/dev/null
binary="$PWD/build/agent/hr2scim"
work="$(mktemp -d)"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export BENCH_TOKEN="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

# $1: every how many people one has a new title (0: nobody); $2: every how many one left.
generate() {
  awk -v n="$count" -v changed="$1" -v left="$2" -f bench/generate_people.awk
}
generate 0 0 > "$work/base.csv"
generate 100 1000 > "$work/next.csv"

coproc SERVER { SCIM_TEST_TOKEN="$BENCH_TOKEN" exec node tests/scim_server/server.mjs --port 0; }
read -r -t 20 _ port <&"${SERVER[0]}"

# confirm_absence: 1, as the Python baseline deactivates on the first absence (like for like).
config() { # $1: the export, $2: the state
  cat <<YAML
source: { type: csv, path: $1, key_column: employee_id }
mapping: $PWD/bench/scale_mapping.yaml
target:
  name: bench
  url: http://127.0.0.1:$port/scim/v2
  token_env: BENCH_TOKEN
state: $2
safety: { max_deactivations: 10000000, max_deactivation_percent: 100, confirm_absence: 1 }
YAML
}
config "$work/base.csv" "$work/empty.db" > "$work/empty.yaml"
config "$work/base.csv" "$work/state.db" > "$work/base.yaml"
config "$work/next.csv" "$work/state.db" > "$work/next.yaml"

row() { # $1: label, $2: what it did; then the command
  local label="$1" what="$2"
  shift 2
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" || {
    cat "$work/out"
    exit 1
  }
  read -r seconds kib < "$work/time"
  printf '| %-44s | %7s s | %7d MiB | %s\n' "$label" "$seconds" $((kib / 1024)) \
    "$(sed -n "$what" "$work/out" | head -1)"
}

echo "hr2scim $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $count people," \
  "$(($(stat -c %s "$work/base.csv") / 1000000)) MB CSV, $(nproc) cores, $(date -u +%F)"
echo "| run                                          |    wall   |  peak RSS  | result"
echo "|----------------------------------------------|-----------|------------|-------"
row "sha256sum of the export (reading it once)" 's/ .*//;s/^\(.\{12\}\).*/\1…/p' \
  sha256sum "$work/base.csv"
row "Python script, empty state" '/^Plan/p' python3 bench/baseline_plan.py "$work/base.csv" \
  "$work/py-empty.json"
row "hr2scim plan, empty state" '/^Plan/p' "$binary" plan -c "$work/empty.yaml" --log-level error

# The state after a first sync, for both: not timed.
python3 bench/baseline_plan.py "$work/base.csv" "$work/py-state.json" --write-state >/dev/null
"$binary" plan -c "$work/base.yaml" --log-level error --out "$work/creates.json" >/dev/null
build/bench/seed_state "$work/creates.json" "$work/state.db" >/dev/null
"$binary" plan -c "$work/base.yaml" --log-level error --out "$work/links.json" >/dev/null
build/bench/seed_state "$work/links.json" "$work/state.db" >/dev/null
rm -f "$work/creates.json" "$work/links.json"

row "Python script, loaded state, 1% changed" '/^Plan/p' python3 bench/baseline_plan.py \
  "$work/next.csv" "$work/py-state.json"
row "hr2scim plan, loaded state, 1% changed" '/^Plan/p' "$binary" plan -c "$work/next.yaml" --log-level error
curl -s -X DELETE "http://127.0.0.1:$port/test/requests" >/dev/null
row "hr2scim sync, nothing changed" '/^Applied/p' "$binary" sync -c "$work/base.yaml" --log-level error
requests="$(curl -s "http://127.0.0.1:$port/test/requests" | node -e \
  'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>console.log(JSON.parse(t).length))')"
echo "Requests the target saw during the sync with nothing changed: $requests"
[ "$requests" = 0 ] || { echo "FAILED: a sync with nothing changed must send no request"; exit 1; }
