#!/usr/bin/env bash
# The README's main job: installs what it needs, builds, then runs the built `bt backtest` on the bundled
# example strategy over the bundled (synthetic) BTCUSDT candles, with the fs persistence adapter writing
# into examples/.bt-data (gitignored), and prints the report. The backtest itself is timed.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tooling/scripts/bootstrap.sh >&2
export PATH="$HOME/.local/bin:$PATH" TURBO_TELEMETRY_DISABLED=1
pnpm exec turbo run build --filter=@bt/cli... --output-logs=errors-only >&2
time node apps/cli/dist/bin.js backtest examples/strategies/smaCrossover.ts \
  --symbol BTCUSDT --exchange file --from 2025-01-01 --to 2025-02-01 \
  --persist fs --state examples/.bt-data --dump examples/.bt-data/dump
