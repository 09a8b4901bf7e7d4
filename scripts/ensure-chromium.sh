#!/bin/sh
# Make sure Debian's Chromium is there for the browser tests (Playwright drives
# /usr/bin/chromium; no Playwright browser download is needed).
#
# - Already installed: do nothing.
# - Root with apt-get (CI containers): install the chromium package.
# - Otherwise: say that browser tests will be skipped (on CI, CI=true, the test
#   run fails instead: browser tests may not be skipped there).
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM not found, installing Debian's chromium package..."
    if apt-get -qq update \
        && DEBIAN_FRONTEND=noninteractive apt-get -qq install -y chromium >/dev/null \
        && [ -x "$CHROMIUM" ]; then
        echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
        exit 0
    fi
    echo "ensure-chromium: could not install chromium with apt-get." >&2
    if [ "${CI:-}" = "true" ]; then
        exit 1
    fi
    echo "ensure-chromium: browser tests will be skipped." >&2
    exit 0
fi

echo "ensure-chromium: $CHROMIUM not found and cannot install it here (needs root and apt-get)." >&2
echo "ensure-chromium: browser tests will be skipped; install it with: sudo apt-get install chromium" >&2
exit 0
