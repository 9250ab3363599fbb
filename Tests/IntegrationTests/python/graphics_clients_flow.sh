#!/bin/sh
# virt-viewer and virt-manager against swiftvirtd on an X server of their own (Xvfb). Run inside a private
# mount namespace (unshare --mount) in a network namespace: swiftvirtd serves libvirt's default socket
# (--libvirt-socket) on a tmpfs over /run/libvirt, so the clients see qemu:///system as a local connection, the
# case in which they use virDomainOpenGraphicsFD. Two guests: PORT_GUEST's VNC listens on 127.0.0.1 (found by
# its live XML), FD_GUEST's listens nowhere (<listen type='none'/>), so only a descriptor from the daemon can
# show its screen. Each step prints, after a "== step" line, whether the client got ready, its telling log
# lines, and the pixel counts of a dump of the whole screen (xwd_pixels.py); the dumps and logs stay in SCRATCH.
# SPICE_GUEST has a SPICE display, shown the same way (one descriptor per SPICE channel).
# usage: graphics_clients_flow.sh SWIFTVIRTD SCRATCH PYTHON_DIR PORT_GUEST_XML FD_GUEST_XML SPICE_GUEST_XML
set -u
DAEMON=$1 D=$2 PY=$3 PORT_XML=$4 FD_XML=$5 SPICE_XML=$6
URI=qemu:///system
cleanup() {
    for g in $GUESTS; do virsh -c $URI destroy "$g" >/dev/null 2>&1; done
    kill $CP $XP $DP 2>/dev/null
    wait 2>/dev/null
}
CP= XP= DP= GUESTS=
trap cleanup EXIT
ip link set lo up
mount -t tmpfs tmpfs /run/libvirt || exit 1
"$DAEMON" --run-dir $D/run --state-dir $D/state --libvirt-socket --no-default-network > $D/swiftvirtd.log 2>&1 &
DP=$!
for i in $(seq 1 100); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.1; done
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>$D/xdisplay > $D/xvfb.log 2>&1 &
XP=$!
for i in $(seq 1 100); do [ -s $D/xdisplay ] && break; sleep 0.1; done
export DISPLAY=:$(cat $D/xdisplay)
# No session bus here: GTK and virt-manager carry on without one (their complaints go to the logs).
export NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory

for xml in "$PORT_XML" "$FD_XML" "$SPICE_XML"; do
    name=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$xml" | head -n1)
    GUESTS="$GUESTS $name"
    virsh -c $URI define "$xml" >/dev/null || exit 1
    virsh -c $URI start "$name" >/dev/null || exit 1
done
set -- $GUESTS
PORT_GUEST=$1 FD_GUEST=$2 SPICE_GUEST=$3
# SeaBIOS writes its banner to the screen within a second or two of the start.
sleep 4

# Starts a client, waits until its log shows READY (or 40 s), lets it draw, dumps the screen, stops it.
client() {
    step=$1 ready=$2 telling=$3
    shift 3
    "$@" > $D/$step.log 2>&1 &
    CP=$!
    for i in $(seq 1 400); do grep -q "$ready" $D/$step.log && break; sleep 0.1; done
    sleep 6
    echo "== $step"
    grep -c "$ready" $D/$step.log
    grep -o "$telling" $D/$step.log | head -n 3
    xwd -root -silent > $D/$step.xwd
    python3 $PY/xwd_pixels.py $D/$step.xwd $D/$step.png
    kill $CP 2>/dev/null
    wait $CP 2>/dev/null
    CP=
}
client viewer-by-name "desktop resize" "Guest graphics address is [^ ]*" \
    virt-viewer --debug -c $URI "$PORT_GUEST"
client viewer-attach "desktop resize" "After open connection callback fd=[0-9-]*" \
    virt-viewer --debug -c $URI --attach "$FD_GUEST"
client manager-console "Viewer connected" "Starting connect process for proto=[a-z]* .*gsocket=[A-Za-z]*" \
    virt-manager --no-fork --debug -c $URI --show-domain-console "$FD_GUEST"
client spice-viewer-attach "After open connection callback fd=[0-9]" "After open connection callback fd=[0-9-]*" \
    virt-viewer --debug -c $URI --attach "$SPICE_GUEST"
client spice-manager-console "Viewer connected" "Starting connect process for proto=[a-z]* .*gsocket=[A-Za-z]*" \
    virt-manager --no-fork --debug -c $URI --show-domain-console "$SPICE_GUEST"
client manager-main "Showing manager" "domain=[^ ]* status=[A-Za-z]* added" \
    virt-manager --no-fork --debug -c $URI
# virt-manager's own New VM wizard, driven over the accessibility bus (dogtail needs a session bus, AT-SPI and
# the accessibility setting, so this step runs in a session of its own).
echo "== manager-create"
qemu-img create -q -f qcow2 $D/import.qcow2 64M
# The wizard puts the guest on the default network.
echo "<network><name>default</name><bridge name='wizbr0'/></network>" > $D/net.xml
virsh -c $URI net-define $D/net.xml >/dev/null && virsh -c $URI net-start default >/dev/null
env -u NO_AT_BRIDGE -u GSETTINGS_BACKEND dbus-run-session -- sh -c "
    gsettings set org.gnome.desktop.interface toolkit-accessibility true
    virt-manager --no-fork --debug -c $URI --show-domain-creator > $D/manager-create.log 2>&1 &
    VP=\$!
    for i in \$(seq 1 300); do grep -q \"Launching requested window 'creator'\" $D/manager-create.log && break; sleep 0.1; done
    sleep 2
    /usr/bin/python3 $PY/virt_manager_create.py $D/import.qcow2 wizardguest 2>&1 | grep -E '^(os|summary|finished)|Error|Traceback'
    # Once the guest is made virt-manager closes the wizard and, with no window left, exits; an error dialog stays.
    for i in \$(seq 1 300); do kill -0 \$VP 2>/dev/null || break; sleep 0.1; done
    kill \$VP 2>/dev/null
    grep -o 'libvirtError: .*' $D/manager-create.log
" 2>/dev/null
echo "state: $(virsh -c $URI domstate wizardguest)"
virsh -c $URI dumpxml wizardguest | grep -E "<memory|<vcpu|machine=|import.qcow2" | sed 's/^ *//'
GUESTS="$GUESTS wizardguest"
echo "== domdisplay"
virsh -c $URI domdisplay "$PORT_GUEST"
echo "== end"
