#!/bin/bash
# Side-by-side benchmark of SwiftVirt's swiftvirtd against Debian's libvirtd (9.0.0) on this machine.
#
# Both daemons are driven by the same unmodified virsh with the same guest XML (scripts/demo-domain.xml,
# type='qemu', so TCG), in one run, and every metric is reported as a ratio swiftvirtd/libvirtd
# (< 1 means SwiftVirt is faster or smaller). Absolute numbers depend on the machine and its load; the
# ratios are what the project's speed and memory targets are checked against. Nothing here runs in CI.
#
# Usage (Debian 12, as root):   bench/run.sh
# Knobs (environment): BENCH_RPC_RUNS (default 30), BENCH_RPC_LOOP_ITERATIONS (300), BENCH_BOOT_RUNS (5),
# BENCH_COLD_RUNS (5).
# Output: a table on stdout, the same in bench/results/latest.md, hyperfine JSON in bench/results/json/.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

RPC_RUNS=${BENCH_RPC_RUNS:-30}
BOOT_RUNS=${BENCH_BOOT_RUNS:-5}
COLD_RUNS=${BENCH_COLD_RUNS:-5}
RPC_LOOP_ITERATIONS=${BENCH_RPC_LOOP_ITERATIONS:-300}

SV_RUN=/run/swiftvirt-bench
SV_STATE=/var/lib/swiftvirt-bench
SV_URI="qemu+unix:///system?socket=$SV_RUN/libvirt-sock"
LV_URI="qemu:///system"
GUEST=swiftvirt-bench-guest      # the booted guest, same name in both daemons
CYCLE=swiftvirt-bench-cycle      # defined and undefined over and over
PAD_PREFIX=swiftvirt-bench-pad   # fillers so `list --all` sees as many domains in swiftvirtd as in libvirtd
BANNER="SwiftVirt guest ready"
RESULTS_DIR=$REPO/bench/results
WORK=$(mktemp -d /tmp/swiftvirt-bench.XXXXXX)
ROWS=$WORK/rows.tsv              # metric<TAB>unit<TAB>swiftvirtd<TAB>libvirtd
NOTES=$WORK/notes.txt            # free-text lines printed under the table

# What this script started, so the exit trap stops exactly that and nothing else.
SV_PID=""
STARTED_LIBVIRTD=0
STARTED_VIRTLOGD=0
PAD_COUNT=0

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }
note() { echo "$*" >>"$NOTES"; }
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
libvirtd_pid() { pid_from_file /run/libvirtd.pid; }
virtlogd_pid() { pid_from_file /run/virtlogd.pid; }
is_running() { local p; p=$($1); [ -n "$p" ] && alive "$p"; }

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
    # (GNU time is not needed: hyperfine, /proc and date +%s%N do the measuring.)
    for p in libvirt-daemon-system libvirt-clients hyperfine python3 python3-libvirt qemu-system-x86 busybox-static; do
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

start_libvirt_daemons() {
    if ! is_running virtlogd_pid; then
        virtlogd -d
        STARTED_VIRTLOGD=1
    fi
    if ! is_running libvirtd_pid; then
        start_bg_libvirtd
        STARTED_LIBVIRTD=1
    fi
    wait_for_list "$LV_URI" 600 || die "libvirtd does not answer virsh list"
}

build_swiftvirt() {
    command -v swift >/dev/null 2>&1 || PATH=/opt/swift/usr/bin:$PATH
    command -v swift >/dev/null 2>&1 || die "swift toolchain not found (PATH or /opt/swift)"
    say "building swiftvirtd (release)"
    swift build -c release --product swiftvirtd >&2
    SV_BIN=$(swift build -c release --show-bin-path)/swiftvirtd
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
    "$SV_BIN" --run-dir "$SV_RUN" --state-dir "$SV_STATE" >"$WORK/swiftvirtd.log" 2>&1 </dev/null &
    SV_PID=$!
    wait_for_list "$SV_URI" 200 || die "swiftvirtd did not come up; see $WORK/swiftvirtd.log"
}

