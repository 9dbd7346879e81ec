#!/usr/bin/env bash
# The README's main job: installs what it needs, builds, then runs the bundled example.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tooling/scripts/bootstrap.sh >&2
export PATH="$HOME/.local/bin:$PATH" TURBO_TELEMETRY_DISABLED=1
pnpm exec turbo run build --output-logs=errors-only >&2
node tooling/scripts/coreDemo.mjs
