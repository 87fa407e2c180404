#!/usr/bin/env bash
# Memory of a first sync at scale (issue 25: "a first sync of 100,000 people to a zero-latency
# sink: <= 256 MiB peak"). For N generated people (bench/generate_people.awk, with the 13
# attributes of bench/scale_mapping.yaml, manager included) against bench/sink_server.mjs, an
# in-memory SCIM service provider on loopback that answers at once:
#   - the first sync (N creates, each read back, and the manager links);
#   - a sync with nothing changed (it must send nothing).
# For each: wall time and peak RSS of hr2scim (GNU time), and the requests the sink saw, by
# method and by route. Afterwards the sink must hold N users, N - 1 of them with a manager.
# Usage: bench/first_sync_memory.sh [N]   (default 100000)
# Env: HR2SCIM=path to the binary (default build/agent/hr2scim; built only when absent),
#      SINK_FLAGS="--bulk 1000" or "--etag" (passed to the sink; default none),
#      KEEP=1 (keep the work folder and print its path).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100000}"
binary="${HR2SCIM:-build/agent/hr2scim}"
[[ -x "$binary" ]] || scripts/build >/dev/null
work="$(mktemp -d)"
cleanup() {
  kill "${SINK_PID:-}" 2>/dev/null || true
  if [[ "${KEEP:-}" == 1 ]]; then echo "work folder: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
BENCH_TOKEN="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export BENCH_TOKEN

# shellcheck disable=SC2086 # SINK_FLAGS is a list of words
coproc SINK { SCIM_TEST_TOKEN="$BENCH_TOKEN" exec node bench/sink_server.mjs --port 0 ${SINK_FLAGS:-}; }
read -r -t 20 _ port <&"${SINK[0]}"
stats() { curl -sf "http://127.0.0.1:$port/_stats"; }

awk -v n="$count" -f bench/generate_people.awk > "$work/hr.csv"
sed -e "s|url: http://127.0.0.1:8080/scim/v2|url: http://127.0.0.1:$port/scim/v2|" \
    -e "s|token_env: HR2SCIM_DEMO_TOKEN|token_env: BENCH_TOKEN|" \
    -e "s|mapping: mapping.yaml|mapping: $PWD/bench/scale_mapping.yaml|" \
    -e "s|max_deactivations: 50|max_deactivations: 100000|" examples/config.yaml > "$work/config.yaml"

# What the sink saw between two /_stats answers: "GET 3, POST 100000, ...", and by route.
delta() { # $1, $2: the stats before and after; $3: byMethod or byRoute
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const [before, after] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
    const key = process.argv[3];
    const seen = Object.entries(after[key]).map(([k, v]) => [k, v - (before[key][k] ?? 0)])
      .filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
    console.log(seen.length ? seen.join(", ") : "none");' "$1" "$2" "$3"
}

measure() { # $1: label
  local before after seconds kib
  before="$(stats)"
  /usr/bin/time -f "%e %M" -o "$work/time" "$binary" sync -c "$work/config.yaml" --log-level warn \
    > "$work/out" 2> "$work/err" || { cat "$work/out" "$work/err"; exit 1; }
  after="$(stats)"
  read -r seconds kib < "$work/time"
  printf '| %-30s | %8s s | %6d MiB | %s\n' "$1" "$seconds" $((kib / 1024)) \
    "$(grep '^Applied' "$work/out" | sed 's/.*: //')"
  printf '|   requests: %s\n' "$(delta "$before" "$after" byMethod)"
  printf '|   by route: %s\n' "$(delta "$before" "$after" byRoute)"
}

echo "hr2scim $(git rev-parse --short HEAD 2>/dev/null || echo '?'), first sync of $count people" \
     "to bench/sink_server.mjs${SINK_FLAGS:+ $SINK_FLAGS}, $(nproc) cores, $(date -u +%F)"
echo "| run                            |     wall   |  peak RSS | result"
measure "first sync ($count creates)"
measure "no change"

# The sink's own count: everyone created once, everyone but the first linked to a manager.
held="$(stats)"
# shellcheck disable=SC2016 # JavaScript, not shell
read -r users managed statuses < <(node -e '
  const s = JSON.parse(process.argv[1]);
  console.log(s.holding.users, s.holding.usersWithManager, JSON.stringify(s.byStatus));' "$held")
managers_expected=$(awk -F, 'NR > 1 && $9 != "" { n++ } END { print n + 0 }' "$work/hr.csv")
echo "sink holds $users users ($managed with a manager); answers by status: $statuses"
if [[ "$users" != "$count" || "$managed" != "$managers_expected" ]]; then
  echo "FAILED: expected $count users, $managers_expected with a manager" >&2
  exit 1
fi
