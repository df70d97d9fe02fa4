#!/bin/sh
# deb/build.sh ROOT VERSION OUTDIR - `make deb`: ocibox_VERSION_ARCH.deb with dpkg-deb from
# ROOT (a `make install PREFIX=/usr DESTDIR=ROOT`): the stripped binary, the oci-* links, the
# generic names in /usr/libexec/ocibox, the CNI plugin link in /usr/lib/cni, man pages,
# bash completion, the default seccomp profile, a copyright file naming the libraries.
# Depends from dpkg-shlibdeps. No debhelper, nothing fetched.
set -eu
root=$(cd "$1" && pwd)
version=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
arch=$(dpkg --print-architecture)

strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/bin/ocibox"
find "$root/usr/share/man" -type f -name '*.[18]' -exec gzip -9n {} +
doc="$root/usr/share/doc/ocibox"
install -d "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
gzip -9n <"$here/changelog" >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# dpkg-shlibdeps wants a debian/control to read; give it a minimal one.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/debian"
printf 'Source: ocibox\n\nPackage: ocibox\nArchitecture: any\n' >"$tmp/debian/control"
# (its warning that the binary is not yet in a package directory is expected here)
depends=$(cd "$tmp" && dpkg-shlibdeps -O "$root/usr/bin/ocibox" 2>"$tmp/err" |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || {
	cat "$tmp/err" >&2
	echo "deb: dpkg-shlibdeps found no dependencies" >&2
	exit 1
}

install -d "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CTL
Package: ocibox
Version: $version
Architecture: $arch
Maintainer: ocibox developers <ocibox@example.org>
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: OCI container runtime in one multicall binary
 ocibox runs containers from OCI bundles (runtime-spec 1.3) as runc and crun do:
 create, start, state, kill, delete, run, exec, pause, update, ps, events, cut
 into small applets (oci-run, oci-spec, ...) that also serve alone in shell
 pipelines and in an initramfs. Container engines (podman, containerd) can use
 it as their runtime; /usr/lib/cni/veth-setup is a CNI plugin.
 .
 The generic applets (nsenter, cgexec, pivot-helper, veth-setup) are in
 /usr/libexec/ocibox so that util-linux's and libcgroup's commands stay.
CTL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
	xargs md5sum) >"$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
deb="$out/ocibox_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "deb: $deb"
