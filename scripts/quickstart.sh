#!/usr/bin/env bash
# natsx in two minutes: installs what is missing, starts a local nats-server with `natsx server run --background`,
# and walks through natsx's main job on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
natsx() { node bin/run.js "$@"; }
step() { printf '\n\033[1m$ natsx %s\033[0m\n' "$*"; natsx "$@"; }

step server run --background
step context info
step pub demo.hello "hello from natsx"
natsx reply demo.echo --echo --count 1 >/dev/null 2>&1 &
reply_pid=$!
natsx sub demo.ready --count 1 --wait 100ms >/dev/null 2>&1 || true
step request demo.echo "ping" --timeout 5s
wait $reply_pid || true
( sleep 0.3; natsx pub 'demo.events.{{Count}}' 'event {{Count}} at {{TimeStamp}}' --count 3 >/dev/null ) &
step sub 'demo.events.>' --count 3 --json
wait
printf '\nThe server keeps running; stop it with: node bin/run.js server stop\n'
