#!/usr/bin/env bash
# How hr2scim's own work grows with a large HR export: `validate` (read, map, guards; no
# target, no state) of N generated people with the example mapping, wall time and peak
# memory by GNU time, beside `wc -l` reading the same file once.
# Usage: bench/large_export.sh [N]   (default 1000000; builds first)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
[ -n "${HR2SCIM_BINARY:-}" ] || scripts/build >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
awk -v n="$count" 'BEGIN {
  print "employee_id,first_name,last_name,email,job_title,department,cost_center,mobile,manager_id"
  for (i = 1; i <= n; i++) printf "E%07d,First%d,Last%d,person%d@example.com,Engineer,Dept%d,CC-%d,+1 555 %07d,\n", i, i % 977, i % 991, i, i % 40, i % 12, i
}' > "$work/hr.csv"
sed -e "s|mapping: mapping.yaml|mapping: $PWD/examples/mapping.yaml|" examples/config.yaml > "$work/config.yaml"
printf '%s people, %s MB\n' "$count" "$(( $(stat -c %s "$work/hr.csv") / 1000000 ))"
/usr/bin/time -f "  wc -l:            %e s, %M KB peak" wc -l "$work/hr.csv" >/dev/null
HR2SCIM_DEMO_TOKEN=bench /usr/bin/time -f "  hr2scim validate: %e s, %M KB peak" \
  "${HR2SCIM_BINARY:-build/agent/hr2scim}" validate -c "$work/config.yaml" --log-level error >/dev/null
