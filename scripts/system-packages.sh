#!/usr/bin/env bash
# Installs the system packages the test suite drives for real: Debian's chromium (the dashboard's
# browser tests, through playwright-core) and redis-server (live aggregates merged across instances).
# Does nothing when both are present; needs root or sudo otherwise.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
  echo "system-packages: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "system-packages: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
