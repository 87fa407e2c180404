#!/usr/bin/env bash
# `hr2scim validate` at scale: the memory of a validate that streams. For N generated people
# (default 10,000,000; bench/generate_people.awk, as bench/plan_at_scale.sh), times with GNU
# time (wall, peak RSS):
#   - sha256sum of the export: reading the file once, the floor;
#   - hr2scim validate (reads and maps everyone; the target is not contacted);
#   - hr2scim plan with an empty state (N creates), unless VALIDATE_ONLY=1.
# The CSV (965 MB at 10,000,000) is written under $TMPDIR and deleted at the end.
# Usage: bench/validate_at_scale.sh [N]   (builds first; needs scripts/install-deps)
#        HR2SCIM=/path/to/hr2scim VALIDATE_ONLY=1 bench/validate_at_scale.sh 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000000}"
# HR2SCIM: another binary to measure (an earlier build, say); the build's own is built first.
binary="${HR2SCIM:-$PWD/build/agent/hr2scim}"
[ -n "${HR2SCIM:-}" ] || scripts/build >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export BENCH_TOKEN="bench-not-sent"

awk -v n="$count" -f bench/generate_people.awk > "$work/base.csv"

# Nothing listens there: validate does not contact the target, and plan does not either.
cat > "$work/config.yaml" <<YAML
source: { type: csv, path: $work/base.csv, key_column: employee_id }
mapping: $PWD/bench/scale_mapping.yaml
target:
  name: bench
  url: http://127.0.0.1:9/scim/v2
  token_env: BENCH_TOKEN
state: $work/empty.db
YAML

row() { # $1: label, $2: what it did; then the command
  local label="$1" what="$2"
  shift 2
  local status=0
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" || status=$?
  # validate exits 0 when all is valid; anything past 2 is a failure of the run.
  if [ "$status" -gt 2 ]; then
    cat "$work/out"
    exit 1
  fi
  read -r seconds kib < "$work/time"
  printf '| %-36s | %7s s | %7d MiB | %s\n' "$label" "$seconds" $((kib / 1024)) \
    "$(sed -n "$what" "$work/out" | head -1)"
}

echo "hr2scim $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $count people," \
  "$(($(stat -c %s "$work/base.csv") / 1000000)) MB CSV, $(nproc) cores, $(date -u +%F)"
echo "| run                                  |    wall   |  peak RSS  | result"
echo "|--------------------------------------|-----------|------------|-------"
row "sha256sum of the export" 's/ .*//;s/^\(.\{12\}\).*/\1…/p' sha256sum "$work/base.csv"
row "hr2scim validate" '/^Source/p' "$binary" validate -c "$work/config.yaml" --log-level error
[ "${VALIDATE_ONLY:-0}" = 1 ] ||
  row "hr2scim plan, empty state" '/^Plan/p' "$binary" plan -c "$work/config.yaml" --log-level error
