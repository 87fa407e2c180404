#!/usr/bin/env bash
# Builds the .deb from the build folder, installs it on this machine (root), and checks what
# an admin gets: the binary, its man page and shell completions, the hr2scim system user,
# /var/lib/hr2scim only it can read, the example config, the units passing systemd-analyze
# verify, and a sync run as that user with the token handed over as a systemd credential
# would be, against the bundled SCIM server. Then it purges the package and checks that nothing is left.
# CI runs it (.ci/run); it changes the machine, so run it only where that is fine.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
[ "$(id -u)" -eq 0 ] || { echo "test-package.sh installs a package: run it as root" >&2; exit 1; }
fail() { echo "test-package.sh: FAILED: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/hr2scim_*.deb | head -n 1)
echo "-- installing $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null

echo "-- what it installed"
[ "$(command -v hr2scim)" = /usr/bin/hr2scim ] || fail "hr2scim is not /usr/bin/hr2scim"
version=$(hr2scim --version)
echo "   $version"
[[ "$version" == "hr2scim "[0-9]* ]] || fail "hr2scim --version said '$version'"
[ -s /usr/share/man/man1/hr2scim.1.gz ] || fail "no man page"
[ -s /usr/share/man/man1/hr2scim-sync.1.gz ] || fail "no man page for hr2scim sync"
[ -s /usr/share/doc/hr2scim/docs/configuration.md ] || fail "no docs/ in /usr/share/doc/hr2scim"
for completion in /usr/share/bash-completion/completions/hr2scim /usr/share/zsh/vendor-completions/_hr2scim \
                  /usr/share/fish/vendor_completions.d/hr2scim.fish; do
  [ -s "$completion" ] || fail "no shell completion $completion"
done
completed=$(bash -c 'source /usr/share/bash-completion/completions/hr2scim; COMP_WORDS=(hr2scim sy); COMP_CWORD=1; _hr2scim; echo "${COMPREPLY[*]}"')
[ "$completed" = sync ] || fail "bash completes 'hr2scim sy' to '$completed', not sync"
zcat /usr/share/man/man1/hr2scim.1.gz | grep -q '^\.SH "\?EXIT STATUS' || fail "the man page has no EXIT STATUS"
getent passwd hr2scim >/dev/null || fail "no hr2scim user"
[ "$(stat -c '%U %a' /var/lib/hr2scim)" = "hr2scim 700" ] || fail "/var/lib/hr2scim is $(stat -c '%U %a' /var/lib/hr2scim)"
[ -f /etc/hr2scim/config.yaml ] && [ -f /etc/hr2scim/mapping.yaml ] || fail "no example config"
dpkg-query -W -f='${Conffiles}\n' hr2scim | grep -q /etc/hr2scim/config.yaml || fail "config.yaml is not a conffile"

echo "-- systemd-analyze verify and security on the installed units"
units=(/usr/lib/systemd/system/hr2scim.service /usr/lib/systemd/system/hr2scim.timer
       /usr/lib/systemd/system/hr2scim-daemon.service)
verify=$(systemd-analyze verify --man=no "${units[@]}" 2>&1) || fail "verify: $verify"
[ -z "$verify" ] || fail "verify warned: $verify"
for unit in hr2scim.service hr2scim-daemon.service; do
  score=$(systemd-analyze security --offline=true "/usr/lib/systemd/system/$unit" 2>&1 | grep -o 'exposure level for [^:]*: [0-9.]*' | awk '{print $NF}')
  echo "   $unit: exposure $score"
  awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || fail "$unit exposure is '$score' (at most 2.0)"
done

echo "-- a sync as the hr2scim user, the token as a credential, against the bundled SCIM server"
work=$(mktemp -d)
chmod 0755 "$work"
token="pkg-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
coproc SERVER { SCIM_TEST_TOKEN="$token" exec node tests/scim_server/server.mjs --port 0; }
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
read -r -t 20 listening port <&"${SERVER[0]}"
[ "$listening" = LISTENING ] || fail "the SCIM server did not start"
install -d -m 0500 -o hr2scim -g hr2scim "$work/credentials"
printf '%s\n' "$token" >"$work/credentials/scim-token"
chown hr2scim:hr2scim "$work/credentials/scim-token"
chmod 0400 "$work/credentials/scim-token"
cp examples/hr.csv "$work/hr.csv"
chmod 0644 "$work/hr.csv"
sed -e "s|path: hr.csv|path: $work/hr.csv|" \
    -e "s|mapping: mapping.yaml|mapping: /etc/hr2scim/mapping.yaml|" \
    -e "s|url: https://scim.example.com/scim/v2|url: http://127.0.0.1:$port/scim/v2|" \
    /etc/hr2scim/config.yaml >"$work/config.yaml"
chmod 0644 "$work/config.yaml"
as_hr2scim() { runuser -u hr2scim -- env CREDENTIALS_DIRECTORY="$work/credentials" hr2scim "$@" -c "$work/config.yaml"; }
as_hr2scim validate >/dev/null || fail "validate"
as_hr2scim sync --quiet | tee "$work/sync.out"
held=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/scim/v2/Users?count=1" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).totalResults')
[ "$held" = 10 ] || fail "the server holds $held users, not 10"
[ "$(stat -c '%U %a' /var/lib/hr2scim/state.db)" = "hr2scim 600" ] || fail "state.db is $(stat -c '%U %a' /var/lib/hr2scim/state.db)"
grep -q "$token" "$work/sync.out" && fail "the token was printed"
as_hr2scim sync --quiet | grep -q "0 created, 0 updated" || fail "a second sync was not empty"
echo "   the server holds $held users; a second sync sent nothing"

echo "-- purging the package"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq hr2scim >/dev/null
[ ! -e /usr/bin/hr2scim ] || fail "/usr/bin/hr2scim is still there"
[ ! -e /var/lib/hr2scim ] || fail "/var/lib/hr2scim is still there after purge"
[ ! -e /etc/hr2scim/config.yaml ] || fail "/etc/hr2scim/config.yaml is still there after purge"
[ ! -e /usr/lib/systemd/system/hr2scim.service ] || fail "the units are still there"
echo "test-package.sh: the package installs, runs and purges cleanly"
