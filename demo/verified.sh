#!/bin/sh
# Verified execution (docs/trust.md): a trusted script runs under an
# enforce-mode [trust] policy; the same script with one byte changed does not.
set -u
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/vigil" trust build -o "$work/stdlib.trust" /usr/lib/python3.11
printf 'import json\nprint("trusted script ran:", json.dumps({"ok": True}))\n' > "$work/app.py"
"$bin/vigil" trust add --database "$work/app.trust" "$work/app.py"
cat > "$work/policy.toml" <<TOML
version = 1
name = "demo-trust"
mode = "enforce"
[trust]
database = ["$work/stdlib.trust", "$work/app.trust"]
TOML
"$bin/vigil" run --policy "$work/policy.toml" --log "$work/log.jsonl" -- -S "$work/app.py"
sed -i 's/True/False/' "$work/app.py"
echo "-- the same script with one byte changed:"
"$bin/vigil" run --policy "$work/policy.toml" --log "$work/log.jsonl" -- -S "$work/app.py"
echo "(exit status $?)"
grep '"kind":"alert"' "$work/log.jsonl"
