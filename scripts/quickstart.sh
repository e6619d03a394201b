#!/usr/bin/env bash
# natsx in two minutes: installs what is missing, starts a local nats-server with `natsx server run --background`,
# and walks through natsx's main job on it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
natsx() { node bin/run.js "$@"; }
step() { printf '\n\033[1m$ natsx %s\033[0m\n' "$*"; natsx "$@"; }
# Wait (bounded) until a background natsx has printed its "listening" line.
ready() { for _ in $(seq 1 200); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.05; done; echo "quickstart: $1 never got ready" >&2; return 1; }

step server run --background
step context info

# Publish and subscribe: a subscriber in the background, three templated messages, NDJSON out.
natsx sub 'demo.events.>' --count 3 --json >"$work/sub.out" 2>"$work/sub.err" &
sub=$!
ready "$work/sub.err"
step pub 'demo.events.{{Count}}' 'event {{Count}} at {{TimeStamp}}' --count 3
wait $sub
printf '\n\033[1m(the subscriber printed, as NDJSON)\033[0m\n'
cat "$work/sub.out"

# Request and reply: a service that upper-cases its requests through a shell command.
natsx reply demo.upper --command 'tr a-z A-Z' --count 1 >/dev/null 2>"$work/reply.err" &
rep=$!
ready "$work/reply.err"
step request demo.upper 'hello natsx' --json
wait $rep

# Provisioning as CI does it: one spec (examples/orders.yaml) for a stream, two consumers, a KV and an object bucket.
step apply --file examples/orders.yaml
step apply --file examples/orders.yaml --check
step pub orders.paid '{"order":1,"total":42}' --jetstream --msg-id order-1
step pub orders.paid '{"order":1,"total":42}' --jetstream --msg-id order-1
step stream ls
step consumer next ORDERS fulfilment --count 1 --json
step kv put config shipping.carrier acme
step kv get config shipping.carrier --json
printf 'invoice for order 1\n' >"$work/invoice-1.txt"
# --force: the development server keeps its data between runs, and replacing an object is a destructive verb
step object put artifacts "$work/invoice-1.txt" --name invoice-1.txt --force
step object ls artifacts
step export ORDERS config artifacts

# Scripts get exit codes that mean something: no responders is 6.
printf '\n\033[1m$ natsx request demo.nobody x   # no responders\033[0m\n'
natsx request demo.nobody x || echo "exit code: $?"

printf '\nThe development server keeps running (context "dev" is selected). Stop it with: node bin/run.js server stop\n'
