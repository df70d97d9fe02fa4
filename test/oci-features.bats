#!/usr/bin/env bats
# oci-features: the runtime-spec features document (features.md, features-linux.md),
# checked against the features schema, against what the parser really accepts
# (oci-spec --validate, the typed-struct probe), against the host (libcap's names,
# /proc/sys/kernel/cap_last_cap, the LSMs) and against `runc features`.

load helpers

FEAT_FIX="$FIXTURES/features"

features() {
	oci-features >"$BATS_TEST_TMPDIR/features.json"
	F="$BATS_TEST_TMPDIR/features.json"
}

# schema_check FILE: the problems the features schema finds, one a line (none = valid).
schema_check() {
	local s="$FEAT_FIX/schema" schemas
	schemas=$(jq -n '[inputs] as $a | {"features-schema.json": $a[0],
		"features-linux.json": $a[1], "defs.json": $a[2], "defs-linux.json": $a[3]}' \
		"$s/features-schema.json" "$s/features-linux.json" "$s/defs.json" "$s/defs-linux.json")
	jq -r --argjson schemas "$schemas" --arg root features-schema.json \
		-f "$FEAT_FIX/schema-check.jq" "$1"
}

# enum NAME: a definitions enum of defs-linux.json, as a sorted compact JSON array.
enum() {
	jq -c --arg d "$1" '.definitions[$d].enum | sort' "$FEAT_FIX/schema/defs-linux.json"
}

@test "oci-features prints the features JSON: versions 1.0.0..1.3.0, the six hooks, nothing on stderr" {
	run --separate-stderr oci-features
	assert_success
	assert_equal "$stderr" ""
	echo "$output" >"$BATS_TEST_TMPDIR/f.json"
	assert_equal "$(jq -r .ociVersionMin "$BATS_TEST_TMPDIR/f.json")" "1.0.0"
	assert_equal "$(jq -r .ociVersionMax "$BATS_TEST_TMPDIR/f.json")" "1.3.0"
	assert_equal "$(jq -c .hooks "$BATS_TEST_TMPDIR/f.json")" \
		'["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
	# the runc alias and the multicall spelling print the same document
	assert_equal "$("$OCIBOX" features)" "$output"
	assert_equal "$("$OCIBOX" --root "$OB_ROOT" oci-features)" "$output"
}

