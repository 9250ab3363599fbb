#!/bin/bash
# Side-by-side benchmark of SwiftVirt's swiftvirtd against Debian's libvirtd (9.0.0) on this machine.
#
# Starts libvirtd (Debian, qemu:///system at /run/libvirt/libvirt-sock) and a release swiftvirtd on its own
# socket and state dirs (/run/swiftvirt-bench, /var/lib/swiftvirt-bench), then runs the same python3-libvirt
# workloads (bench/workloads.py, /usr/bin/python3) against both, interleaved and repeated, and reports medians,
# spread and the ratio swiftvirtd/libvirtd: create() latency (with raw QEMU as the floor), management API
# throughput over 500 domains, 1/8/32 concurrent clients, and daemon RSS. Nothing here runs in CI.
#
# Usage (Debian 12, as root):   bench/run.sh            full run, ~6 minutes
#                               bench/run.sh --smoke    every workload once with tiny sizes, ~1 minute
#                               bench/run.sh --only cold_xmldesc[,management...]   just those workloads
# SWIFTVIRTD_BIN=path runs that swiftvirtd instead of building one (to compare two builds).
# Output: a table on stdout; a full run of every workload also writes bench/results/latest.md and .json.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

SMOKE=0
ONLY=""
while [ $# -gt 0 ]; do
    case $1 in
    --smoke) SMOKE=1 ;;
    --only) ONLY=${2:?--only needs a list of workloads}; shift ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

SV_RUN=/run/swiftvirt-bench
SV_STATE=/var/lib/swiftvirt-bench
SV_URI="qemu+unix:///system?socket=$SV_RUN/libvirt-sock"
LV_RUN=/run/libvirt-bench         # libvirtd's sockets, config and pid file for this run
LV_URI="qemu+unix:///system?socket=$LV_RUN/libvirt-sock"
# Each daemon runs in a network namespace of its own, so the network workload's bridges, dnsmasq and firewall
# rules never touch the host's network (unix sockets are reached by path from any namespace).
SV_NETNS=swiftvirt-bench-sv
LV_NETNS=swiftvirt-bench-lv
BANNER="SwiftVirt guest ready"
RESULTS_DIR=$REPO/bench/results
WORK=$(mktemp -d /tmp/swiftvirt-bench.XXXXXX)

# What this script started, so the exit trap stops exactly that and nothing else.
SV_PID=""
LV_PID=""

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }
now_ns() { date +%s%N; }
ns_to_ms() { awk -v d="$1" 'BEGIN { printf "%.1f", d / 1e6 }'; }

# A daemonised process whose parent is gone can stay a zombie here (PID 1 may not reap), and
# `kill -0` succeeds on zombies, so "alive" means: exists and is not in state Z.
alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null || true)
    [ -n "$st" ] && [ "${st:0:1}" != Z ]
}
pid_from_file() { [ -r "$1" ] && cat "$1" 2>/dev/null || true; }

# Sends SIGTERM and waits (up to 10 s) until the process is gone or a zombie.
stop_pid() {
    local pid=$1 i=0
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    while alive "$pid" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
}

# ---------------------------------------------------------------------------------------------- setup

install_deps() {
    local missing="" p
    for p in libvirt-daemon-system libvirt-clients python3 python3-libvirt qemu-system-x86 busybox-static; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    # confold: keep a qemu.conf someone already wrote (e.g. the user="root" set-up below).
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef $missing >&2
}

# Sets KEY = VALUE in qemu.conf unless the file already sets KEY (existing settings win).
qemu_conf_default() {
    local conf=/etc/libvirt/qemu.conf
    grep -Eq "^[[:space:]]*$1[[:space:]]*=" "$conf" 2>/dev/null || echo "$1 = $2" >>"$conf"
}

# The set-up the project brief gives for running libvirtd without systemd in a container.
prepare_libvirtd() {
    mkdir -p /var/log/libvirt/qemu /var/lib/libvirt /var/cache/libvirt /run/libvirt /etc/libvirt
    local g
    for g in kvm libvirt libvirt-qemu; do getent group "$g" >/dev/null || groupadd -r "$g"; done
    getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
    touch /etc/libvirt/qemu.conf
    # QEMU runs as root without relabelling, like swiftvirtd's QEMU; otherwise libvirtd would chown
    # the kernel, initrd and serial log and the comparison would include that work.
    qemu_conf_default user '"root"'
    qemu_conf_default group '"root"'
    qemu_conf_default dynamic_ownership 0
    qemu_conf_default remember_owner 0
}

