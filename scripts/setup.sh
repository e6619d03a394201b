#!/usr/bin/env bash
# Installs what natsx and its tests need on a fresh Debian machine with Node 20: the nats-server package
# (as root, with apt-get), trixie's and sid's nats-server (scripts/servers.sh, into .servers/), openssl and tmux for
# the tests, and the npm packages; then builds.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then need_apt+=(nats-server); fi
if [ "${NATSX_SETUP_TEST_TOOLS:-0}" = 1 ]; then
  command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
  command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need_apt[*]} with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing ${need_apt[*]}; install with: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
fi

# The newer servers: the quickstart runs the newest, the tests run on all three. A server that cannot be fetched
# is one line from servers.sh and a failed set-up.
bash scripts/servers.sh >&2

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  # `npm install` installs the versions in package-lock.json. (`npm ci` refuses this lock: npm 11 leaves other
  # platforms' optional rollup packages out of it and then calls it out of sync.)
  npm install --no-audit --no-fund --loglevel=error
fi
npm run --silent build
