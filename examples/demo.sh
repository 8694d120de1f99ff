#!/usr/bin/env bash
# pytin's main job on the bundled lab example (examples/lab at HEAD): brings up the lab, then
# validate, observe, plan, apply and plan again against it. See examples/demo.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash test/lab/ensure-packages.sh
[ -f dist/examples/demo.js ] || npm run --silent build
exec node dist/examples/demo.js
