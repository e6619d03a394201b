#!/usr/bin/env bash
# Installs what natsx and its tests need on a fresh Debian machine with Node 20: the nats-server package
# (as root, with apt-get), trixie's and sid's nats-server (scripts/servers.sh, into .servers/), openssl, tmux and
# chromium for the tests, libnats-dev (with pkg-config and gcc) for the C baseline of bench/batch-publish.mjs, and the npm
# packages; then builds.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then need_apt+=(nats-server); fi
if [ "${NATSX_SETUP_TEST_TOOLS:-0}" = 1 ]; then
  command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
  command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
  # the bench --report test opens the HTML page in Debian's headless Chromium (driven by playwright-core)
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
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

# bench/batch-publish.mjs builds the C client's baseline (../shared/baselines/cbench.c) against Debian's libnats.
# Only that benchmark needs it: without root, setup says how to get it and goes on.
if ! pkg-config --exists libnats 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing libnats-dev pkg-config gcc with apt-get (the C baseline of bench/batch-publish.mjs)" >&2
    # never a failed set-up for one benchmark's baseline
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnats-dev pkg-config gcc >/dev/null; }; then
      echo "setup: could not install libnats-dev; only bench/batch-publish.mjs needs it" >&2
    fi
  else
    echo "setup: bench/batch-publish.mjs needs libnats-dev; install with: sudo apt-get install libnats-dev pkg-config gcc" >&2
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
