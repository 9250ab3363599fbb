#!/bin/sh
# Installs the Debian 12 packages SwiftVirt needs to build, run and test.
# The Swift toolchain itself is expected at /opt/swift or on PATH.
set -eu
export DEBIAN_FRONTEND=noninteractive
PACKAGES="qemu-system-x86 qemu-utils libvirt-clients python3-libvirt python3 busybox-static
libxml2-utils cpio gzip xz-utils zstd util-linux procps libvirt-daemon-system netcat-openbsd
dnsmasq-base nftables iproute2 openssl virtinst ovmf swtpm swtpm-tools
lvm2 parted nfs-common nfs-kernel-server xfsprogs dosfstools
libvirt-daemon-driver-storage-rbd libvirt-daemon-driver-storage-gluster
libvirt-daemon-driver-storage-iscsi-direct libvirt-daemon-driver-storage-zfs
xorriso isolinux syslinux-common pci.ids ansible python3-lxml
prometheus-libvirt-exporter curl libvirt-dbus dbus-daemon systemd libvirt-daemon-config-nwfilter qemu-guest-agent
virt-viewer virt-manager xvfb x11-apps fonts-dejavu-core python3-dogtail at-spi2-core libglib2.0-bin dconf-gsettings-backend
gir1.2-spiceclientgtk-3.0 gir1.2-spiceclientglib-2.0"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# Always refresh the lists: build-guest-image.sh resolves the current kernel from them.
apt-get update -q
if [ -n "$missing" ]; then
    apt-get install -y -q --no-install-recommends $missing
fi
# The CLI integration tests start their own libvirtd; prepare the host for it (idempotent).
sh "$(dirname "$0")/setup-libvirtd.sh"
