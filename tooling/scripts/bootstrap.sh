#!/usr/bin/env bash
# Installs what a fresh machine with only Node 20 + npm lacks: the pinned pnpm (via npm, not corepack),
# then the workspace dependencies from the lockfile. Safe to run repeatedly.
set -euo pipefail
PNPM_VERSION="10.34.9"
cd "$(dirname "$0")/../.."

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm@$PNPM_VERSION with npm"
  if ! npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    # No write access to the global prefix: install under the user's home instead.
    npm install -g --prefix "$HOME/.local" "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$HOME/.local/bin:$PATH"
  fi
fi
export TURBO_TELEMETRY_DISABLED=1
echo "bootstrap: pnpm $(pnpm --version), node $(node --version)"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE "^(Progress|Packages:)" | tail -n 5
