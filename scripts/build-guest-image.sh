#!/bin/sh
# Builds the tiny guest used by the demo and the integration tests:
#   CACHE_DIR/vmlinuz     kernel from Debian's linux-image-*-cloud-amd64 package
#   CACHE_DIR/initrd.img  busybox-static initramfs (cpio newc, gzip)
# The guest mounts proc/sys/dev, loads the virtio/button/evdev modules, prints
#   SwiftVirt guest ready
# on ttyS0, powers off on the ACPI power button (so `virsh shutdown` works) and
# keeps a root shell on ttyS0. With a guest agent channel it runs Debian's qemu-ga on it (its guest-shutdown
# runs /sbin/shutdown, here poweroff/reboot/halt -f); svmount=DEVICE on
# the kernel command line mounts that ext4 disk on /mnt first. With svroot=DEVICE on the kernel command line it
# instead mounts that disk and switch_roots into its /sbin/init. Output lives outside git and is rebuilt only
# when missing or when this script changes.
#
# Usage: scripts/build-guest-image.sh [CACHE_DIR]
# Default CACHE_DIR: /var/cache/swiftvirt/guest as root, else ~/.cache/swiftvirt/guest.
# Prints the cache directory on the last line of stdout.
set -eu

if [ "$#" -ge 1 ] && [ -n "$1" ]; then
    CACHE_DIR=$1
elif [ -n "${SWIFTVIRT_GUEST_DIR:-}" ]; then
    CACHE_DIR=$SWIFTVIRT_GUEST_DIR
elif [ "$(id -u)" = 0 ]; then
    CACHE_DIR=/var/cache/swiftvirt/guest
else
    CACHE_DIR=${HOME}/.cache/swiftvirt/guest
fi

log() { echo "build-guest-image: $*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in apt-get apt-cache dpkg-deb cpio gzip sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || die "missing tool '$tool'"
done
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || die "busybox not found (apt-get install busybox-static)"
# The initramfs has no libc, so the busybox must be static.
if "$BUSYBOX" ldd "$BUSYBOX" >/dev/null 2>&1 || ldd "$BUSYBOX" >/dev/null 2>&1; then
    die "$BUSYBOX is dynamically linked; install busybox-static"
fi

SCRIPT_HASH=$(sha256sum "$0" | cut -c1-16)
mkdir -p "$CACHE_DIR"
if [ -f "$CACHE_DIR/vmlinuz" ] && [ -f "$CACHE_DIR/initrd.img" ] \
    && [ "$(cat "$CACHE_DIR/stamp" 2>/dev/null || true)" = "$SCRIPT_HASH" ]; then
    log "up to date in $CACHE_DIR"
    echo "$CACHE_DIR"
    exit 0
fi

# The meta package names the current cloud kernel (e.g. linux-image-6.1.0-56-cloud-amd64).
KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null \
    | awk '/Depends: linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }')
[ -n "$KPKG" ] || die "cannot resolve linux-image-cloud-amd64 (run apt-get update)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# _apt must be able to write where apt-get download runs.
chmod 0777 "$WORK"

DEB=$(ls "$CACHE_DIR"/"$KPKG"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$DEB" ]; then
    log "downloading $KPKG"
    (cd "$WORK" && apt-get download -q "$KPKG" >&2) || die "apt-get download $KPKG failed"
    rm -f "$CACHE_DIR"/linux-image-*.deb
    mv "$WORK"/"$KPKG"_*.deb "$CACHE_DIR"/
    DEB=$(ls "$CACHE_DIR"/"$KPKG"_*.deb | head -n1)
fi
log "using $(basename "$DEB")"
dpkg-deb -x "$DEB" "$WORK/pkg"
KVER=$(ls "$WORK/pkg/lib/modules" | head -n1)
[ -n "$KVER" ] || die "no modules directory in $DEB"
MODDIR=$WORK/pkg/lib/modules/$KVER

# Modules are loaded with insmod in dependency order. The package ships no
# modules.dep (depmod runs at install time), so read each module's own
# "depends=" field from its .modinfo section.
ORDER=$WORK/order
: >"$ORDER"
module_file() {
    f=$(find "$MODDIR" \( -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" \) | head -n1)
    [ -n "$f" ] || die "module $1 not found in $KPKG"
    echo "$f"
}
add_module() {
    grep -qx "$1" "$ORDER" && return 0
    f=$(module_file "$1")
    case "$f" in
    *.xz) xz -dc "$f" >"$WORK/$1.ko" ;;
    *.zst) zstd -qdc "$f" >"$WORK/$1.ko" ;;
    *) cp "$f" "$WORK/$1.ko" ;;
    esac
    deps=$(grep -a -o 'depends=[A-Za-z0-9_,-]*' "$WORK/$1.ko" | head -n1 | cut -d= -f2 | tr ',' ' ')
    for d in $deps; do add_module "$d"; done
    echo "$1" >>"$ORDER"
}
for m in virtio virtio_ring virtio_pci virtio_blk virtio_net virtio_console button evdev; do
    add_module "$m"
