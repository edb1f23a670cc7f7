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

results=$(mktemp -d)
status=0
# The n8n runtimes install in the background while lint, typecheck, build and the unit + integration tests run
# (those need no n8n): first the default version (the e2e, queue and browser suites wait for it), then the
# other tested versions (the versions suite waits for those). Each install's output goes to its own log, shown
# when it fails.
other_versions=$(node -e 'const f=require(process.argv[1]); console.log(f.versions.map((v) => v.n8n).filter((v) => v !== f.default).join(" "))' "$PWD/test/n8n-versions.json")
step "n8n runtimes, in the background: default, then ${other_versions:-no other version} (cached in ${CERTSIGN_CACHE:-~/.cache/n8n-nodes-certsign})"
# setsid: each install is its own process group, so an early exit (a lint error) stops its npm too.
setsid bash scripts/install-n8n.sh >/dev/null 2>"$results/install-default.log" &
install_default=$!
# after the default install: two installs at once would slow the suites that run meanwhile
setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; shift; rc=0
  for v in "$@"; do N8N_VERSION="$v" bash scripts/install-n8n.sh >/dev/null || rc=1; done; exit $rc' \
  install-versions "$install_default" $other_versions 2>"$results/install-versions.log" &
install_versions=$!
# On an early exit, stop the installs still running (a waited-for one is forgotten: its group id may be reused).
trap 'for pgid in ${install_default:-} ${install_versions:-}; do kill -- -"$pgid" 2>/dev/null || true; done' EXIT
# wait_install VAR LOG WHAT: wait for the background install whose pid is in VAR; on failure show its log and
# stop the test command.
wait_install() {
  local waited=$SECONDS pid=${!1}
  eval "$1="
  if ! wait "$pid"; then
    echo "n8n install ($3) failed:"
    tail -n 40 "$2"
    echo "tests: 0 passed, 1 failed, 0 skipped (the $3 n8n install failed, see above)"
    exit 1
  fi
  if [ $((SECONDS - waited)) -gt 1 ]; then echo "(waited $((SECONDS - waited)) s for the $3 n8n install)"; fi
  cat "$2"
}

step "lint"
npm run --silent lint
step "format (Prettier, import order)"
npm run --silent format:check
step "typecheck"
npm run --silent typecheck
step "build"
npm run --silent build >/dev/null
step "n8n's community-package scanner (sources and packed tarball)"
node scripts/scan-package.mjs
# One packed tarball for every test file's n8n (test/support/n8n.ts packPackage), instead of one pack per file.
mkdir "$results/pack"
CERTSIGN_PACKED_TARBALL="$results/pack/$(npm pack --silent --pack-destination "$results/pack" | tail -n 1)"
export CERTSIGN_PACKED_TARBALL

# Every real n8n of the suites scans its output and stored executions for credential secrets (test/support/n8n.ts).
export CERTSIGN_SECRET_SCAN_LOG="$results/secret-scan.jsonl"
# Two files at a time, as on any machine with more cores (jest's default on 2 cores is one): many integration
# files mostly wait (simulated faults, retry back-off), and each simulator and sshd takes a free port.
step "unit + integration tests (two files at a time)"
npx jest --selectProjects unit integration --maxWorkers=2 --json --outputFile="$results/fast.json" || status=1
wait_install install_default "$results/install-default.log" "default"
# Two files at a time (the machine's 2 cores): every n8n, simulator and SFTP server takes a free port and its own
# temp folders. The slow files start first (test/support/sequencer.js).
step "end-to-end tests in a real n8n (two files at a time)"
npx jest --selectProjects e2e --maxWorkers=2 --json --outputFile="$results/e2e.json" || status=1
step "queue mode: n8n main + worker, Redis, PostgreSQL"
npx jest --selectProjects queue --runInBand --json --outputFile="$results/queue.json" || status=1
wait_install install_versions "$results/install-versions.log" "other versions"
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
