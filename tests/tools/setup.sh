#!/usr/bin/env sh
# Installs the Node tools the tests start (a real OpenID provider, axe-core) into
# tests/tools/node_modules (kept out of git). Skipped when the lock file has not changed.
set -eu
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: install Node.js 20+ (apt-get install nodejs npm) for the web tests" >&2
  exit 1
fi
stamp=node_modules/.installed
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
echo "$want" > "$stamp"
