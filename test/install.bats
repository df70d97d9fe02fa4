#!/usr/bin/env bats
# make install / uninstall (packaging/install.sh), `ocibox --install [-s] DIR`, the man pages
# and bash completion generated from the applets' --help texts (make man, make completion).

load helpers

applets() { "$OCIBOX" --list; }

# make_install ARGS...: make install into a scratch DESTDIR ($D), PREFIX=/usr
make_install() {
	D="$BATS_TEST_TMPDIR/root"
	run make -s -C "$TOP" --no-print-directory install PREFIX=/usr DESTDIR="$D" "$@"
}

@test "make install: ocibox and oci-* in bin, the generic names in libexec/ocibox, relative links" {
	make_install
	assert_success
	[ -x "$D/usr/bin/ocibox" ] && [ ! -L "$D/usr/bin/ocibox" ]
	for a in $(applets); do
		case "$a" in
		oci-*) [ "$(readlink "$D/usr/bin/$a")" = ocibox ] || fail "$a: $(ls -l "$D/usr/bin/$a")" ;;
		*)
			[ "$(readlink "$D/usr/libexec/ocibox/$a")" = ../../bin/ocibox ] || fail "$a not in libexec"
			[ ! -e "$D/usr/bin/$a" ] || fail "$a in bin"
			;;
		esac
	done
	[ "$(readlink "$D/usr/lib/cni/veth-setup")" = ../../bin/ocibox ]
	cmp "$TOP/packaging/seccomp-default.json" "$D/usr/share/ocibox/seccomp-default.json"
	[ -f "$D/usr/share/man/man8/oci-run.8" ] && [ -f "$D/usr/share/man/man1/ocibox-nsenter.1" ]
	[ -f "$D/usr/share/bash-completion/completions/ocibox" ]
	[ "$(readlink "$D/usr/share/bash-completion/completions/oci-run")" = ocibox ]
	[ ! -e "$D/usr/share/bash-completion/completions/nsenter" ]
	# the installed links run the installed binary
	run "$D/usr/libexec/ocibox/nsenter" --version
	assert_output --partial "ocibox"
	run "$D/usr/bin/oci-state" --help
	assert_line --index 0 --partial "Usage: oci-state"
}

@test "make install never replaces another package's file; uninstall removes only our links" {
	D="$BATS_TEST_TMPDIR/root"
	mkdir -p "$D/usr/bin" "$D/usr/lib/cni"
	printf '#!/bin/sh\necho util-linux nsenter\n' >"$D/usr/bin/nsenter"
	chmod +x "$D/usr/bin/nsenter"
	printf 'libcgroup cgexec\n' >"$D/usr/bin/cgexec.real"
	ln -s cgexec.real "$D/usr/bin/cgexec"
	echo "another plugin" >"$D/usr/lib/cni/veth-setup"
	make_install INSTALL_GENERIC=1
	assert_success
	assert_line "install: $D/usr/bin/nsenter exists and is not a link to ocibox: left alone"
	assert_line "install: $D/usr/bin/cgexec exists and is not a link to ocibox: left alone"
	assert_line "install: $D/usr/lib/cni/veth-setup exists and is not a link to ocibox: left alone"
	[ "$("$D/usr/bin/nsenter")" = "util-linux nsenter" ]
	[ "$(readlink "$D/usr/bin/cgexec")" = cgexec.real ]
	[ "$(readlink "$D/usr/bin/pivot-helper")" = ocibox ]   # INSTALL_GENERIC=1: beside ocibox
	[ "$(readlink "$D/usr/bin/oci-run")" = ocibox ]
	# a second install replaces our own links, still not theirs
	make_install INSTALL_GENERIC=1
	assert_success
	[ "$(readlink "$D/usr/bin/oci-run")" = ocibox ]
	run make -s -C "$TOP" --no-print-directory uninstall PREFIX=/usr DESTDIR="$D" INSTALL_GENERIC=1
	assert_success
	assert_line "uninstall: $D/usr/bin/nsenter is not a link to ocibox: left alone"
	[ "$("$D/usr/bin/nsenter")" = "util-linux nsenter" ]
	[ "$(readlink "$D/usr/bin/cgexec")" = cgexec.real ]
	[ "$(cat "$D/usr/lib/cni/veth-setup")" = "another plugin" ]
	# nothing of ours is left
	run find "$D" -name 'oci*' -o -lname '*ocibox'
	assert_output ""
	run find "$D/usr/share" -type f
	assert_output ""
}

