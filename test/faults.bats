#!/usr/bin/env bats
# faults: hostile inputs are refused with one line naming the place and leave nothing.

load helpers
load container-helpers

setup() {
	common_setup
	requires root
	make_bundle
	set_cmd 'sleep 1000'
	ID=$(uniq_name f)
}

# ---- hostile inputs: one line naming the place, nothing left ----

# refused ERROR [rootfs-is-host]: create fails with exactly "oci-create: ERROR" and leaves nothing.
refused() {
	run timeout 20 "$OCIBOX" --root "$OB_ROOT" create -b "$BUNDLE" "$ID" </dev/null
	assert_failure 1
	assert_output "oci-create: $1"
	[ "${2:-}" = rootfs-is-host ] || assert_nothing_left "$ID"
	[ ! -e "$OB_ROOT" ] || [ -z "$(ls -A "$OB_ROOT")" ]
}

@test "inputs: config.json only from a regular file of at most 16 MiB" {
	local c="$BUNDLE/config.json"
	mv "$c" "$c.real"
	ln -s /dev/zero "$c"
	refused "\`$c\` is not a regular file"
	rm "$c"
	mkfifo "$c"
	refused "\`$c\` is not a regular file"
	rm "$c"
	# 16 MiB + 1 (sparse): refused by its size, before a byte is read
	cp "$c.real" "$c"
	truncate -s $((16 * 1024 * 1024 + 1)) "$c"
	refused "\`$c\` is larger than 16 MiB"
	# 16 MiB exactly is read (and then judged as JSON: trailing NULs are not)
	truncate -s $((16 * 1024 * 1024)) "$c"
	run ob create -b "$BUNDLE" "$ID"
	assert_failure 1
	refute_output --partial "larger than"
	assert_output --partial "$c:"
	mv "$c.real" "$c"
	grep -F '16 MiB' "$TOP/README.md"
}

@test "inputs: --process, --resources, a seccomp profile and oci-spec --validate: the same limits" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	for f in /dev/zero "$BATS_TEST_TMPDIR/fifo"; do
		run timeout 20 "$OCIBOX" oci-spec --validate="$f"
		assert_failure 1
		assert_output "oci-spec: \`$f\` is not a regular file"
		run timeout 20 "$OCIBOX" oci-spec -b "$BUNDLE" --seccomp "$f"
		assert_failure 1
		assert_output "oci-spec: --seccomp: \`$f\` is not a regular file"
	done
	obq create -b "$BUNDLE" "$ID"
	ob start "$ID"
	run timeout 20 "$OCIBOX" --root "$OB_ROOT" update --resources /dev/zero "$ID"
	assert_failure 1
	assert_output "oci-update: \`/dev/zero\` is not a regular file"
	run timeout 20 "$OCIBOX" --root "$OB_ROOT" exec --process /dev/zero "$ID"
	assert_failure 1
	assert_output "oci-exec: \`/dev/zero\` is not a regular file"
	ob delete --force "$ID"
	assert_nothing_left "$ID"
}

@test "inputs: additionalGids up to the kernel's NGROUPS_MAX, all applied; more refused" {
	update_config '.process.user.additionalGids = [range(1000; 1300)] |
		.process.args = ["/bin/sh", "-c", "grep ^Groups: /proc/self/status | wc -w"]'
	run ob run -b "$BUNDLE" "$ID"
	assert_success
	assert_output 301 # "Groups:" and the 300 gids
	update_config '.process.user.additionalGids = [range(0; 65537)]'
	refused "$BUNDLE/config.json: process.user.additionalGids: 65537 groups: more than the kernel's limit (65536)"
}

@test "inputs: resource values out of range are refused with their path" {
	local r=linux.resources
	for c in "memory.limit = -2|$r.memory.limit: -2 is not a limit (-1 is unlimited)" \
		"memory.swap = -5|$r.memory.swap: -5 is not a limit (-1 is unlimited)" \
		"memory.reservation = -3|$r.memory.reservation: -3 is not a limit (-1 is unlimited)" \
		"cpu.shares = 0|$r.cpu.shares: 0 is not a weight (2 or more)" \
		"cpu.quota = -7|$r.cpu.quota: -7 is not a limit (-1 is unlimited)" \
		"cpu.period = 0|$r.cpu.period: 0 is not a period (microseconds, 1000 or more)" \
		"cpu.idle = 2|$r.cpu.idle: 2 is not 0 or 1" \
		"pids.limit = -2|$r.pids.limit: -2 is not a limit (-1 is unlimited)" \
		"blockIO.weight = 5|$r.blockIO.weight: 5 is out of range [10, 1000]"; do
		cp "$BUNDLE/config.json" "$BUNDLE/config.json.orig"
		update_config ".$r.${c%%|*}"
		refused "$BUNDLE/config.json: ${c#*|}"
		# --validate says the same
		run ob spec --validate="$BUNDLE/config.json"
		assert_failure 1
		assert_output --partial "${c#*|}"
		mv "$BUNDLE/config.json.orig" "$BUNDLE/config.json"
	done
	# oci-update reads its --resources with the same parser
	obq create -b "$BUNDLE" "$ID"
	echo '{"memory": {"limit": -2}}' >"$BATS_TEST_TMPDIR/res.json"
	run ob update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	assert_failure 1
	assert_output "oci-update: $BATS_TEST_TMPDIR/res.json: memory.limit: -2 is not a limit (-1 is unlimited)"
	ob delete --force "$ID"
	# -1 stays unlimited
	update_config ".$r.memory.limit = -1 | .$r.pids.limit = -1 | .process.args = [\"/bin/true\"]"
	run ob run -b "$BUNDLE" "$ID"
	assert_success
}

@test "inputs: an env entry without = is refused with its path" {
	update_config '.process.env = ["PATH=/bin", "FOO"]'
	refused "$BUNDLE/config.json: process.env[1]: \`FOO\` is not KEY=VALUE"
	update_config '.process.env = ["PATH=/bin"] | .hooks.prestart = [{"path": "/bin/true", "env": ["=x"]}]'
	refused "$BUNDLE/config.json: hooks.prestart[0].env[0]: \`=x\` is not KEY=VALUE"
}

@test "inputs: a rootfs that is the host's / is refused" {
	rm -rf "$BUNDLE/rootfs"
	ln -s / "$BUNDLE/rootfs"
	# (no process or mount check: every host process has / as its root)
	refused "config.json: root.path: invalid rootfs: \`rootfs\` is the host's /" rootfs-is-host
	update_config '.root.path = "/"'
	refused "config.json: root.path: invalid rootfs: \`/\` is the host's /" rootfs-is-host
}