done

ROOT=$WORK/root
mkdir -p "$ROOT"/bin "$ROOT"/sbin "$ROOT"/etc/acpi/PWRF "$ROOT"/proc "$ROOT"/sys "$ROOT"/dev \
    "$ROOT"/tmp "$ROOT"/root "$ROOT"/lib/modules "$ROOT"/usr/bin "$ROOT"/usr/sbin
cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$ROOT/bin/$applet"
done
ln -s ../bin/busybox "$ROOT/sbin/init"
# qemu-ga runs /sbin/hwclock for guest-set-time.
ln -s ../bin/busybox "$ROOT/sbin/hwclock"
while read -r m; do cp "$WORK/$m.ko" "$ROOT/lib/modules/"; done <"$ORDER"
cp "$ORDER" "$ROOT/lib/modules/load-order"

cat >"$ROOT/init" <<'EOF'
#!/bin/sh
# PID 1 before busybox init: mount the pseudo filesystems, then hand over.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
# Kernel option svroot=DEVICE (e.g. svroot=/dev/vda): boot the ext2/3/4 root filesystem on that virtio disk
# instead; its /sbin/init runs as PID 1 and no banner is printed here. Without it (or when the mount fails)
# the initramfs boots as always.
svroot=
for opt in $(cat /proc/cmdline); do
    case "$opt" in svroot=*) svroot=${opt#svroot=} ;; esac
done
if [ -n "$svroot" ]; then
    while read -r m; do insmod "/lib/modules/$m.ko" 2>/dev/null; done </lib/modules/load-order
    i=0
    while [ $i -lt 100 ] && [ ! -b "$svroot" ]; do sleep 0.1; i=$((i + 1)); done
    mkdir -p /newroot
    if mount -t ext4 "$svroot" /newroot; then
        echo "SwiftVirt guest: switching root to $svroot" >/dev/ttyS0
        umount /dev/pts
        for d in dev proc sys; do
            if [ -d "/newroot/$d" ]; then mount --move "/$d" "/newroot/$d"; else umount "/$d"; fi
        done
        exec switch_root /newroot /sbin/init
    fi
    echo "SwiftVirt guest: cannot mount $svroot, booting the initramfs" >/dev/ttyS0
fi
exec /sbin/init
EOF

cat >"$ROOT/etc/inittab" <<'EOF'
::sysinit:/etc/rc
ttyS0::respawn:-/bin/sh
::ctrlaltdel:/bin/poweroff -f
EOF

cat >"$ROOT/etc/rc" <<'EOF'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
while read -r m; do
    insmod "/lib/modules/$m.ko" 2>/dev/null || echo "rc: insmod $m failed" >/dev/ttyS0
done </lib/modules/load-order
hostname swiftvirt-guest
# The power button is an input device (button.ko) read through evdev; wait
# briefly for its event node before starting acpid.
i=0
while [ $i -lt 20 ] && ! ls /dev/input/event* >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
acpid -c /etc/acpi -l /tmp/acpid.log
echo "SwiftVirt guest ready (kernel $(uname -r))" >/dev/ttyS0
# Kernel option svmount=DEVICE (e.g. svmount=/dev/vda): mount that disk's ext4 filesystem on /mnt, so the
# guest agent has a real filesystem to report, freeze and trim.
for opt in $(cat /proc/cmdline); do
    case "$opt" in
    svmount=*)
        dev=${opt#svmount=}
        i=0
        while [ $i -lt 50 ] && [ ! -b "$dev" ]; do sleep 0.1; i=$((i + 1)); done
        mkdir -p /mnt && mount -t ext4 "$dev" /mnt || echo "rc: cannot mount $dev" >/dev/ttyS0
        ;;
    esac
done
# With a guest agent channel: Debian's qemu-ga on it.
mkdir -p /run/qemu-ga /var/run
for p in /sys/class/virtio-ports/*; do
    [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] \
        && /usr/sbin/qemu-ga -m virtio-serial -p "/dev/${p##*/}" -t /run/qemu-ga -l /tmp/qemu-ga.log &
