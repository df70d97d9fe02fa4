#!/usr/bin/env bats
# make deb (packaging/deb/build.sh): the package installs with dpkg into a scratch root,
# runs a container from there, removes cleanly; lintian reports no errors.

load helpers

setup() {
	common_setup
	requires root
	DEB=$(make -s -C "$TOP" --no-print-directory deb | sed -n 's/^deb: //p')
	DEB="$TOP/$DEB"
	[ -f "$DEB" ] || fail "make deb made no package"
}

@test "make deb: dpkg -i into a scratch root; the installed oci-run runs a container; dpkg -r removes it all" {
	R="$BATS_TEST_TMPDIR/root"
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
	: >"$R/var/lib/dpkg/status"
	# the libraries are the host's: the scratch root has none of the Depends
	run dpkg --root="$R" --force-depends --force-script-chrootless -i "$DEB"
	assert_success
	run dpkg --root="$R" -L ocibox
	for f in /usr/bin/ocibox /usr/bin/oci-run /usr/libexec/ocibox/nsenter /usr/lib/cni/veth-setup \
		/usr/share/man/man8/oci-run.8.gz /usr/share/man/man1/ocibox-nsenter.1.gz \
		/usr/share/bash-completion/completions/ocibox /usr/share/ocibox/seccomp-default.json \
		/usr/share/doc/ocibox/copyright; do
		assert_line "$f"
	done
	[ ! -e "$R/usr/bin/nsenter" ] && [ ! -e "$R/usr/bin/cgexec" ]
	[ "$(readlink "$R/usr/lib/cni/veth-setup")" = ../../bin/ocibox ]
	run grep -E '^  (jansson|libcap|libseccomp|libnl-3)' "$R/usr/share/doc/ocibox/copyright"
	[ "${#lines[@]}" -eq 4 ]
	# the installed binary, through its installed link, runs a container
	make_bundle
	update_config '.process.args = ["/bin/sh", "-c", "echo from the package: $(hostname)"] | .hostname = "debbox"'
	run "$R/usr/bin/oci-run" --root "$OB_ROOT" -b "$BUNDLE" deb1
	assert_success
	assert_output "from the package: debbox"
	run "$R/usr/lib/cni/veth-setup" </dev/null
	[ "$status" -ne 127 ]
	CNI_COMMAND=VERSION run "$R/usr/lib/cni/veth-setup" </dev/null
	assert_success
	echo "$output" | jq -e '.supportedVersions | index("1.0.0")'
	run dpkg --root="$R" --force-depends --force-script-chrootless -r ocibox
	assert_success
	run find "$R" -mindepth 1 -path "$R/var" -prune -o -print
	assert_output ""
}

@test "make deb: lintian reports no errors" {
	requires tool lintian
	run lintian --fail-on error --tag-display-limit 0 "$DEB"
	assert_success
	refute_output --regexp '^E: '
}