# A libvirtd of its own: in a private mount namespace whose /etc/libvirt, /run/libvirt, /var/lib/libvirt,
# /var/cache/libvirt and /var/log/libvirt are fresh directories under $WORK (qemu.conf copied from the
# host), listening on $LV_RUN. So it starts with no domains, whatever the host's libvirtd holds, and it
# runs even while another libvirtd owns the host's driver locks. QEMU logs go to files (stdio_handler),
# so no virtlogd is involved.
start_libvirtd() {
    local root=$WORK/libvirtd d
    for d in etc/qemu run lib cache log/qemu; do mkdir -p "$root/$d"; done
    mkdir -p "$LV_RUN"
    cp /etc/libvirt/qemu.conf "$root/etc/qemu.conf"
    grep -Eq '^[[:space:]]*stdio_handler' "$root/etc/qemu.conf" || echo 'stdio_handler = "file"' >>"$root/etc/qemu.conf"
    printf '%s\n' "unix_sock_dir = \"$LV_RUN\"" 'unix_sock_rw_perms = "0700"' 'auth_unix_rw = "none"' \
        'auth_unix_ro = "none"' "log_outputs = \"3:file:$WORK/libvirtd.log\"" >"$LV_RUN/libvirtd.conf"
    say "starting libvirtd (private mount namespace, sockets in $LV_RUN)"
    # ip netns exec, unshare and sh exec into libvirtd, so $! is libvirtd's PID.
    ip netns exec "$LV_NETNS" unshare --mount --propagation private sh -c '
        r=$1; shift
        mount --bind "$r/etc" /etc/libvirt && mount --bind "$r/run" /run/libvirt &&
        mount --bind "$r/lib" /var/lib/libvirt && mount --bind "$r/cache" /var/cache/libvirt &&
        mount --bind "$r/log" /var/log/libvirt && exec "$@"' sh "$root" \
        libvirtd -f "$LV_RUN/libvirtd.conf" -p "$LV_RUN/libvirtd.pid" </dev/null >"$WORK/libvirtd.out" 2>&1 &
    LV_PID=$!
    wait_for_list "$LV_URI" 600 || die "libvirtd does not answer; see $WORK/libvirtd.out and $WORK/libvirtd.log"
}

build_swiftvirt() {
    command -v swift >/dev/null 2>&1 || PATH=/opt/swift/usr/bin:$PATH
    command -v swift >/dev/null 2>&1 || die "swift toolchain not found (PATH or /opt/swift)"
    # Release swiftvirtd is a fully static executable (Package.swift: -static-executable): it maps one binary
    # and no shared libraries, and its modules use FoundationEssentials only (no Foundation, no ICU).
    if [ -n "${SWIFTVIRTD_BIN:-}" ]; then
        SV_BIN=$SWIFTVIRTD_BIN
        say "using $SV_BIN (not building)"
    else
        say "building swiftvirtd (release, fully static)"
        swift build -c release --static-swift-stdlib --product swiftvirtd >&2
        SV_BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)/swiftvirtd
    fi
    say "building the guest image"
    GUEST_DIR=$(scripts/build-guest-image.sh | tail -n1)
    [ -f "$GUEST_DIR/vmlinuz" ] || die "no guest kernel in $GUEST_DIR"
}

# Polls `virsh list` until it succeeds; $2 is the limit in 50 ms steps.
wait_for_list() {
    local i=0
    until virsh -q -c "$1" list --all >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt "$2" ] || return 1
        sleep 0.05
    done
}

start_swiftvirtd() {
    mkdir -p "$SV_RUN" "$SV_STATE"
    if virsh -c "$SV_URI" uri >/dev/null 2>&1; then
        die "something already serves $SV_RUN/libvirt-sock; stop it first"
    fi
    say "starting swiftvirtd (log: $WORK/swiftvirtd.log)"
    # No default network: like the bench's libvirtd (setup-libvirtd.sh drops its autostart), and a network
    # outlives the daemon by design, which would leave a bridge, dnsmasq and nft table on this host.
    ip netns exec "$SV_NETNS" "$SV_BIN" --run-dir "$SV_RUN" --state-dir "$SV_STATE" --no-default-network \
        >"$WORK/swiftvirtd.log" 2>&1 </dev/null &
    SV_PID=$!
    wait_for_list "$SV_URI" 200 || die "swiftvirtd did not come up; see $WORK/swiftvirtd.log"
}

