#!/usr/bin/env bash
# The man pages, written from the program's --help by help2man so that they cannot drift from
# it: hr2scim(1) (with hr2scim.h2m's sections), and hr2scim-COMMAND(1) for each command that
# `hr2scim --help` lists, gzipped into OUTDIR.
#   packaging/make-man-pages.sh BINARY OUTDIR
set -euo pipefail
binary="$(realpath "$1")"
out="$2"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
rm -f "$out"/*.1 "$out"/*.1.gz
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

help2man --no-info --no-discard-stderr \
    --name "keeps SCIM 2.0 applications' users in line with an HR source" \
    --include "$here/hr2scim.h2m" --output "$out/hr2scim.1" "$binary"

top="$(exec -a hr2scim "$binary" --help)"
version="$("$binary" --version | cut -d' ' -f2)"
printf '[SEE ALSO]\n.BR hr2scim (1)\n' >"$work/command.h2m"
awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { name = $1; $1 = ""; sub(/^ +/, ""); print name "\t" $0 }' \
    <<<"$top" | while IFS=$'\t' read -r command description; do
    # help2man runs PROG --help and PROG --version: a command as a program of its own name.
    cat >"$work/hr2scim-$command" <<SCRIPT
#!/usr/bin/env bash
if [ "\${1:-}" = --version ]; then echo "hr2scim-$command $version"; exit 0; fi
exec -a hr2scim "$binary" $command "\$@"
SCRIPT
    chmod +x "$work/hr2scim-$command"
    help2man --no-info --no-discard-stderr --name "$description" --include "$work/command.h2m" \
        --output "$out/hr2scim-$command.1" "$work/hr2scim-$command"
done
[ -s "$out/hr2scim-sync.1" ] || { echo "make-man-pages: no page for sync" >&2; exit 1; }
gzip -9nf "$out"/*.1