# Writes the demo domain XML with the placeholders filled to $WORK/NAME-TAG.xml and prints the path.
domain_xml() {
    local name=$1 tag=$2 out=$WORK/$1-$2.xml
    sed -e "s|@NAME@|$name|" -e "s|@KERNEL@|$GUEST_DIR/vmlinuz|" -e "s|@INITRD@|$GUEST_DIR/initrd.img|" \
        -e "s|@SERIAL_LOG@|$WORK/$name-$tag-serial.log|" scripts/demo-domain.xml >"$out"
    echo "$out"
}

# Removes a domain (running or not) quietly; used before and after the run.
remove_domain() {
    virsh -q -c "$1" destroy "$2" >/dev/null 2>&1 || true
    virsh -q -c "$1" undefine "$2" >/dev/null 2>&1 || true
}

define_guests() {
    remove_domain "$SV_URI" "$GUEST"
    remove_domain "$LV_URI" "$GUEST"
    remove_domain "$SV_URI" "$CYCLE"
    remove_domain "$LV_URI" "$CYCLE"
    virsh -q -c "$SV_URI" define "$(domain_xml "$GUEST" sv)" >/dev/null
    virsh -q -c "$LV_URI" define "$(domain_xml "$GUEST" lv)" >/dev/null
    domain_xml "$CYCLE" sv >/dev/null
    domain_xml "$CYCLE" lv >/dev/null
    # libvirtd may hold domains of other users of this machine; list --all cost grows with the count,
    # so swiftvirtd gets as many inactive fillers.
    local lv_count sv_count i
    lv_count=$(virsh -q -c "$LV_URI" list --all --name | grep -c . || true)
    sv_count=$(virsh -q -c "$SV_URI" list --all --name | grep -c . || true)
    PAD_COUNT=$((lv_count - sv_count))
    [ "$PAD_COUNT" -gt 0 ] || PAD_COUNT=0
    for ((i = 1; i <= PAD_COUNT; i++)); do
        virsh -q -c "$SV_URI" define "$(domain_xml "$PAD_PREFIX-$i" sv)" >/dev/null
    done
    note "- Domains defined during \`list --all\`: $lv_count in each daemon (libvirtd held $((lv_count - 1)) other domain(s); swiftvirtd got $PAD_COUNT inactive fillers)."
}

# ------------------------------------------------------------------------------------------ measuring

add_row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$ROWS"; }

# Runs hyperfine on a virsh command line against each daemon (no shell in between, so the numbers
# are virsh's own start-up plus the RPC exchange) and records the medians in ms.
# $1 metric label, $2 json file stem, $3/$4 virsh arguments after the URI for swiftvirtd/libvirtd.
hyperfine_pair() {
    local label=$1 stem=$2 sv_args=$3 lv_args=$4
    local json=$RESULTS_DIR/json/$stem.json
    say "measuring: $label"
    hyperfine -N --style basic -w 3 -r "$RPC_RUNS" --export-json "$json" \
        -n swiftvirtd "virsh -q -c '$SV_URI' $sv_args" \
        -n libvirtd "virsh -q -c '$LV_URI' $lv_args" >&2
    add_row "$label" ms "$(json_median "$json" 0)" "$(json_median "$json" 1)"
}

bench_virsh_calls() {
    hyperfine_pair "RPC: virsh list --all" list "list --all" "list --all"
    hyperfine_pair "RPC: virsh dominfo" dominfo "dominfo $GUEST" "dominfo $GUEST"
    hyperfine_pair "RPC: virsh dumpxml" dumpxml "dumpxml $GUEST" "dumpxml $GUEST"
    # One virsh process, one connection, two calls: the cost is define + undefine, not two connects.
    hyperfine_pair "define + undefine (one virsh)" define-undefine \
        "'define $WORK/$CYCLE-sv.xml ; undefine $CYCLE'" "'define $WORK/$CYCLE-lv.xml ; undefine $CYCLE'"
}

json_median() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.2f" % (r["median"]*1000))' "$1" "$2"
}

