#!/bin/sh
# Make sure Debian's redis-server is there for the multi-worker tests
# (tests/reliability/test_multiprocess.py starts its own on a free loopback port; no service
# is started or needed).
#
# - Already installed: do nothing.
# - Root with apt-get (CI containers): install the redis-server package.
# - Otherwise: say that the multi-worker tests will be skipped (on CI, CI=true,
#   the test run fails instead: they may not be skipped there).
set -eu

if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-redis: redis-server not found, installing Debian's redis-server package..."
    if apt-get -qq update \
        && DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends \
            redis-server >/dev/null \
        && [ -x /usr/bin/redis-server ]; then
        echo "ensure-redis: installed $(/usr/bin/redis-server --version 2>/dev/null || echo redis-server)"
        exit 0
    fi
    echo "ensure-redis: could not install redis-server with apt-get." >&2
    if [ "${CI:-}" = "true" ]; then
        exit 1
    fi
    echo "ensure-redis: multi-worker tests will be skipped." >&2
    exit 0
fi

echo "ensure-redis: redis-server not found and cannot install it here (needs root and apt-get)." >&2
echo "ensure-redis: multi-worker tests will be skipped; install it with: sudo apt-get install redis-server" >&2
exit 0
