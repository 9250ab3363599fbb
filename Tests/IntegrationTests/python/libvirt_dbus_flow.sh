#!/bin/sh
# Cockpit's machines page backend, Debian's libvirt-dbus, against swiftvirtd. Run inside a private mount
# namespace (unshare --mount): swiftvirtd serves libvirt's default socket (--libvirt-socket) on a tmpfs over
# /run/libvirt, a private dbus-daemon stands in for the system bus, and libvirt-dbus --system connects to
# qemu:///system, which is swiftvirtd. Prints each D-Bus answer after a "== step" line.
# usage: libvirt_dbus_flow.sh SWIFTVIRTD SCRATCH GUEST_XML
set -u
DAEMON=$1 D=$2 GUEST=$3
BUS=unix:path=$D/bus
cleanup() {
    virsh -c qemu:///system destroy dbusguest >/dev/null 2>&1
    kill $LP $BP $DP 2>/dev/null
    wait 2>/dev/null
}
LP= BP= DP=
trap cleanup EXIT
mount -t tmpfs tmpfs /run/libvirt || exit 1
cat > $D/bus.conf <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>$BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow send_type="method_call"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
"$DAEMON" --run-dir $D/run --state-dir $D/state --libvirt-socket --no-default-network > $D/swiftvirtd.log 2>&1 &
DP=$!
for i in $(seq 1 100); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.1; done
dbus-daemon --config-file=$D/bus.conf --nofork --nopidfile > $D/dbus.log 2>&1 &
BP=$!
for i in $(seq 1 50); do [ -S $D/bus ] && break; sleep 0.1; done
DBUS_SYSTEM_BUS_ADDRESS=$BUS libvirt-dbus --system > $D/libvirt-dbus.log 2>&1 &
LP=$!
for i in $(seq 1 50); do busctl --timeout=1 --address=$BUS status org.libvirt >/dev/null 2>&1 && break; sleep 0.1; done

virsh -c qemu:///system define "$GUEST" >/dev/null || exit 1
echo "<network><name>dbusnet</name><bridge name='dbusbr0'/></network>" > $D/net.xml
virsh -c qemu:///system net-define $D/net.xml >/dev/null || exit 1

call() { busctl --timeout=30 --address=$BUS call org.libvirt "$@"; }
get() { busctl --timeout=30 --address=$BUS get-property org.libvirt "$@"; }
echo "== domains"; call /org/libvirt/QEMU org.libvirt.Connect ListDomains u 0
echo "== networks"; call /org/libvirt/QEMU org.libvirt.Connect ListNetworks u 0
echo "== pools"; call /org/libvirt/QEMU org.libvirt.Connect ListStoragePools u 0
DOM=$(call /org/libvirt/QEMU org.libvirt.Connect DomainLookupByName s dbusguest | sed 's/^o "\(.*\)"$/\1/')
echo "== name"; get "$DOM" org.libvirt.Domain Name
echo "== active before"; get "$DOM" org.libvirt.Domain Active
echo "== create"; call "$DOM" org.libvirt.Domain Create u 0 && echo created
echo "== active after create"; get "$DOM" org.libvirt.Domain Active
echo "== virsh state"; virsh -c qemu:///system domstate dbusguest
echo "== destroy"; call "$DOM" org.libvirt.Domain Destroy u 0 && echo destroyed
echo "== active after destroy"; get "$DOM" org.libvirt.Domain Active
NET=$(call /org/libvirt/QEMU org.libvirt.Connect NetworkLookupByName s dbusnet | sed 's/^o "\(.*\)"$/\1/')
echo "== network name"; get "$NET" org.libvirt.Network Name
echo "== network create"; call "$NET" org.libvirt.Network Create && echo started
echo "== network active"; get "$NET" org.libvirt.Network Active
echo "== network destroy"; call "$NET" org.libvirt.Network Destroy && echo stopped
echo "== end"
