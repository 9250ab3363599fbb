#!/bin/sh
# One-command demo on a fresh Debian 12 machine, as root:
#   installs the packages, builds release binaries and the guest image, starts
#   swiftvirtd in the background, defines and boots the guest "demo" with plain
#   virsh, prints its serial banner and the virsh lines to manage it.
# Running it again reuses the running daemon and guest.
set -eu
cd "$(dirname "$0")/.."

RUN_DIR=/run/swiftvirt
STATE_DIR=/var/lib/swiftvirt
LOG_DIR=/var/log/swiftvirt
URI="qemu+unix:///system?socket=$RUN_DIR/libvirt-sock"
NAME=demo
SERIAL_LOG=$LOG_DIR/$NAME-serial.log
BANNER="SwiftVirt guest ready"

say() { echo "demo: $*"; }
die() { echo "demo: error: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (in a root shell, or: sudo scripts/demo.sh)"

say "installing Debian packages"
sh scripts/install-deps.sh >/dev/null

command -v swift >/dev/null 2>&1 || PATH=/opt/swift/usr/bin:$PATH
command -v swift >/dev/null 2>&1 || die "swift toolchain not found (expected on PATH or in /opt/swift)"
say "building release binaries"
swift build -c release --product swiftvirtd
swift build -c release --product swiftvirt
BIN=$(swift build -c release --show-bin-path)

say "building the guest image"
GUEST_DIR=$(scripts/build-guest-image.sh | tail -n1)

mkdir -p "$RUN_DIR" "$STATE_DIR" "$LOG_DIR"
if virsh -c "$URI" uri >/dev/null 2>&1; then
    say "swiftvirtd already serving $RUN_DIR/libvirt-sock"
else
    say "starting swiftvirtd (log: $LOG_DIR/swiftvirtd.log)"
    nohup "$BIN/swiftvirtd" --run-dir "$RUN_DIR" --state-dir "$STATE_DIR" \
        >>"$LOG_DIR/swiftvirtd.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/swiftvirtd.demo.pid"
    i=0
    until virsh -c "$URI" uri >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 100 ] || die "swiftvirtd did not come up; see $LOG_DIR/swiftvirtd.log"
        sleep 0.2
    done
fi

if ! virsh -c "$URI" dominfo "$NAME" >/dev/null 2>&1; then
    XML=$(mktemp)
    sed -e "s|@NAME@|$NAME|" -e "s|@KERNEL@|$GUEST_DIR/vmlinuz|" \
        -e "s|@INITRD@|$GUEST_DIR/initrd.img|" -e "s|@SERIAL_LOG@|$SERIAL_LOG|" \
        scripts/demo-domain.xml >"$XML"
    virsh -c "$URI" define "$XML"
    rm -f "$XML"
fi

STATE=$(virsh -c "$URI" domstate "$NAME")
case "$STATE" in
running) say "guest '$NAME' is already running" ;;
paused) virsh -c "$URI" resume "$NAME" ;;
*)
    # Only this boot's banner counts.
    rm -f "$SERIAL_LOG"
    virsh -c "$URI" start "$NAME"
    ;;
esac

say "waiting for the serial banner in $SERIAL_LOG"
i=0
until grep -q "$BANNER" "$SERIAL_LOG" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 300 ] || die "no banner after 60 s; see $SERIAL_LOG and $LOG_DIR/swiftvirtd.log"
    sleep 0.2
done
echo
grep "$BANNER" "$SERIAL_LOG" | tail -n1
echo
cat <<EOF
SwiftVirt is running the guest '$NAME'. Manage it with plain virsh:

  virsh -c '$URI' list --all
  virsh -c '$URI' dominfo $NAME
  virsh -c '$URI' console $NAME      # Ctrl+] leaves the console
  virsh -c '$URI' suspend $NAME
  virsh -c '$URI' resume $NAME
  virsh -c '$URI' shutdown $NAME     # ACPI power button: the guest powers off
  virsh -c '$URI' start $NAME
  virsh -c '$URI' destroy $NAME
  virsh -c '$URI' dumpxml $NAME
  virsh -c '$URI' event --loop --all

Read-only: virsh -r -c 'qemu+unix:///system?socket=$RUN_DIR/libvirt-sock-ro' list --all
Daemon log: $LOG_DIR/swiftvirtd.log   QEMU logs: $STATE_DIR/log/   Serial log: $SERIAL_LOG
Binaries: $BIN
EOF
