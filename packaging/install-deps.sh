#!/bin/sh
# install-deps.sh - apt-get installs what a fresh Debian 12 machine lacks to build ocibox
# and run its tests; installs nothing when everything is there.
set -eu
BUILD="gcc libc6-dev make pkg-config libjansson-dev libcap-dev libseccomp-dev libnl-3-dev libnl-route-3-dev libsystemd-dev"
# golang-go: the OCI runtime-tools validation suite (make conformance) builds with it, offline
TEST="clang-format bats bats-support bats-assert jq busybox-static iproute2 util-linux uidmap procps golang-go"
# make man/deb/initramfs and their tests: man -l, dpkg-shlibdeps and dpkg-buildflags,
# lintian, the initramfs (cpio, mke2fs -d) booted by QEMU with Debian's kernel.
PACKAGING="man-db dpkg-dev lintian cpio e2fsprogs qemu-system-x86 linux-image-amd64"
# For the benchmarks and the engine tests (runc/crun side by side; podman, containerd and
# Docker driving ocibox in test/engines.bats, which starts daemons of its own; CNI plugins;
# QEMU, a kernel and debootstrap for the systemd host test).
EXTRA="runc crun hyperfine time podman containernetworking-plugins containerd docker.io qemu-system-x86 linux-image-amd64 debootstrap"
# To build CRIU 4.2 for the checkpoint tests (`make criu`) where the system's criu cannot
# start (Debian 12's 3.17 on kernels >= 6.15): its build dependencies, from its README.
CRIU_BUILD="libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler python3-protobuf
libnet1-dev libnftables-dev libbsd-dev uuid-dev libgnutls28-dev"
EXTRA="$EXTRA $CRIU_BUILD"
missing=""
for p in $BUILD $TEST $PACKAGING ${OB_DEPS_EXTRA:-$EXTRA}; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all dependencies are installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing:$missing (run as root to install)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packages with services (containerd, docker.io) must not start the system's daemons: the
# tests start their own on sockets of their own, and a system dockerd would configure the
# host's iptables and bridge. policy-rc.d(8) says "not now" to invoke-rc.d and
# deb-systemd-invoke for the duration of the install (unless the machine has its own).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