@test "ocibox --install [-s] DIR: a link per applet, relative beside the binary, others left alone" {
	d="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$d"
	cp "$OCIBOX" "$d/ocibox"
	ln -s busybox "$d/nsenter"
	run "$d/ocibox" --install -s "$d"
	assert_success
	assert_output "ocibox: --install: \`$d/nsenter\` exists and is not ocibox: left alone"
	for a in $(applets); do
		[ "$a" = nsenter ] && continue
		[ "$(readlink "$d/$a")" = ocibox ] || fail "$a: $(ls -l "$d/$a")"
	done
	[ "$(readlink "$d/nsenter")" = busybox ]
	run "$d/oci-spec" --help
	assert_line --index 0 --partial "Usage: oci-spec"
	# hard links (no -s) in another directory: the same inode
	h="$BATS_TEST_TMPDIR/hard"
	mkdir "$h"
	run "$d/ocibox" --install "$h"
	assert_success
	[ "$(stat -c %i "$h/oci-run")" = "$(stat -c %i "$d/ocibox")" ]
	[ "$(ls "$h" | wc -l)" = "$(applets | wc -l)" ]
	# -s elsewhere: the binary's absolute path
	s="$BATS_TEST_TMPDIR/sym"
	mkdir "$s"
	"$d/ocibox" --install -s "$s"
	[ "$(readlink "$s/cgexec")" = "$d/ocibox" ]
	run "$OCIBOX" --install
	assert_failure 2
	assert_output "ocibox: usage: ocibox --install [-s] DIR"
	run "$OCIBOX" --install "$BATS_TEST_TMPDIR/none"
	assert_failure 1
	assert_output "ocibox: --install: \`$BATS_TEST_TMPDIR/none\`: No such file or directory"
}

# man_text PAGE: the page's DESCRIPTION block (between .nf and .fi), roff escapes undone
man_text() {
	sed -n '/^\.nf$/,/^\.fi$/p' "$1" | sed -e '1d' -e '$d' -e 's/^\\&//' -e 's/\\-/-/g' -e 's/\\e/\\/g'
}

@test "make man: one page per applet, the same text as APPLET --help; section 8 for the runtime verbs" {
	run make -s -C "$TOP" --no-print-directory man
	assert_success
	m="$TOP/build/man"
	[ "$(ls "$m"/*.[18] | wc -l)" -eq $(($(applets | wc -l) + 1)) ]
	for a in $(applets); do
		case "$a" in
		oci-*) p="$m/$a.8" ;;
		nsenter | cgexec) p="$m/ocibox-$a.1" ;;
		*) p="$m/ocibox-$a.8" ;;
		esac
		[ -f "$p" ] || fail "no man page $p for $a"
		diff -u <("$OCIBOX" "$a" --help) <(man_text "$p") || fail "$p and '$a --help' disagree"
	done
	diff -u <("$OCIBOX" --help) <(man_text "$m/ocibox.8")
	# it renders: man finds the usage line and the NAME summary from applets.list
	run env MANWIDTH=200 man -l "$m/oci-run.8"
	assert_line --regexp '^ +oci-run - create and start a container, wait for it$'
	assert_line --regexp '^ +Usage: oci-run '
}

@test "bash completion: applets, runc verbs, global options, each applet's options" {
	run make -s -C "$TOP" --no-print-directory completion
	assert_success
	comp() { # WORDS...: the completions for the last word
		bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ocibox; printf "%s\n" "${COMPREPLY[@]}"' \
			_ "$TOP/build/completion/ocibox" "$@"
	}
	run comp ocibox oci-cr
	assert_output "oci-create"
	run comp ocibox --root /x del
	assert_output "delete"
	run comp ocibox --sys
	assert_output "--systemd-cgroup"
	run comp oci-run --pid
	assert_output "--pid-file"
	run comp ocibox nsenter --preserve
	assert_output "--preserve-credentials"
	run comp ocibox exec --tt
	assert_output "--tty"
	# the generic names are not registered: util-linux's own completion stays in charge
	run bash -c "source $TOP/build/completion/ocibox; complete -p nsenter"
	assert_failure
}
