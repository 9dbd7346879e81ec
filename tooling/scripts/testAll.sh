#!/usr/bin/env bash
# The README's test command: installs what it needs, then lint, layer/cycle checks, typecheck, build and
# every test (one vitest process), ending with vitest's summary and one plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tooling/scripts/bootstrap.sh
export PATH="$HOME/.local/bin:$PATH" TURBO_TELEMETRY_DISABLED=1
bash tooling/scripts/startServices.sh
bash tooling/scripts/installBrowser.sh

echo "== lint"; pnpm run -s lint
echo "== typecheck"; pnpm exec turbo run typecheck --output-logs=errors-only
echo "== build"; pnpm exec turbo run build --output-logs=errors-only
echo "== publint"; node tooling/scripts/publintAll.mjs
echo "== test"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json || status=$?
node tooling/scripts/testSummary.mjs .vitest-results.json || status=1
exit $status
