#!/usr/bin/env bash
# The whole test suite against real nats-server processes, once per server version: Debian bookworm's package
# (apt, /usr/sbin/nats-server), trixie's and sid's (fetched by scripts/servers.sh into .servers/). Installs what it
# needs first, and fails when any of the three servers is missing.
#
#   npm run test:all                                        every version, one passed/failed line per version
#   NATSX_TEST_SERVER=sid npm run test:all                  one version: bookworm, trixie, sid, or a binary's path
#   NATSX_TEST_SERVER=trixie npx vitest run test/commands/kv   (after one set-up) one version, some files
set -euo pipefail
cd "$(dirname "$0")/.."
NATSX_SETUP_TEST_TOOLS=1 bash scripts/setup.sh
mkdir -p .vitest-report

bin_for() {
  case "$1" in
    bookworm) command -v nats-server 2>/dev/null || echo /usr/sbin/nats-server ;;
    trixie | sid) echo "$PWD/.servers/$1/usr/sbin/nats-server" ;;
    *) echo "$1" ;;
  esac
}

selected=${NATSX_TEST_SERVER:-bookworm trixie sid}
summary=()
status=0
passed=0 failed=0 skipped=0
n=0
for which in $selected; do
  n=$((n + 1))
  bin=$(bin_for "$which")
  if ! version=$("$bin" --version 2>&1 | sed -n 's/.*v\([0-9][0-9.]*\).*/\1/p' | head -n 1) || [ -z "$version" ]; then
    summary+=("$which: no nats-server at $bin (run scripts/setup.sh)")
    status=1
    continue
  fi
  echo
  echo "=== nats-server $version ($which)"
  report=".vitest-report/results-$n.json"
  rm -f "$report"
  set +e
  NATSX_TEST_SERVER="$bin" npx vitest run --reporter=default --reporter=json --outputFile="$report" </dev/null
  code=$?
  set -e
  counts=$(node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests);
' "$report" 2>/dev/null || echo "0 1 0")
  read -r p f s <<<"$counts"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  summary+=("nats-server $version ($which): $p passed, $f failed, $s skipped")
  [ "$code" = 0 ] || status=1
done

echo
for line in "${summary[@]}"; do echo "$line"; done
echo "all versions: $passed passed, $failed failed, $skipped skipped"
exit $status
