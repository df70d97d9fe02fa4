#!/bin/bash
# test/hosts/build-guest.sh OUTDIR - a Debian 12 guest for the host matrix: systemd as PID 1
# on a pure cgroup v2 hierarchy (systemd's default), podman, and the libraries a dynamic
# ocibox needs. Made offline from this machine's own apt sources (debootstrap), written into
# an ext4 image with `mke2fs -d` (no loop mount). Cached: nothing is done when
# OUTDIR/guest.img matches this script.
#
# The guest boots with Debian's kernel and initrd from /boot (linux-image-amd64), runs the
# unit ocibox-hosttest.service, which mounts the second disk (the test disk: ocibox, the
# bundle and the scenario, made per run by test/hosts/boot) on /mnt/t, runs /mnt/t/run with
# its output on the serial console, and powers off.
set -euo pipefail
out=${1:?usage: build-guest.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# The kernel the guest boots: Debian's linux-image-amd64 on this machine (test/hosts/boot
# picks the same one); its modules go into the guest (overlay, veth, ...).
kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)
[ -n "$kver" ] && [ -d "/lib/modules/$kver" ] ||
	{ echo "build-guest: no Debian kernel in /boot (apt-get install linux-image-amd64)" >&2; exit 1; }
stamp="$(sha256sum "$0" "$here/ocibox-hosttest.service" | sha256sum | cut -c1-16)-$kver"
if [ -f "$out/guest.img" ] && [ "$(cat "$out/guest.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "build-guest: $out/guest.img is up to date"
	exit 0
fi

# The Debian mirror this machine's apt uses (deb822 or one-line sources), never a fixed host.
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}')
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}')
fi
[ -n "$mirror" ] || { echo "build-guest: no Debian mirror in /etc/apt/sources*" >&2; exit 1; }

root=$out/rootfs
rm -rf "$root" "$out/guest.img" "$out/guest.stamp"
pkgs=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,udev,kmod,libjansson4,libnl-3-200,libnl-route-3-200,libseccomp2,libcap2,podman,containernetworking-plugins,jq
echo "build-guest: debootstrap bookworm from $mirror (a few minutes, once)"
debootstrap --variant=minbase --include="$pkgs" bookworm "$root" "$mirror" >"$out/debootstrap.log" 2>&1 ||
	{ tail -20 "$out/debootstrap.log" >&2; exit 1; }

echo hosttest >"$root/etc/hostname"
printf '/dev/vda / ext4 rw,relatime 0 1\n' >"$root/etc/fstab"
# No password, no getty: the guest only runs the scenario and powers off.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
# A user with its own systemd manager from boot (lingering), for the rootless driver.
chroot "$root" useradd -m -u 1000 -s /bin/sh tester
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/tester"
install -m 0644 "$here/ocibox-hosttest.service" "$root/etc/systemd/system/"
ln -sf ../ocibox-hosttest.service "$root/etc/systemd/system/multi-user.target.wants/ocibox-hosttest.service"
mkdir -p "$root/lib/modules"
cp -a "/lib/modules/$kver" "$root/lib/modules/"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*

size=$(($(du -sm "$root" | cut -f1) + 512))
mke2fs -q -t ext4 -d "$root" "$out/guest.img" "${size}M"
rm -rf "$root"
echo "$stamp" >"$out/guest.stamp"
echo "build-guest: $out/guest.img (${size} MiB)"
