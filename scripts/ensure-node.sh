#!/bin/sh
# Make sure npm is there to install Biome, the linter of the panel's ES modules
# (make lint). Already installed: do nothing. Root with apt-get: install Debian's
# nodejs and npm. Otherwise: fail with how to install them.
set -eu

if command -v npm >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-node: npm not found, installing Debian's nodejs and npm packages..."
    apt-get -qq update
    DEBIAN_FRONTEND=noninteractive apt-get -qq install -y nodejs npm >/dev/null
    command -v npm >/dev/null 2>&1 && exit 0
fi

echo "ensure-node: npm not found; install it (e.g. sudo apt-get install nodejs npm) to lint the JavaScript." >&2
exit 1
