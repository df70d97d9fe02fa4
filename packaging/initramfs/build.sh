#!/bin/sh
# initramfs/build.sh OCIBOX OUTDIR - `make initramfs`: what test/initramfs.bats boots.
#
#   OUTDIR/initramfs.cpio.gz  the static ocibox and busybox-static in /bin, the /init below,
#                             a container bundle in /bundle, and the kernel modules the
#                             second root needs (virtio-blk, ext4: modules in Debian's
#                             kernel), in dependency order from modules.dep;
#   OUTDIR/root.ext4          the second root, made with `mke2fs -d`: busybox and an
#                             /sbin/init that prints a line and powers off;
#   OUTDIR/vmlinuz            the newest Debian kernel in /boot (linux-image-amd64).
#
# /init mounts proc/sys/dev and cgroup2, runs the bundle with `oci-run` (a container on a
# bare kernel: namespaces, cgroups, seccomp), then `pivot-helper --move-mounts` into the
# ext4 root on /dev/vda. Everything is written to the serial console.
set -eu
ocibox=$(realpath "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}
kernel=${KERNEL:-$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)}
[ -n "$kernel" ] && [ -f "$kernel" ] || {
	echo "initramfs: no /boot/vmlinuz-*-amd64 (apt-get install linux-image-amd64)" >&2
	exit 1
}
kver=${kernel#/boot/vmlinuz-}
mods=/lib/modules/$kver
ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable' || {
	echo "initramfs: $busybox is not static (apt-get install busybox-static)" >&2
	exit 1
}

rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
root="$out/cpio"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp" \
	"$root/newroot" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$ocibox" "$root/bin/ocibox"
strip "$root/bin/ocibox"
install -m 0755 "$here/init" "$root/init"

# Modules and what they need, dependencies first (modules.dep lists a module's needs).
deps() { # MODULE-PATH: its dependencies' paths, then itself
	for d in $(awk -F': ' -v m="$1" '$1 == m { print $2 }' "$mods/modules.dep"); do
		deps "$d"
	done
	echo "$1"
}
: >"$root/lib/modules/load-order"
for m in drivers/virtio/virtio_pci.ko drivers/block/virtio_blk.ko crypto/crc32c_generic.ko \
	fs/ext4/ext4.ko; do
	deps "kernel/$m"
done | awk '!seen[$0]++' | while read -r m; do
	[ -f "$mods/$m" ] || continue # built into this kernel
	cp "$mods/$m" "$root/lib/modules/"
	basename "$m" >>"$root/lib/modules/load-order"
done

# The container: a busybox rootfs and a config.json made by oci-spec.
b="$root/bundle"
mkdir -p "$b/rootfs/bin" "$b/rootfs/proc" "$b/rootfs/sys" "$b/rootfs/dev" "$b/rootfs/tmp"
cp "$busybox" "$b/rootfs/bin/busybox"
for a in sh echo cat hostname id; do ln -s busybox "$b/rootfs/bin/$a"; done
"$ocibox" oci-spec -b "$b"
"$ocibox" oci-spec -i "$b/config.json" -o "$b/config.json" -f --no-terminal \
	--hostname boxed -- /bin/sh -c \
	'echo "container: hello from $(hostname), pid $$, $(id -u):$(id -g), cgroup $(cat /proc/self/cgroup)"'

# The second root.
r="$out/root"
mkdir -p "$r/bin" "$r/sbin" "$r/proc" "$r/sys" "$r/dev" "$r/run" "$r/etc"
cp "$busybox" "$r/bin/busybox"
for a in sh echo cat awk poweroff; do ln -s busybox "$r/bin/$a"; done
echo secondroot >"$r/etc/hostname"
cat >"$r/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin
echo "second root: $(cat /etc/hostname) is / ($(awk '$5 == "/" { print $9 }' /proc/self/mountinfo)), pid $$"
poweroff -f
INIT
chmod 0755 "$r/sbin/init"
mke2fs -q -F -t ext4 -L secondroot -d "$r" "$out/root.ext4" 16M
rm -rf "$r"

(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -9 >"$out/initramfs.cpio.gz"
rm -rf "$root"
cp "$kernel" "$out/vmlinuz"
echo "initramfs: $out/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes), $out/root.ext4, $out/vmlinuz ($kver)"