median() { python3 -c 'import statistics,sys; print("%.2f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

# Per-call latency over one open connection (bench/rpc_loop.py): the daemon's share of a call without
# virsh's start-up. Two rounds alternating daemons; the row is the median of the per-round medians.
bench_rpc_in_process() {
    local round tag uri out=$WORK/rpc-loop.tsv
    say "measuring: per-call RPC latency over one connection (python3-libvirt)"
    : >"$out"
    for round in 1 2; do
        for tag in sv lv; do
            if [ $tag = sv ]; then uri=$SV_URI; else uri=$LV_URI; fi
            /usr/bin/python3 bench/rpc_loop.py "$uri" "$GUEST" "$WORK/$CYCLE-$tag.xml" "$CYCLE" "$RPC_LOOP_ITERATIONS" |
                sed "s/^/$tag\t/" >>"$out"
        done
    done
    local label
    while IFS= read -r label; do
        add_row "per call, one connection: $label" "µs" \
            "$(median $(awk -F'\t' -v l="$label" '$1 == "sv" && $2 == l { print $3 }' "$out"))" \
            "$(median $(awk -F'\t' -v l="$label" '$1 == "lv" && $2 == l { print $3 }' "$out"))"
    done < <(awk -F'\t' '$1 == "sv" { print $2 }' "$out" | awk '!seen[$0]++')
}

# Resident memory of the daemon processes only (never QEMU), in KiB: "VmRSS VmHWM" summed over PIDs.
daemon_mem() {
    local rss=0 hwm=0 pid r h
    for pid in "$@"; do
        r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
        h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
        rss=$((rss + r))
        hwm=$((hwm + h))
    done
    echo "$rss $hwm"
}
# CPU time (user + system) of the daemon processes, in clock ticks, summed over PIDs.
daemon_cpu_ticks() {
    local pid sum=0
    # Fields 14 and 15 of /proc/PID/stat; the command name (field 2) has no spaces for these daemons.
    for pid in "$@"; do sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
    echo "$sum"
}
kib_to_mib() { python3 -c 'import sys; print("%.1f" % (int(sys.argv[1]) / 1024))' "$1"; }

# Records idle memory: swiftvirtd; libvirtd + virtlogd (the log daemon libvirtd relies on).
bench_memory_idle() {
    local sv lv lvo
    sv=($(daemon_mem "$SV_PID"))
    lv=($(daemon_mem "$(libvirtd_pid)" "$(virtlogd_pid)"))
    lvo=($(daemon_mem "$(libvirtd_pid)"))
    add_row "RSS idle (libvirtd + virtlogd)" MiB "$(kib_to_mib "${sv[0]}")" "$(kib_to_mib "${lv[0]}")"
    add_row "RSS idle, libvirtd alone" MiB "$(kib_to_mib "${sv[0]}")" "$(kib_to_mib "${lvo[0]}")"
}

# One boot: `virsh start` returning, then the banner in the serial log, then destroy.
# Prints "start_ms banner_ms rss_kib hwm_kib cpu_ms": memory of the daemon processes while the guest
# runs, and the CPU time they used from start to banner (the guest competes with them for 2 cores).
# $1 URI, $2 tag (sv|lv), $3.. daemon PIDs.
boot_once() {
    local uri=$1 tag=$2
    shift 2
    local log=$WORK/$GUEST-$tag-serial.log t0 t1 t2 i=0
    rm -f "$log"
    local c0 c1
    c0=$(daemon_cpu_ticks "$@")
    t0=$(now_ns)
    virsh -q -c "$uri" start "$GUEST" >/dev/null
    t1=$(now_ns)
    until grep -q "$BANNER" "$log" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 12000 ] || die "no banner from $tag guest after 120 s (see $log)"
        sleep 0.01
    done
    t2=$(now_ns)
    c1=$(daemon_cpu_ticks "$@")
    local mem
    mem=$(daemon_mem "$@")
    virsh -q -c "$uri" destroy "$GUEST" >/dev/null
    echo "$(ns_to_ms $((t1 - t0))) $(ns_to_ms $((t2 - t0))) $mem $(((c1 - c0) * 1000 / $(getconf CLK_TCK)))"
}

