#!/bin/sh
# Runs the whole SwiftVirt test suite: builds the guest image the integration
# tests boot, builds every target, then runs every test target (unit and
# integration). Run as root on Debian 12 after the packages are installed
# (.ci/run and scripts/demo.sh install them; scripts/install-deps.sh alone does too).
set -eu
cd "$(dirname "$0")/.."

command -v swift >/dev/null 2>&1 || PATH=/opt/swift/usr/bin:$PATH
command -v swift >/dev/null 2>&1 || { echo "test.sh: swift toolchain not found" >&2; exit 1; }

# The integration tests read the image from here.
SWIFTVIRT_GUEST_DIR=$(scripts/build-guest-image.sh | tail -n1)
export SWIFTVIRT_GUEST_DIR

swift build
# The integration tests launch .build/debug/swiftvirtd, built above.
swift test