@test "the features schema check accepts the spec's good fixtures and rejects the bad one" {
	for f in "$FEAT_FIX"/good/*.json; do
		run schema_check "$f"
		assert_success
		assert_output ""
	done
	run schema_check "$FEAT_FIX/bad/missing-ociVersionMax.json"
	assert_output '$: missing ociVersionMax'
}

@test "oci-features output is valid against features-schema.json; a broken copy is not" {
	features
	run schema_check "$F"
	assert_success
	assert_output ""
	# the check sees what it should: the same document, damaged in five places
	jq '.linux.namespaces += ["nett"] | .linux.capabilities += ["cap_chown"]
		| .linux.cgroup.v2 = "yes" | .linux.seccomp.actions += ["SCMP_ACT_MAYBE"]
		| del(.ociVersionMin)' "$F" >"$BATS_TEST_TMPDIR/broken.json"
	run schema_check "$BATS_TEST_TMPDIR/broken.json"
	assert_line '$: missing ociVersionMin'
	assert_line --partial '$.linux.namespaces[8]: "nett" is not one of'
	assert_line "\$.linux.capabilities[$(jq '.linux.capabilities | length' "$F")]: \"cap_chown\" does not match ^CAP_[A-Z_]+\$"
	assert_line '$.linux.cgroup.v2: string is not boolean'
	assert_line --regexp '^\$\.linux\.seccomp\.actions\[9\]: "SCMP_ACT_MAYBE" is not one of'
	assert_equal "${#lines[@]}" 5
}

@test "namespaces: the eight types, each one accepted by the config.json parser" {
	features
	assert_equal "$(jq -c '.linux.namespaces | sort' "$F")" "$(enum NamespaceType)"
	assert_equal "$(jq '.linux.namespaces | length' "$F")" 8
	oci-spec -o "$BATS_TEST_TMPDIR/config.json"
	# (alone: so nothing else may need a namespace --validate checks as create does)
	for t in $(jq -r '.linux.namespaces[]' "$F"); do
		jq --arg t "$t" '.linux.namespaces = [{type: $t}] | del(.hostname) |
			.linux.maskedPaths = [] | .linux.readonlyPaths = [] | .root.readonly = false |
			.process.terminal = false |
			.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
			.linux.gidMappings = .linux.uidMappings' "$BATS_TEST_TMPDIR/config.json" |
			oci-spec --validate - >/dev/null
	done
	# and the parser does refuse a name that is not listed
	run bash -c "jq '.linux.namespaces = [{type: \"nett\"}]' '$BATS_TEST_TMPDIR/config.json' |
		oci-spec --validate -"
	assert_failure 1
	assert_output --partial 'linux.namespaces[0].type: unknown namespace `nett`'
}

@test "capabilities: every name libcap knows, as many as the kernel has, all accepted by the parser" {
	features
	run jq -r '.linux.capabilities[]' "$F"
	assert_line CAP_SYS_ADMIN
	assert_line CAP_CHOWN
	# no duplicates
	assert_equal "$(jq '.linux.capabilities | length' "$F")" \
		"$(jq '.linux.capabilities | unique | length' "$F")"
	# what capsh (libcap's own tool) names for the kernel's capabilities 0..cap_last_cap
	local last mask expected
	last=$(cat /proc/sys/kernel/cap_last_cap)
	mask=$(printf '0x%x' $(((1 << (last + 1)) - 1)))
	expected=$(capsh --decode="$mask" | sed 's/^[^=]*=//' | tr ',' '\n' | grep '^cap_' |
		tr a-z A-Z | sort)
	assert_equal "$(jq -r '.linux.capabilities[]' "$F" | sort | grep -Fx -f <(echo "$expected"))" \
		"$expected"
	# libcap 2.66 names every capability of this kernel: the count is cap_last_cap + 1
	if [ "$(echo "$expected" | wc -l)" -eq $((last + 1)) ]; then
		assert_equal "$(jq '.linux.capabilities | length' "$F")" $((last + 1))
	fi
	# the config.json parser takes the whole list in every set
	oci-spec -o - | jq --slurpfile f "$F" '.process.capabilities |= map_values($f[0].linux.capabilities)' |
		oci-spec --validate - >/dev/null
}

@test "mountOptions: exactly what the mount option parser acts on (rro, idmap, ...), and no more" {
	requires tool cc
	features
	run jq -r '.mountOptions[]' "$F"
	for o in rro rrw rnoexec idmap ridmap bind rbind rprivate ro nosuid; do
		assert_line "$o"
	done
	refute_line tmpcopyup # crun's copy-up is not implemented: not advertised
	assert_equal "$(jq '.mountOptions | length' "$F")" "$(jq '.mountOptions | unique | length' "$F")"
	# Parse a spec with one mount per listed option (plus an unknown one) through
	# ob_spec_load and print the typed struct: each listed option is consumed (nothing left
	# as fs data) and changes the parsed mount, except "defaults" which is the no-op.
	PROBE="$BATS_TEST_TMPDIR/probe"
	cc -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$TOP" "$FIXTURES/spec/probe.c" \
		"$TOP/build/libocibox.a" \
		$(pkg-config --libs jansson libcap libseccomp libnl-3.0 libnl-route-3.0) -o "$PROBE"
	oci-spec -o - | jq --slurpfile f "$F" '.mounts = [($f[0].mountOptions + ["frobnicate"])[]
		| {destination: ("/m/" + .), type: "tmpfs", source: "tmpfs", options: [.]}]' \
		>"$BATS_TEST_TMPDIR/config.json"
	run "$PROBE" spec "$BATS_TEST_TMPDIR/config.json"
	assert_success
	local base n=0
	base=$(echo "$output" | sed -n 's|^mount /m/defaults ||p')
	assert_equal "$base" "flags=0 clear=0 prop=0 attr_set=0 attr_clr=0 rec=0 bind=0 idmap=0 ridmap=0 data=-"
	assert_line "mount /m/frobnicate ${base%data=-}data=frobnicate"
	for o in $(jq -r '.mountOptions[]' "$F"); do
		[ "$o" = defaults ] && continue
		line=$(echo "$output" | sed -n "s|^mount /m/$o ||p")
		[[ "$line" == *" data=-" ]] || fail "option $o left as fs data: $line"
		[ "$line" != "$base" ] || fail "option $o does not change the parsed mount"
		n=$((n + 1))
	done
	assert_equal "$n" "$(($(jq '.mountOptions | length' "$F") - 1))"
}

@test "seccomp: the spec's actions and operators, libseccomp's architectures, kernel-checked flags" {
	features
	assert_equal "$(jq -r .linux.seccomp.enabled "$F")" true
	assert_equal "$(jq -c '.linux.seccomp.actions | sort' "$F")" "$(enum SeccompAction)"
	assert_equal "$(jq -c '.linux.seccomp.operators | sort' "$F")" "$(enum SeccompOperators)"
	assert_equal "$(jq -c '.linux.seccomp.knownFlags | sort' "$F")" "$(enum SeccompFlag)"
	run jq -r '.linux.seccomp.actions[]' "$F"
	assert_line SCMP_ACT_NOTIFY
	run jq -r '.linux.seccomp.archs[]' "$F"
	assert_line SCMP_ARCH_X86_64
	assert_line SCMP_ARCH_X86
	assert_line SCMP_ARCH_AARCH64
	# the native architecture is always one libseccomp resolves
	assert_line "SCMP_ARCH_$(uname -m | tr a-z A-Z)"
	# every arch is a spec name; supportedFlags is a subset of knownFlags
	assert_equal "$(jq --argjson e "$(enum SeccompArch)" '[.linux.seccomp.archs[] | select(. as $a | $e | index([$a]) | not)] | length' "$F")" 0
	assert_equal "$(jq '.linux.seccomp as $s | $s.supportedFlags - $s.knownFlags | length' "$F")" 0
	# every flag is in Linux since 5.19 (WAIT_KILLABLE_RECV the last): all supported here
	local v
	v=$(uname -r | awk -F. '{print $1 * 1000 + $2}')
	if [ "$v" -ge 5019 ]; then
		assert_equal "$(jq -c '.linux.seccomp.supportedFlags | sort' "$F")" "$(enum SeccompFlag)"
	fi
	assert_equal "$(jq -r '.annotations["io.github.seccomp.libseccomp.version"]' "$F")" \
		"$(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null | sed 's/-.*//')"
}

