#!/usr/bin/env bash
# Every test: lint, typecheck, build, n8n's scanner, unit, integration (simulators + real OpenSSH), end to end
# (real n8n), queue mode (main + worker, Redis, PostgreSQL), the other tested n8n versions, the browser tests
# (Debian's Chromium driving the editor).
# What it needs beyond `npm install` it installs itself: Debian packages, and each n8n + its Node into ~/.cache.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
step() { printf '\n=== [%dm%02ds] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*"; }

step "system packages"
bash scripts/ensure-system-deps.sh
step "n8n runtime (cached in ${CERTSIGN_CACHE:-~/.cache/n8n-nodes-certsign})"
bash scripts/install-n8n.sh >/dev/null

step "lint"
npm run --silent lint
step "typecheck"
npm run --silent typecheck
step "build"
npm run --silent build >/dev/null
step "n8n's community-package scanner (sources and packed tarball)"
node scripts/scan-package.mjs

results=$(mktemp -d)
status=0
# Every real n8n of the suites scans its output and stored executions for credential secrets (test/support/n8n.ts).
export CERTSIGN_SECRET_SCAN_LOG="$results/secret-scan.jsonl"
step "unit + integration tests"
npx jest --selectProjects unit integration --json --outputFile="$results/fast.json" || status=1
step "end-to-end tests in a real n8n (one at a time: they share n8n's ports)"
npx jest --selectProjects e2e --runInBand --json --outputFile="$results/e2e.json" || status=1
step "queue mode: n8n main + worker, Redis, PostgreSQL"
npx jest --selectProjects queue --runInBand --json --outputFile="$results/queue.json" || status=1
step "other n8n versions (test/n8n-versions.json): core workflows"
npx jest --selectProjects versions --runInBand --json --outputFile="$results/versions.json" || status=1
step "browser: Debian's Chromium driving a real n8n's editor (screenshots in docs/screenshots/)"
npx jest --selectProjects browser --runInBand --json --outputFile="$results/browser.json" || status=1
step "benchmarks, smoke size (npm run bench:smoke: every benchmark's code path, small inputs; fails on a wrong result)"
if npm run --silent bench:smoke >"$results/bench-smoke.log" 2>&1; then
  tail -n 3 "$results/bench-smoke.log"
else
  tail -n 40 "$results/bench-smoke.log"
  echo "bench:smoke failed"
  status=1
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of process.argv.slice(1)) {
  if (!fs.existsSync(f)) { failed++; continue; }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); skipped += r.numPendingTests;
}
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0) process.exitCode = 1;
' "$results/fast.json" "$results/e2e.json" "$results/browser.json" || status=1
if [ -f "$CERTSIGN_SECRET_SCAN_LOG" ]; then
  node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
console.log(`secret scan: ${rows.length} n8n instances, ${sum("secrets")} secret values, ${sum("texts")} outputs (of them ${sum("executions")} stored executions): ${sum("found")} found (1 expected: the canary of test/e2e/secretScan.e2e.test.ts)`);
' "$CERTSIGN_SECRET_SCAN_LOG"
fi
step "done"
exit $status
