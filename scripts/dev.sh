#!/usr/bin/env bash
# npm run dev: build, compile the simulators and dev tooling, then start everything (scripts/dev.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
bash scripts/install-n8n.sh >/dev/null
npm run --silent build >/dev/null
npx tsc -p tsconfig.tools.json
exec node .build/scripts/dev.js