done
# With a NIC: DHCP on eth0 in the background (boot and the banner do not wait for it), then report what the
# network gave us. Kernel command line options: svping=IP (ping it, retrying), svresolve=NAME (DNS lookup),
# svspoof=IP (ping the gateway from that address, not the leased one) and svconnect=IP:PORT (TCP connects).
if [ -e /sys/class/net/eth0 ]; then
    (
        ip link set lo up
        ip link set eth0 up
        if udhcpc -i eth0 -t 10 -T 2 -n -q -s /usr/share/udhcpc/default.script >/tmp/udhcpc.log 2>&1; then
            addr=$(ip -4 -o addr show dev eth0 | awk '{print $4}')
            gw=$(ip route | awk '/^default/ {print $3}')
            echo "SwiftVirt guest: eth0 address $addr gateway $gw" >/dev/ttyS0
            if [ -n "$gw" ] && ping -c 2 -W 2 "$gw" >/dev/null 2>&1; then
                echo "SwiftVirt guest: ping $gw ok" >/dev/ttyS0
            else
                echo "SwiftVirt guest: ping $gw failed" >/dev/ttyS0
            fi
            for opt in $(cat /proc/cmdline); do
                case "$opt" in
                svping=*)
                    target=${opt#svping=}
                    i=0
                    while [ $i -lt 30 ] && ! ping -c 1 -W 1 "$target" >/dev/null 2>&1; do i=$((i + 1)); sleep 1; done
                    if [ $i -lt 30 ]; then r=ok; else r=failed; fi
                    echo "SwiftVirt guest: ping $target $r" >/dev/ttyS0
                    ;;
                svspoof=*)
                    # Ping the gateway from an address the guest was not given (for the nwfilter tests).
                    spoof=${opt#svspoof=}
                    ip addr add "$spoof/32" dev eth0
                    if ping -c 3 -W 1 -I "$spoof" "$gw" >/dev/null 2>&1; then r=ok; else r=failed; fi
                    ip addr del "$spoof/32" dev eth0
                    echo "SwiftVirt guest: spoofed ping $gw from $spoof $r" >/dev/ttyS0
                    ;;
                svconnect=*)
                    # Connect to IP:PORT over TCP every two seconds, for the nwfilter tests: "refused" (an ICMP
                    # reject), "timed out" (a drop) or "connected".
                    target=${opt#svconnect=}
                    (
                        n=0
                        while [ $n -lt 150 ]; do
                            n=$((n + 1))
                            out=$(timeout 6 nc -w 3 "${target%:*}" "${target#*:}" </dev/null 2>&1 | tail -n 1)
                            case "$out" in
                            *refused*) r=refused ;;
                            *timed*) r="timed out" ;;
                            *) r=connected ;;
                            esac
                            echo "SwiftVirt guest: connect $target #$n $r" >/dev/ttyS0
                            sleep 2
                        done
                    ) &
                    ;;
                svresolve=*)
                    name=${opt#svresolve=}
                    answer=$(nslookup "$name" 2>/dev/null | awk '/^Address/ {a=$NF} END {print a}')
                    if [ -n "$answer" ]; then
                        echo "SwiftVirt guest: resolved $name to $answer" >/dev/ttyS0
                    else
                        echo "SwiftVirt guest: cannot resolve $name" >/dev/ttyS0
                    fi
                    ;;
                esac
            done
        else
            echo "SwiftVirt guest: eth0 got no DHCP lease" >/dev/ttyS0
        fi
    ) &
fi
EOF

# busybox udhcpc runs this on each DHCP event: configure eth0, the default route and resolv.conf.
mkdir -p "$ROOT/usr/share/udhcpc"
cat >"$ROOT/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
case "$1" in
deconfig)
    ip -4 addr flush dev "$interface"
    ;;