# Boots alternate between the daemons so slow drift in the machine's load hits both alike.
bench_boot() {
    local r sv lv sv_start=() sv_banner=() sv_rss=() sv_hwm=() sv_cpu=() lv_start=() lv_banner=() lv_rss=() lv_hwm=() lv_cpu=()
    for ((r = 1; r <= BOOT_RUNS; r++)); do
        say "guest boot $r/$BOOT_RUNS"
        sv=($(boot_once "$SV_URI" sv "$SV_PID"))
        lv=($(boot_once "$LV_URI" lv "$(libvirtd_pid)" "$(virtlogd_pid)"))
        [ ${#sv[@]} = 5 ] && [ ${#lv[@]} = 5 ] || die "guest boot $r failed"
        say "  swiftvirtd: start ${sv[0]} ms, banner ${sv[1]} ms, daemon CPU ${sv[4]} ms;" \
            "libvirtd: start ${lv[0]} ms, banner ${lv[1]} ms, daemon CPU ${lv[4]} ms"
        sv_start+=("${sv[0]}") sv_banner+=("${sv[1]}") lv_start+=("${lv[0]}") lv_banner+=("${lv[1]}")
        sv_rss+=("${sv[2]}") sv_hwm+=("${sv[3]}") lv_rss+=("${lv[2]}") lv_hwm+=("${lv[3]}")
        sv_cpu+=("${sv[4]}") lv_cpu+=("${lv[4]}")
    done
    add_row "guest start: virsh start returns" ms "$(median "${sv_start[@]}")" "$(median "${lv_start[@]}")"
    add_row "guest start: start -> serial banner" ms "$(median "${sv_banner[@]}")" "$(median "${lv_banner[@]}")"
    add_row "daemon CPU time, start -> banner" ms "$(median "${sv_cpu[@]}")" "$(median "${lv_cpu[@]}")"
    add_row "RSS with 1 running guest (libvirtd + virtlogd)" MiB "$(kib_to_mib "$(median "${sv_rss[@]}" | cut -d. -f1)")" \
        "$(kib_to_mib "$(median "${lv_rss[@]}" | cut -d. -f1)")"
    add_row "peak RSS, VmHWM (libvirtd + virtlogd)" MiB "$(kib_to_mib "${sv_hwm[-1]}")" "$(kib_to_mib "${lv_hwm[-1]}")"
}

# Time from exec to the first successful `virsh list`, polled every 5 ms. Prints ms.
# $1 URI; the rest is the command that starts the daemon.
cold_start_once() {
    local uri=$1
    shift
    local t0 t1 i=0
    t0=$(now_ns)
    "$@"
    until virsh -q -c "$uri" list --all >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 6000 ] || die "daemon did not answer within 30 s: $*"
        sleep 0.005
    done
    t1=$(now_ns)
    ns_to_ms $((t1 - t0))
}

# A fresh swiftvirtd on its own run/state dirs, seeded with a copy of the bench daemon's persistent
# configs so it loads as many domains as libvirtd does at start-up.
swiftvirtd_cold_once() {
    local dir=$WORK/cold-$1 ms pid
    mkdir -p "$dir/run"
    cp -a "$SV_STATE" "$dir/state"
    rm -rf "$dir/state/log"
    ms=$(cold_start_once "qemu+unix:///system?socket=$dir/run/libvirt-sock" start_bg_swiftvirtd "$dir")
    pid=$(cat "$dir/pid")
    stop_pid "$pid"
    rm -rf "$dir"
    echo "$ms"
}
start_bg_swiftvirtd() {
    "$SV_BIN" --run-dir "$1/run" --state-dir "$1/state" >>"$WORK/swiftvirtd-cold.log" 2>&1 </dev/null &
    echo $! >"$1/pid"
}

libvirtd_cold_once() {
    local old ms
    old=$(libvirtd_pid)
    stop_pid "$old"
    ms=$(cold_start_once "$LV_URI" start_bg_libvirtd)
    # If the old libvirtd had not gone, the new one could not start and the old one would have answered.
    [ "$(libvirtd_pid)" != "$old" ] || die "libvirtd did not restart (pid $old still serving)"
    echo "$ms"
}
# libvirtd -d forks into the background itself; its stdio must not hold the caller's pipe open.
start_bg_libvirtd() { libvirtd -d </dev/null >/dev/null 2>&1; }

bench_cold_start() {
    local r sv=() lv=()
    local can_restart_libvirtd=$STARTED_LIBVIRTD
    if [ "$can_restart_libvirtd" = 0 ]; then
        note "- libvirtd cold start skipped: libvirtd was already running before this script, and it is not ours to restart."
    fi
    for ((r = 1; r <= COLD_RUNS; r++)); do
        say "daemon cold start $r/$COLD_RUNS"
        sv+=("$(swiftvirtd_cold_once "$r")")
        if [ "$can_restart_libvirtd" = 1 ]; then lv+=("$(libvirtd_cold_once)"); fi
    done
    local lv_med=n/a
    [ ${#lv[@]} -gt 0 ] && lv_med=$(median "${lv[@]}")
    add_row "daemon cold start: exec -> first virsh list" ms "$(median "${sv[@]}")" "$lv_med"
}

# --------------------------------------------------------------------------------------------- report

render_report() {
    python3 - "$ROWS" "$NOTES" "$WORK/header.md" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print(open(sys.argv[3]).read().rstrip())
print()
print("| metric | unit | swiftvirtd (median) | libvirtd (median) | ratio sv/lv |")
print("|---|---|---:|---:|---:|")
for metric, unit, sv, lv in rows:
    try:
        ratio = "%.2f" % (float(sv) / float(lv))
    except (ValueError, ZeroDivisionError):
        ratio = "n/a"
    print(f"| {metric} | {unit} | {sv} | {lv} | {ratio} |")
print()
print("Ratio < 1: swiftvirtd is faster / smaller. Notes:")
print()
print(open(sys.argv[2]).read().rstrip())
EOF
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
- swiftvirtd: release build of commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), default log level
- Runs: RPC and define/undefine ${RPC_RUNS} each after 3 warm-ups (hyperfine $(hyperfine --version | awk '{ print $2 }'), no shell); guest boots ${BOOT_RUNS}, alternating daemons; cold starts ${COLD_RUNS}
EOF
}

# ---------------------------------------------------------------------------------------------- cleanup

cleanup() {
    local rc=$?
    set +e
    say "cleaning up"
    if [ -n "$SV_PID" ]; then
        remove_domain "$SV_URI" "$GUEST"
        remove_domain "$SV_URI" "$CYCLE"
        local i
        for ((i = 1; i <= PAD_COUNT; i++)); do remove_domain "$SV_URI" "$PAD_PREFIX-$i"; done
        stop_pid "$SV_PID"
        rm -rf "$SV_RUN" "$SV_STATE"
    fi
    if is_running libvirtd_pid; then
        remove_domain "$LV_URI" "$GUEST"
        remove_domain "$LV_URI" "$CYCLE"
    fi
    [ "$STARTED_LIBVIRTD" = 1 ] && stop_pid "$(libvirtd_pid)"
    [ "$STARTED_VIRTLOGD" = 1 ] && stop_pid "$(virtlogd_pid)"
    rm -rf "$WORK"
    exit $rc
}

main() {
    [ "$(id -u)" = 0 ] || die "run as root"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    install_deps
    prepare_libvirtd
    build_swiftvirt
    mkdir -p "$RESULTS_DIR/json"
    : >"$ROWS"
    : >"$NOTES"
    start_libvirt_daemons
    start_swiftvirtd
    write_header
    define_guests
    note "- 'RPC: virsh' rows time a whole \`virsh -c URI ...\` process (exec, connect, auth, open, the call, close), as a user sees it; 'per call, one connection' rows time single calls over one open python3-libvirt connection ($RPC_LOOP_ITERATIONS calls after 20 warm-ups, 2 rounds)."
    note "- Memory counts daemon processes only, never QEMU. libvirtd's rows add virtlogd (its log daemon) except the row marked 'alone'; peak is VmHWM at the end of the boots."
    note "- The libvirtd cold start restarts \`libvirtd -d\` (virtlogd stays up; QEMU capabilities cache warm). swiftvirtd's starts on a fresh run dir with a copy of the bench state dir (same domain count)."
    bench_virsh_calls
    bench_rpc_in_process
    bench_memory_idle
    bench_boot
    bench_cold_start
    echo "- Load average at end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared; compare ratios, not absolute times)." >>"$NOTES"
    render_report | tee "$RESULTS_DIR/latest.md"
}

main "$@"