@test "apparmor and selinux report whether the LSM is on; idmap, netDevices, memoryPolicy, intelRdt" {
	features
	local aa=false se=false
	if [ -e /sys/kernel/security/apparmor ] &&
		[ "$(head -c1 /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		aa=true
	fi
	[ -e /sys/fs/selinux/enforce ] && se=true
	assert_equal "$(jq -c .linux.apparmor "$F")" "{\"enabled\":$aa}"
	assert_equal "$(jq -c .linux.selinux "$F")" "{\"enabled\":$se}"
	assert_equal "$(jq -c .linux.mountExtensions "$F")" '{"idmap":{"enabled":true}}'
	assert_equal "$(jq -c .linux.netDevices "$F")" '{"enabled":true}'
	assert_equal "$(jq -r .linux.intelRdt.enabled "$F")" false
	assert_equal "$(jq -c '.linux.cgroup | keys' "$F")" '["rdma","systemd","systemdUser","v1","v2"]'
	assert_equal "$(jq -c '.linux.cgroup | [.v1, .v2, .systemd, .systemdUser]' "$F")" '[true,true,false,false]'
	assert_equal "$(jq -c '.linux.memoryPolicy.modes | sort' "$F")" "$(enum MemoryPolicyMode)"
	assert_equal "$(jq -c '.linux.memoryPolicy.flags | sort' "$F")" "$(enum MemoryPolicyFlag)"
	# the parser takes each listed mode (with every listed flag)
	oci-spec -o "$BATS_TEST_TMPDIR/config.json"
	for m in $(jq -r '.linux.memoryPolicy.modes[]' "$F"); do
		jq --arg m "$m" --slurpfile f "$F" \
			'.linux.memoryPolicy = {mode: $m, nodes: "0", flags: $f[0].linux.memoryPolicy.flags}' \
			"$BATS_TEST_TMPDIR/config.json" | oci-spec --validate - >/dev/null
	done
}

@test "annotations name the ocibox version and commit that --version prints" {
	features
	assert_equal "$(jq -r '.annotations["io.github.ocibox.version"]' "$F")" \
		"$("$OCIBOX" --version | sed -n 's/^ocibox version //p')"
	assert_equal "$(jq -r '.annotations["io.github.ocibox.commit"]' "$F")" \
		"$("$OCIBOX" --version | sed -n 's/^commit: //p')"
}

@test "same shape as runc features: every key runc prints, and runc's lists inside ours" {
	requires tool runc
	runc features >"$BATS_TEST_TMPDIR/runc.json" 2>/dev/null || skip "runc has no features command"
	features
	local R="$BATS_TEST_TMPDIR/runc.json"
	# object key paths (array elements and runc's own annotations aside): runc's are ours too
	local keys='[paths | select(all(.[]; type == "string") and .[0] != "annotations") | join(".")]'
	assert_equal "$(jq -c --slurpfile o "$F" "$keys - (\$o[0] | $keys)" "$R")" '[]'
	# list by list: runc's names are ours too (tmpcopyup aside, which ocibox does not do)
	for p in .hooks .linux.namespaces .linux.capabilities .linux.seccomp.actions \
		.linux.seccomp.operators .linux.seccomp.archs; do
		assert_equal "$p $(jq -c --slurpfile o "$F" "$p - \$o[0]$p" "$R")" "$p []"
	done
	assert_equal "$(jq -c --slurpfile o "$F" '.mountOptions - $o[0].mountOptions' "$R")" '["tmpcopyup"]'
	# runc's document passes the same schema check
	run schema_check "$R"
	assert_output ""
}

@test "oci-features: arguments and unknown options are usage errors; a failed write is exit 1" {
	run --separate-stderr oci-features extra
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "oci-features: unexpected argument \`extra\` (see 'oci-features --help')"
	run --separate-stderr oci-features --bogus
	assert_failure 2
	assert_equal "$stderr" "oci-features: unknown option \`--bogus\` (see 'oci-features --help')"
	run oci-features --help
	assert_success
	assert_line --partial "Usage: oci-features"
	run bash -c 'oci-features >/dev/full'
	assert_failure 1
	assert_output "oci-features: write standard output: No space left on device"
}
