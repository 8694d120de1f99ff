#!/usr/bin/env bash
# pytin's main job on the bundled lab example (examples/lab), as committed at HEAD.
# Today: validate and summarise the inventory. Plan, apply and the API join as they land.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pytin() { node dist/reconciler/cli/pytin.js "$@"; }
[ -f dist/reconciler/cli/pytin.js ] || npm run --silent build

echo "== pytin validate --path examples/lab (the inventory at HEAD)"
pytin validate --path examples/lab
echo
echo "== the same, as JSON lines (what CI reads)"
pytin validate --path examples/lab --json | tail -n 1
