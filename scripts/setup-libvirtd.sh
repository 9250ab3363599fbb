#!/bin/sh
# Prepares this host so that a test can start its own private libvirtd 9.0 (Debian's libvirt-daemon-system)
# as root: the directories, groups and user the packages expect (a container may lack them), and a qemu.conf
# that runs guests as root without relabelling files or needing virtlogd. Idempotent; run as root.
set -eu
mkdir -p /var/log/libvirt/qemu /var/lib/libvirt /var/cache/libvirt /run/libvirt
for g in kvm libvirt libvirt-qemu; do
    getent group "$g" >/dev/null || groupadd --system "$g"
done
getent passwd libvirt-qemu >/dev/null ||
    useradd --system --gid libvirt-qemu --home-dir /var/lib/libvirt --no-create-home --shell /usr/sbin/nologin libvirt-qemu
conf=/etc/libvirt/qemu.conf
[ -f "$conf" ] || { echo "setup-libvirtd.sh: $conf missing; install libvirt-daemon-system" >&2; exit 1; }
set_key() { # set_key KEY VALUE: replace an active or commented "KEY = ..." line, else append one
    if grep -Eq "^#?[[:space:]]*$1[[:space:]]*=" "$conf"; then
        sed -i -E "0,/^#?[[:space:]]*$1[[:space:]]*=.*/s||$1 = $2|" "$conf"
    else
        echo "$1 = $2" >>"$conf"
    fi
}
set_key user '"root"'
set_key group '"root"'
set_key dynamic_ownership 0
set_key remember_owner 0
set_key security_driver '"none"'
# Guest stdout/stderr straight to a file: no virtlogd needed.
set_key stdio_handler '"file"'
# The packaged default network would create a bridge and firewall rules on this host at every libvirtd start.
rm -f /etc/libvirt/qemu/networks/autostart/default.xml
