#!/usr/bin/env bash
# Install the Debian packages some tests need, when they are missing.
#
#   scripts/system-packages.sh PACKAGE=PROBE ...
#
# PROBE is a file the package provides (a glob is fine); packages whose probe
# exists are left alone. The rest are installed with apt-get when this runs as
# root on a Debian-like machine; otherwise a warning names them, and the tests
# that need them say so when they are skipped.
set -euo pipefail

missing=()
for spec in "$@"; do
    package=${spec%%=*}
    probe=${spec#*=}
    # shellcheck disable=SC2086  # the probe may be a glob
    if ! compgen -G $probe >/dev/null; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "warning: missing Debian packages (install them as root): ${missing[*]}" >&2
fi
