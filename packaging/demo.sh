#!/bin/sh
# demo.sh - `make demo`: a busybox-static bundle made with oci-spec, one container that
# prints its hostname, its pid, its uid and its mounts, then everything removed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ocibox="$top/build/ocibox"
busybox=${BUSYBOX:-/bin/busybox}
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (namespaces, mounts)" >&2; exit 1; }
[ -x "$busybox" ] || { echo "demo: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d /tmp/ocibox-demo.XXXXXX)
id="demo-$$"
cleanup() {
	"$ocibox" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A root filesystem: the static busybox and its applet links.
rootfs="$work/bundle/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/etc" "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for a in $("$busybox" --list); do
	[ -e "$rootfs/bin/$a" ] || ln -s busybox "$rootfs/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"

# config.json from oci-spec, with our command.
"$ocibox" oci-spec -b "$work/bundle"
"$ocibox" oci-spec -i "$work/bundle/config.json" --no-terminal --hostname ocibox-demo \
	-o "$work/bundle/config.json" -f -- /bin/sh -c \
	'echo "hostname: $(hostname)"; echo "pid:      $$"; echo "id:       $(id)"; echo "mounts:"; cat /proc/self/mounts'

echo "demo: ocibox run $id (bundle $work/bundle)"
status=0
"$ocibox" --root "$work/state" run -b "$work/bundle" "$id" || status=$?
echo "demo: the container exited with status $status; state left: $(ls "$work/state" 2>/dev/null | wc -l)"