bound | renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do ip route add default via "$r" dev "$interface" 2>/dev/null; break; done
    : >/etc/resolv.conf
    [ -n "$domain" ] && echo "search $domain" >>/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
    ;;
esac
exit 0
EOF

# Debian's qemu-guest-agent, with the shared libraries and the dynamic loader it needs (the rest of the
# initramfs is static busybox).
QEMU_GA=$(command -v qemu-ga || true)
[ -n "$QEMU_GA" ] || QEMU_GA=/usr/sbin/qemu-ga
[ -x "$QEMU_GA" ] || die "qemu-ga not found (apt-get install qemu-guest-agent)"
cp "$QEMU_GA" "$ROOT/usr/sbin/qemu-ga"
for lib in $(ldd "$QEMU_GA" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
done
# qemu-ga's guest-set-user-password runs chpasswd (busybox has none): "user:password" lines on stdin, -e when the
# password is already crypted; it stores the crypted password in /etc/passwd (the guest has no shadow file).
cat >"$ROOT/usr/sbin/chpasswd" <<'PWEOF'
#!/bin/sh
crypted=no
[ "${1:-}" = -e ] && crypted=yes
while IFS=: read -r user pass; do
    grep -q "^$user:" /etc/passwd || { echo "chpasswd: unknown user $user" >&2; exit 1; }
    [ "$crypted" = yes ] || pass=$(mkpasswd -m sha512 "$pass") || exit 1
    sed -i "s|^$user:[^:]*:|$user:$pass:|" /etc/passwd
done
PWEOF
chmod 0755 "$ROOT/usr/sbin/chpasswd"
# The guest's identity as the agent reports it (guest-get-osinfo).
mkdir -p "$ROOT/usr/lib"
cat >"$ROOT/usr/lib/os-release" <<'OSEOF'
NAME="SwiftVirt test guest"
ID=swiftvirt
PRETTY_NAME="SwiftVirt test guest 1"
VERSION="1"
VERSION_ID="1"
OSEOF
ln -s ../usr/lib/os-release "$ROOT/etc/os-release"

# qemu-ga's guest-shutdown runs "/sbin/shutdown -h -P|-H|-r +0 MESSAGE" (busybox has no shutdown applet).
cat >"$ROOT/sbin/shutdown" <<'EOF'
#!/bin/sh
mode=-P
for arg in "$@"; do
    case "$arg" in -P | -H | -r) mode=$arg ;; esac
done
echo "SwiftVirt guest: shutdown $mode asked by the guest agent" >/dev/ttyS0
sync
case "$mode" in
-r) reboot -f ;;
-H) halt -f ;;
*) poweroff -f ;;
esac
EOF
chmod 0755 "$ROOT/sbin/shutdown"

# busybox acpid maps KEY_POWER to the action PWRF/00000080 and runs that file.
cat >"$ROOT/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "SwiftVirt guest: power button pressed, powering off" >/dev/ttyS0
sync
poweroff -f
EOF

cat >"$ROOT/etc/profile" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PS1='guest# '
EOF
echo "root::0:0:root:/root:/bin/sh" >"$ROOT/etc/passwd"
chmod 0755 "$ROOT/init" "$ROOT/etc/rc" "$ROOT/etc/acpi/PWRF/00000080" "$ROOT/usr/share/udhcpc/default.script"

(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -9) >"$WORK/initrd.img"
cp "$WORK/pkg/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
# Replace atomically so a concurrent reader never sees half a file.
mv "$WORK/vmlinuz" "$CACHE_DIR/vmlinuz.new" && mv "$CACHE_DIR/vmlinuz.new" "$CACHE_DIR/vmlinuz"
mv "$WORK/initrd.img" "$CACHE_DIR/initrd.img.new" && mv "$CACHE_DIR/initrd.img.new" "$CACHE_DIR/initrd.img"
echo "$KVER" >"$CACHE_DIR/kernel-version"
echo "$SCRIPT_HASH" >"$CACHE_DIR/stamp"
log "built $CACHE_DIR/vmlinuz and $CACHE_DIR/initrd.img (kernel $KVER, modules: $(tr '\n' ' ' <"$ORDER"))"
echo "$CACHE_DIR"
