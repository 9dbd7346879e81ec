#!/usr/bin/env bash
# Installs Debian's chromium when /usr/bin/chromium is missing: @bt/report-html's browser test opens its
# report in it (playwright-core, no bundled browsers). The test fails loudly without it unless
# BT_SKIP_BROWSER=1, so a failed install here is printed loudly, not hidden.
set -uo pipefail
CHROMIUM="${BT_CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && { echo "browser: chromium at $CHROMIUM"; exit 0; }

export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
echo "browser: chromium missing at $CHROMIUM, installing it with apt-get"
if ! $SUDO apt-get install -y -q chromium >/dev/null 2>&1; then
  # The package lists may be stale or absent on a fresh image: refresh them once, then retry.
  $SUDO apt-get update -q >/dev/null 2>&1
  $SUDO apt-get install -y -q chromium >/dev/null 2>&1
fi
if [ -x "$CHROMIUM" ]; then
  echo "browser: chromium installed ($("$CHROMIUM" --version 2>/dev/null || echo "version unknown"))"
else
  echo "browser: !!! could NOT install chromium: the report-html browser test will fail."
  echo "browser: !!! install it with: apt-get install -y chromium   (or set BT_SKIP_BROWSER=1 to skip that suite)"
fi
exit 0
