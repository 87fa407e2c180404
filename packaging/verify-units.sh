#!/usr/bin/env bash
# systemd-analyze verify and security on the units as packaging/systemd has them, with the
# sandbox drop-in beside each and ExecStart pointed at the binary given (the units name
# /usr/bin/hr2scim, which verify checks exists). Fails on any warning, or an exposure score
# above 2.0. Run by ctest (packaging.units); test-package.sh checks the installed ones too.
set -euo pipefail
binary=${1:?usage: verify-units.sh PATH-TO-hr2scim}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for unit in "$here"/systemd/*.service "$here"/systemd/*.timer; do
  sed "s|/usr/bin/hr2scim|$binary|g" "$unit" >"$work/$(basename "$unit")"
done
for service in hr2scim.service hr2scim-daemon.service; do
  mkdir "$work/$service.d"
  cp "$here/systemd/hardening.conf" "$work/$service.d/"
done
status=0
output=$(systemd-analyze verify --man=no "$work"/*.service "$work"/*.timer 2>&1) || status=$?
if [ "$status" -ne 0 ] || [ -n "$output" ]; then
  echo "systemd-analyze verify (exit $status):"; echo "$output"; exit 1
fi
echo "systemd-analyze verify: clean"
for service in hr2scim.service hr2scim-daemon.service; do
  report=$(systemd-analyze security --offline=true "$work/$service" 2>&1)
  score=$(grep -o 'exposure level for [^:]*: [0-9.]*' <<<"$report" | awk '{print $NF}')
  echo "$service: exposure $score"
  if ! awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'; then
    echo "$report"; exit 1
  fi
done
