#!/usr/bin/env bash
# The whole test suite against real nats-server processes. Installs what it needs first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
NATSX_SETUP_TEST_TOOLS=1 bash scripts/setup.sh
mkdir -p .vitest-report
set +e
npx vitest run --reporter=default --reporter=json --outputFile=.vitest-report/results.json </dev/null
code=$?
set -e
node -e '
const r = JSON.parse(require("fs").readFileSync(".vitest-report/results.json", "utf8"));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $code