write_header() {
    local cpu kvm
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    if [ -e /dev/kvm ]; then kvm="present"; else kvm="absent"; fi
    cat >"$WORK/header.md" <<EOF
# swiftvirtd vs libvirtd — $(date -u '+%Y-%m-%d %H:%M UTC')

- Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
- Guests: scripts/demo-domain.xml, \`type='qemu'\` (TCG; /dev/kvm $kvm), 256 MiB, 1 vCPU, kernel $(cat "$GUEST_DIR/kernel-version" 2>/dev/null || echo '?')
- libvirtd: $(libvirtd --version | awk '{ print $NF }') (Debian); QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }'); virsh $(virsh --version)
- swiftvirtd: $(if [ -n "${SWIFTVIRTD_BIN:-}" ]; then echo "prebuilt $SWIFTVIRTD_BIN"; else echo "fully static release build of commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- Sources 2>/dev/null || echo ' + uncommitted changes')"; fi), default log level
- Workloads: $([ -n "$ONLY" ] && echo "only $ONLY" || echo all)
- Python: $(/usr/bin/python3 --version) with python3-libvirt $(dpkg-query -W -f='${Version}' python3-libvirt); sizes: $([ "$SMOKE" = 1 ] && echo smoke || echo full)
EOF
}

# ---------------------------------------------------------------------------------------------- cleanup

# Removes what the workloads define in libvirtd (bench-* domains), in case a run was interrupted.
remove_bench_domains() {
    local name
    for name in $(virsh -q -c "$1" list --all --name 2>/dev/null | grep '^bench-' || true); do
        virsh -q -c "$1" destroy "$name" >/dev/null 2>&1 || true
        virsh -q -c "$1" undefine "$name" >/dev/null 2>&1 || true
    done
}

cleanup() {
    local rc=$?
    set +e
    say "cleaning up"
    if [ -n "$SV_PID" ]; then
        remove_bench_domains "$SV_URI"
        stop_pid "$SV_PID"
        rm -rf "$SV_RUN" "$SV_STATE"
    fi
    if [ -n "$LV_PID" ]; then
        remove_bench_domains "$LV_URI"
        stop_pid "$LV_PID"
        rm -rf "$LV_RUN"
    fi
    remove_netns "$SV_NETNS"
    remove_netns "$LV_NETNS"
    rm -rf "$WORK"
    exit $rc
}

# A fresh network namespace with loopback up (a leftover of an interrupted run is removed first).
make_netns() {
    remove_netns "$1"
    ip netns add "$1" && ip -n "$1" link set lo up
}

# Stops whatever still runs in the namespace (a dnsmasq of an interrupted run), then deletes it.
remove_netns() {
    ip netns list 2>/dev/null | grep -qw "^$1" || return 0
    local pids
    pids=$(ip netns pids "$1" 2>/dev/null)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    ip netns del "$1" 2>/dev/null
}

main() {
    [ "$(id -u)" = 0 ] || die "run as root"
    # One run at a time on this host: the sockets, state dirs and bench-* domain clean-up are shared, so a
    # second run would stop the first one's daemons and delete its sockets. A second run waits here.
    exec 9>/run/swiftvirt-bench.lock
    if ! flock -n 9; then
        say "another bench run is active; waiting for it to finish"
        flock 9
    fi
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    install_deps
    prepare_libvirtd
    build_swiftvirt
    make_netns "$SV_NETNS" || die "cannot create network namespace $SV_NETNS"
    make_netns "$LV_NETNS" || die "cannot create network namespace $LV_NETNS"
    start_libvirtd
    start_swiftvirtd
    write_header
    local out=$RESULTS_DIR/latest
    { [ "$SMOKE" = 1 ] || [ -n "$ONLY" ]; } && out=$WORK/partial
    mkdir -p "$RESULTS_DIR"
    /usr/bin/python3 bench/workloads.py --sv-uri "$SV_URI" --lv-uri "$LV_URI" --sv-pid "$SV_PID" \
        --lv-pid "$LV_PID" --guest-dir "$GUEST_DIR" \
        --template scripts/demo-domain.xml --work "$WORK" --header "$WORK/header.md" --out "$out" \
        $([ "$SMOKE" = 1 ] && echo --smoke) ${ONLY:+--only "$ONLY"}
    echo "Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

main "$@"
