#!/bin/sh
# install.sh install|uninstall APPLET... - `make install` / `make uninstall`.
#
# ocibox goes to $BINDIR, the oci-* links beside it; the generic names (nsenter, cgexec,
# pivot-helper, veth-setup), which util-linux, libcgroup and others also ship, go to
# $LIBEXECDIR unless INSTALL_GENERIC=1. Links are relative. An existing file that is not a
# link to ocibox is never replaced (it is named and left alone), and uninstall removes
# only links to ocibox: another package's nsenter survives both.
# Environment (from the Makefile): DESTDIR BINDIR LIBEXECDIR CNIDIR DATADIR MANDIR
# BASHCOMPDIR INSTALL_GENERIC B.
set -eu
mode=$1
shift
D=${DESTDIR:-}

# ours LINK: LINK is a symlink whose target is (a path ending in) ocibox.
ours() {
	[ -L "$1" ] && case "$(readlink "$1")" in ocibox | */ocibox) true ;; *) false ;; esac
}

# link TARGET_FILE LINK: a relative symlink LINK -> TARGET_FILE, never over another file.
link() {
	rel=$(realpath -m --relative-to="$(dirname "$2")" "$1")
	if [ -e "$D$2" ] || [ -L "$D$2" ]; then
		if ! ours "$D$2"; then
			echo "install: $D$2 exists and is not a link to ocibox: left alone" >&2
			return 0
		fi
		rm -f "$D$2"
	fi
	mkdir -p "$D$(dirname "$2")"
	ln -s "$rel" "$D$2"
	echo "  LN      $D$2 -> $rel"
}

unlink_ours() {
	if ours "$D$1"; then
		rm -f "$D$1"
		echo "  RM      $D$1"
	elif [ -e "$D$1" ] || [ -L "$D$1" ]; then
		echo "uninstall: $D$1 is not a link to ocibox: left alone" >&2
	fi
}

# Where an applet's link goes: oci-* beside ocibox; the generic names in LIBEXECDIR.
dir_of() {
	case "$1" in
	oci-*) echo "$BINDIR" ;;
	*) if [ "${INSTALL_GENERIC:-0}" = 1 ]; then echo "$BINDIR"; else echo "$LIBEXECDIR"; fi ;;
	esac
}

man_name() { # the man page of an applet: the generic names get an ocibox- prefix
	case "$1" in oci-*) echo "$1" ;; *) echo "ocibox-$1" ;; esac
}

case "$mode" in
install)
	install -d "$D$BINDIR"
	install -m 0755 "$B/ocibox" "$D$BINDIR/ocibox"
	echo "  INSTALL $D$BINDIR/ocibox"
	for a in "$@"; do link "$BINDIR/ocibox" "$(dir_of "$a")/$a"; done
	link "$BINDIR/ocibox" "$CNIDIR/veth-setup" # the CNI plugin "type": "veth-setup"
	install -d "$D$DATADIR/ocibox"
	install -m 0644 packaging/seccomp-default.json "$D$DATADIR/ocibox/seccomp-default.json"
	for f in "$B"/man/*.[18]; do
		s=${f##*.}
		install -d "$D$MANDIR/man$s"
		install -m 0644 "$f" "$D$MANDIR/man$s/"
	done
	install -d "$D$BASHCOMPDIR"
	install -m 0644 "$B/completion/ocibox" "$D$BASHCOMPDIR/ocibox"
	for a in "$@"; do
		case "$(dir_of "$a")" in "$BINDIR") link "$BASHCOMPDIR/ocibox" "$BASHCOMPDIR/$a" ;; esac
	done
	;;
uninstall)
	for a in "$@"; do
		unlink_ours "$BINDIR/$a"
		unlink_ours "$LIBEXECDIR/$a"
		unlink_ours "$BASHCOMPDIR/$a"
		rm -f "$D$MANDIR/man1/$(man_name "$a").1" "$D$MANDIR/man8/$(man_name "$a").8"
	done
	unlink_ours "$CNIDIR/veth-setup"
	rm -f "$D$BINDIR/ocibox" "$D$DATADIR/ocibox/seccomp-default.json" "$D$BASHCOMPDIR/ocibox" \
		"$D$MANDIR/man8/ocibox.8"
	rmdir "$D$LIBEXECDIR" "$D$DATADIR/ocibox" 2>/dev/null || true
	;;
*)
	echo "usage: install.sh install|uninstall APPLET..." >&2
	exit 2
	;;
esac
