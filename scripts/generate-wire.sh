#!/bin/sh
# Regenerates Sources/SwiftVirtWire/Generated/ from libvirt 9.0's protocol definitions (remote_protocol.x,
# qemu_protocol.x, lxc_protocol.x, virkeepaliveprotocol.x), and Sources/SwiftVirtCore/Generated/ErrorTable.swift from
# its error codes (include/libvirt/virterror.h) and their messages (src/util/virerror.c), with the project's own
# generator (Sources/WireGenerator, run as swiftvirt-wiregen).
#
#   scripts/generate-wire.sh [--source DIR] [--check]
#
# --source DIR   a libvirt 9.0 source tree. Without it the script
#                downloads Debian 12's libvirt source package into a temporary directory with a private apt
#                configuration (it needs only the Debian archive, no root).
# --check        write to a temporary directory and compare with the committed files instead of replacing them;
#                exits 1 and shows the difference if they differ.
#
# Besides the .x files the generator reads src/libvirt*.c for one fact per API function: whether it refuses a
# read-only connection (virCheckReadOnlyGoto). libvirt's files are read here and never committed; the generated
# files hold only the facts taken from them.
set -eu
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || PATH=/opt/swift/usr/bin:$PATH

source_dir=""
check=0
while [ $# -gt 0 ]; do
    case "$1" in
    --source) source_dir="$2"; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "usage: $0 [--source DIR] [--check]" >&2; exit 64 ;;
    esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$source_dir" ]; then
    # A private apt state: the deb-src line is ours alone and the host's apt configuration is not touched.
    mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
        >"$work/apt/sources.list"
    apt_opts="-o Dir::Etc::SourceList=$work/apt/sources.list -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists=$work/apt/lists -o Dir::Cache=$work/apt/cache -o Debug::NoLocking=1
        -o APT::Sandbox::User=root"
    # shellcheck disable=SC2086
    apt-get $apt_opts -q update >/dev/null
    # shellcheck disable=SC2086
    (cd "$work/src" && apt-get $apt_opts -q source --download-only libvirt=9.0.0-4+deb12u2 >/dev/null 2>&1 ||
        apt-get $apt_opts -q source --download-only libvirt >/dev/null)
    tarball=$(ls "$work"/src/libvirt_9.0.0.orig.tar.xz)
    tar -xJf "$tarball" -C "$work/src" --wildcards libvirt-9.0.0/src/remote libvirt-9.0.0/src/rpc/virkeepaliveprotocol.x \
        'libvirt-9.0.0/src/libvirt*.c' libvirt-9.0.0/include/libvirt/virterror.h libvirt-9.0.0/src/util/virerror.c
    source_dir="$work/src/libvirt-9.0.0"
fi

swift build --product swiftvirt-wiregen >/dev/null
generator="$(swift build --show-bin-path)/swiftvirt-wiregen"
target=Sources/SwiftVirtWire/Generated
errors=Sources/SwiftVirtCore/Generated/ErrorTable.swift
if [ "$check" = 1 ]; then
    "$generator" "$source_dir" "$work/out" 9.0.0 --error-table "$work/ErrorTable.swift" >/dev/null
    if diff -ru "$target" "$work/out" && diff -u "$errors" "$work/ErrorTable.swift"; then
        echo "generate-wire: $target and $errors are up to date"
    else
        echo "generate-wire: the committed files differ from what the generator writes; run scripts/generate-wire.sh" >&2
        exit 1
    fi
else
    "$generator" "$source_dir" "$target" 9.0.0 --error-table "$errors"
fi
