#!/usr/bin/env bats
# oci-spec: runc spec's default and rootless specs, edits, pipelines, validation messages.
# --validate runs the same parser (core/spec/parse.c) that oci-create's ob_spec_load uses.

load helpers

SPEC_FIX="$FIXTURES/spec"

# The runc spec output on this machine, for field-by-field comparison.
runc_spec() { # DIR [--rootless]
	mkdir -p "$1"
	(cd "$1" && runc spec ${2:-})
}

@test "oci-spec writes config.json into the bundle, matching runc spec field by field" {
	requires tool runc
	cd "$BATS_TEST_TMPDIR"
	run oci-spec
	assert_success
	assert_output ""
	[ -f config.json ]
	runc_spec runc
	# ours: hostname ocibox, ociVersion 1.3.0, plus the cgroup namespace (runc 1.2)
	assert_equal "$(jq -r .ociVersion config.json)" "1.3.0"
	assert_equal "$(jq -r .hostname config.json)" "ocibox"
	for f in .process .root .mounts .linux.maskedPaths .linux.readonlyPaths .linux.resources; do
		assert_equal "$(jq -S "$f" config.json)" "$(jq -S "$f" runc/config.json)"
	done
	assert_equal "$(jq -c '[.linux.namespaces[].type]' config.json)" \
		'["pid","network","ipc","uts","mount","cgroup"]'
	assert_equal "$(jq -c '[.linux.namespaces[].type | select(. != "cgroup")]' config.json)" \
		"$(jq -c '[.linux.namespaces[].type]' runc/config.json)"
}

@test "oci-spec default: the expected values, field by field" {
	run oci-spec -o -
	assert_success
	local j=$output
	assert_equal "$(jq -r .process.terminal <<<"$j")" true
	assert_equal "$(jq -c .process.args <<<"$j")" '["sh"]'
	assert_equal "$(jq -c .process.env <<<"$j")" \
		'["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","TERM=xterm"]'
	assert_equal "$(jq -r .process.cwd <<<"$j")" /
	assert_equal "$(jq -c .process.user <<<"$j")" '{"uid":0,"gid":0}'
	assert_equal "$(jq -r .process.noNewPrivileges <<<"$j")" true
	local s
	for s in bounding effective permitted ambient; do
		assert_equal "$(jq -c ".process.capabilities.$s" <<<"$j")" \
			'["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
	done
	assert_equal "$(jq -c .process.rlimits <<<"$j")" '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]'
	assert_equal "$(jq -c .root <<<"$j")" '{"path":"rootfs","readonly":true}'
	assert_equal "$(jq -c '[.mounts[].destination]' <<<"$j")" \
		'["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]'
	assert_equal "$(jq -c '.mounts[1].options' <<<"$j")" '["nosuid","strictatime","mode=755","size=65536k"]'
	assert_equal "$(jq -c '.linux.resources.devices' <<<"$j")" '[{"allow":false,"access":"rwm"}]'
	assert_equal "$(jq -r '.linux.maskedPaths | length' <<<"$j")" 10
	assert_equal "$(jq -r '.linux.readonlyPaths | length' <<<"$j")" 5
	# 4-space indent, trailing newline
	[[ "$j" == *$'\n    "process": {'* ]]
	[ "$(oci-spec -o - | tail -c 2 | od -An -c | tr -d ' ')" = '}\n' ]
}

@test "oci-spec --rootless matches runc spec --rootless" {
	requires tool runc
	cd "$BATS_TEST_TMPDIR"
	run oci-spec --rootless
	assert_success
	runc_spec runc --rootless
	for f in .process .root .mounts .linux.maskedPaths .linux.readonlyPaths .linux.uidMappings .linux.gidMappings .linux.resources; do
		assert_equal "$(jq -S "$f" config.json)" "$(jq -S "$f" runc/config.json)"
	done
	assert_equal "$(jq -c '[.linux.namespaces[].type]' config.json)" '["pid","ipc","uts","mount","cgroup","user"]'
	assert_equal "$(jq -c '.linux.uidMappings' config.json)" "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]"
	assert_equal "$(jq -c '.mounts[] | select(.destination == "/sys")' config.json)" \
		'{"destination":"/sys","type":"none","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]}'
	# also as the global option (ocibox --rootless spec) and via runc's verb
	run "$OCIBOX" --rootless spec -o -
	assert_success
	assert_equal "$(jq -c '[.linux.namespaces[].type]' <<<"$output")" '["pid","ipc","uts","mount","cgroup","user"]'
}

@test "oci-spec refuses to overwrite config.json; --force overwrites" {
	cd "$BATS_TEST_TMPDIR"
	echo precious >config.json
	run oci-spec
	assert_failure 1
	assert_output "oci-spec: \`./config.json\` exists; remove it first or use --force"
	assert_equal "$(cat config.json)" precious
	mkdir b && echo keep >b/config.json
	run oci-spec -b b
	assert_failure 1
	assert_output --partial "b/config.json"
	assert_equal "$(cat b/config.json)" keep
	run oci-spec --force
	assert_success
	assert_equal "$(jq -r .hostname config.json)" ocibox
	run oci-spec -b b -f
	assert_success
	assert_equal "$(jq -r .ociVersion b/config.json)" 1.3.0
	[ -z "$(ls b | grep -v '^config.json$')" ]
}

@test "oci-spec -o FILE writes atomically; -o - writes stdout" {
	cd "$BATS_TEST_TMPDIR"
	run oci-spec -o out.json
	assert_success
	assert_equal "$(jq -r .hostname out.json)" ocibox
	[ ! -e config.json ]
	run oci-spec -o out.json
	assert_failure 1
	assert_output --partial "\`out.json\` exists"
	run oci-spec -o -
	assert_success
	assert_equal "$(jq -r .hostname <<<"$output")" ocibox
	[ "$(ls | sort | tr '\n' ' ')" = "out.json " ]
}

@test "oci-spec: a failed write leaves neither the file nor a temp file" {
	cd "$BATS_TEST_TMPDIR"
	run oci-spec -b "$BATS_TEST_TMPDIR/missing/dir"
	assert_failure 1
	assert_output "oci-spec: bundle \`$BATS_TEST_TMPDIR/missing/dir\`: No such file or directory"
	[ ! -e missing ]
	requires root
	mkdir full
	mount -t tmpfs -o size=8k tmpfs full
	defer "umount $BATS_TEST_TMPDIR/full"
	dd if=/dev/zero of=full/filler bs=1k count=64 2>/dev/null || true
	run oci-spec -b full
	assert_failure 1
	assert_output --partial "No space left on device"
	assert_equal "$(ls full)" filler
}

@test "oci-spec: an invalid edit writes nothing" {
	cd "$BATS_TEST_TMPDIR"
	run oci-spec -o out.json --hostname web --cap-add CAP_TEST
	assert_failure 1
	assert_output "oci-spec: --cap-add: unknown capability \`CAP_TEST\`"
	[ -z "$(ls)" ]
}

@test "oci-spec edits: process" {
	run oci-spec --env FOO=1 --env PATH=/bin --cwd /tmp --no-terminal --args 'a b  c'
	assert_success
	assert_equal "$(jq -c .process.env <<<"$output")" '["PATH=/bin","TERM=xterm","FOO=1"]'
	assert_equal "$(jq -r .process.cwd <<<"$output")" /tmp
	assert_equal "$(jq -r .process.terminal <<<"$output")" false
	assert_equal "$(jq -c .process.args <<<"$output")" '["a","b","c"]'
	run oci-spec --args '["x", "y z"]' --terminal
	assert_success
	assert_equal "$(jq -c .process.args <<<"$output")" '["x","y z"]'
	assert_equal "$(jq -r .process.terminal <<<"$output")" true
	run oci-spec -- /bin/sh -c 'echo hi there'
	assert_success
	assert_equal "$(jq -c .process.args <<<"$output")" '["/bin/sh","-c","echo hi there"]'
}

@test "oci-spec edits: capabilities in every set, with or without CAP_" {
	run oci-spec --cap-add net_admin --cap-add CAP_SYS_PTRACE --cap-drop KILL
	assert_success
	local s
	for s in bounding effective permitted ambient; do
		assert_equal "$(jq -c ".process.capabilities.$s" <<<"$output")" \
			'["CAP_AUDIT_WRITE","CAP_NET_BIND_SERVICE","CAP_NET_ADMIN","CAP_SYS_PTRACE"]'
	done
	run oci-spec --cap-drop ALL
	assert_success
	assert_equal "$(jq -c '[.process.capabilities[][]] | length' <<<"$output")" 0
	run oci-spec --cap-add ALL
	assert_success
	assert_equal "$(jq -r '.process.capabilities.bounding | index("CAP_SYS_ADMIN") != null' <<<"$output")" true
	run oci-spec --cap-drop CAP_BOGUS
	assert_failure 1
	assert_output "oci-spec: --cap-drop: unknown capability \`CAP_BOGUS\`"
}

@test "oci-spec edits: root, hostname, mounts, annotations, hooks" {
	run oci-spec --rootfs /srv/root --no-readonly --hostname web --bind /data:/mnt/data:ro \
		--bind rel:/rw --tmpfs /run:size=1m,mode=755 --tmpfs /dev/shm --annotation a.b=c=d \
		--hook prestart:/bin/echo:echo:one:two --hook poststop:/bin/true
	assert_success
	local j=$output
	assert_equal "$(jq -c .root <<<"$j")" '{"path":"/srv/root","readonly":false}'
	assert_equal "$(jq -r .hostname <<<"$j")" web
	assert_equal "$(jq -c '.mounts[] | select(.destination == "/mnt/data")' <<<"$j")" \
		'{"destination":"/mnt/data","type":"bind","source":"/data","options":["rbind","ro"]}'
	assert_equal "$(jq -c '.mounts[] | select(.destination == "/rw") | .options' <<<"$j")" '["rbind","rw"]'
	assert_equal "$(jq -c '.mounts[] | select(.destination == "/run")' <<<"$j")" \
		'{"destination":"/run","type":"tmpfs","source":"tmpfs","options":["size=1m","mode=755"]}'
	# replaces the mount at the same destination, keeps its place
	assert_equal "$(jq -c '[.mounts[] | select(.destination == "/dev/shm")] | length' <<<"$j")" 1
	assert_equal "$(jq -c '.mounts[3]' <<<"$j")" \
		'{"destination":"/dev/shm","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev","mode=1777"]}'
	assert_equal "$(jq -c .annotations <<<"$j")" '{"a.b":"c=d"}'
	run oci-spec --mount proc:proc:/proc:nosuid,ro --mount overlay:ov:/x --no-mount /sys/fs/cgroup
	assert_success
	assert_equal "$(jq -c '.mounts[0]' <<<"$output")" \
		'{"destination":"/proc","type":"proc","source":"proc","options":["nosuid","ro"]}'
	assert_equal "$(jq -c '.mounts[-1]' <<<"$output")" '{"destination":"/x","type":"overlay","source":"ov"}'
	assert_equal "$(jq -c '[.mounts[].destination]' <<<"$output")" \
		'["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/x"]'
	assert_equal "$(jq -c .hooks <<<"$j")" \
		'{"prestart":[{"path":"/bin/echo","args":["echo","one","two"]}],"poststop":[{"path":"/bin/true","args":["/bin/true"]}]}'
}

@test "oci-spec edits: namespaces and id mappings" {
	run oci-spec --ns network=/var/run/netns/x --no-ns ipc --ns time
	assert_success
	assert_equal "$(jq -c .linux.namespaces <<<"$output")" \
		'[{"type":"pid"},{"type":"network","path":"/var/run/netns/x"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"},{"type":"time"}]'
	run oci-spec --uid-map 0:100000:65536 --uid-map 65536:1000:1 --gid-map 0:100000:65536
	assert_success
	assert_equal "$(jq -c .linux.uidMappings <<<"$output")" \
		'[{"containerID":0,"hostID":100000,"size":65536},{"containerID":65536,"hostID":1000,"size":1}]'
	assert_equal "$(jq -c .linux.gidMappings <<<"$output")" '[{"containerID":0,"hostID":100000,"size":65536}]'
	assert_equal "$(jq -c '[.linux.namespaces[] | select(.type == "user")] | length' <<<"$output")" 1
	# the first --uid-map replaces the rootless default mapping
	run oci-spec --rootless --uid-map 0:5000:10
	assert_success
	assert_equal "$(jq -c .linux.uidMappings <<<"$output")" '[{"containerID":0,"hostID":5000,"size":10}]'
}

@test "oci-spec edits: resources" {
	run oci-spec --memory 64M --pids-limit 10 --cpus 1.5
	assert_success
	assert_equal "$(jq -c .linux.resources.memory <<<"$output")" '{"limit":67108864}'
	assert_equal "$(jq -c .linux.resources.pids <<<"$output")" '{"limit":10}'
	assert_equal "$(jq -c .linux.resources.cpu <<<"$output")" '{"quota":150000,"period":100000}'
	assert_equal "$(jq -c .linux.resources.devices <<<"$output")" '[{"allow":false,"access":"rwm"}]'
}

@test "oci-spec: each bad edit value is one clear error, exit 1" {
	local -a cases=(
		"--bind|x|\`x\`: expected SRC:DST[:ro|rw]"
		"--bind|/a:rel|destination \`rel\` is not an absolute path"
		"--bind|/a:/b:rx|unknown mode \`rx\`"
		"--mount|tmpfs:x|expected TYPE:SRC:DST[:OPT,OPT...]"
		"--mount|tmpfs:x:rel|destination \`rel\` is not an absolute path"
		"--tmpfs|rel|destination \`rel\` is not an absolute path"
		"--ns|nett|unknown namespace \`nett\`"
		"--ns|net=/x|unknown namespace \`net\`"
		"--ns|network=rel|\`rel\` is not an absolute path"
		"--no-ns|foo|unknown namespace \`foo\`"
		"--uid-map|1:2|expected CONTAINER:HOST:SIZE"
		"--gid-map|0:x:1|\`x\` is not a number"
		"--uid-map|0:0:0|the size must not be 0"
		"--memory|lots|expected a size"
		"--pids-limit|0|expected a number above 0"
		"--cpus|abc|expected a number of CPUs"
		"--cpus|-1|expected a number of CPUs"
		"--cap-add|CAP_TEST|unknown capability \`CAP_TEST\`"
		"--annotation|=x|expected KEY=VALUE"
		"--env|NOEQ|expected KEY=VALUE"
		"--cwd|rel|\`rel\` is not an absolute path"
		"--args|   |the process needs at least one argument"
		"--args|[1]|element 0 is not a string"
		"--hook|bogus:/x|unknown hook stage \`bogus\`"
		"--hook|prestart:rel|hook path \`rel\` is not an absolute path"
		"--hook|prestart|expected STAGE:PATH[:ARG...]"
	)
	local c opt val msg
	for c in "${cases[@]}"; do
		IFS='|' read -r opt val msg <<<"$c"
		run oci-spec "$opt" "$val"
		assert_failure 1
		assert_equal "${#lines[@]}" 1
		assert_output --partial "oci-spec: $opt: "
		assert_output --partial "$msg"
	done
}

@test "oci-spec: usage errors exit 2" {
	run oci-spec --bogus
	assert_failure 2
	assert_output --partial "oci-spec: unknown option \`--bogus\`"
	assert_equal "${#lines[@]}" 1
	run oci-spec --hostname
	assert_failure 2
	assert_output --partial "oci-spec: option \`--hostname\` needs a value"
	run oci-spec stray
	assert_failure 2
	run oci-spec --hostname x --
	assert_failure 2
	run oci-spec --validate x.json --hostname y
	assert_failure 2
}

@test "oci-spec pipeline: oci-spec -o - | oci-spec -i - --hostname web -- /bin/sh -c 'echo hi'" {
	cd "$BATS_TEST_TMPDIR"
	oci-spec -o - | oci-spec -i - --hostname web -- /bin/sh -c 'echo hi' >config.json
	assert_equal "$(jq -r .hostname config.json)" web
	assert_equal "$(jq -c .process.args config.json)" '["/bin/sh","-c","echo hi"]'
	# everything else kept
	assert_equal "$(jq -S 'del(.hostname, .process.args)' config.json)" \
		"$(oci-spec -o - | jq -S 'del(.hostname, .process.args)')"
	run oci-spec --validate config.json
	assert_success
	assert_output "config.json: valid"
	# -i FILE edits without touching the input; -o FILE writes the result
	oci-spec -i config.json -o second.json --env A=b
	assert_equal "$(jq -c .process.env config.json)" "$(oci-spec -o - | jq -c .process.env)"
	assert_equal "$(jq -r '.process.env[-1]' second.json)" A=b
	# numbers above INT64_MAX survive the round trip
	oci-spec -i "$SPEC_FIX/good-extra/big-uint.json" -o - | jq -e '.process.rlimits[0].hard == 18446744073709551615'
	oci-spec -i "$SPEC_FIX/good-extra/big-uint.json" -o - | grep -q '"hard": 18446744073709551615'
}

@test "oci-spec -i refuses malformed or invalid input, naming the place" {
	run oci-spec -i - --hostname x < "$SPEC_FIX/invalid/malformed.json"
	assert_failure 1
	assert_output "oci-spec: <stdin>:4:23: '}' expected near '\"b\"'"
	run oci-spec -i "$SPEC_FIX/invalid/unknown-ns.json" --hostname x
	assert_failure 1
	assert_output "oci-spec: $SPEC_FIX/invalid/unknown-ns.json: linux.namespaces[2].type: unknown namespace \`nett\`"
	run oci-spec -i "$BATS_TEST_TMPDIR/nope.json"
	assert_failure 1
	assert_output --partial "nope.json"
	assert_output --partial "No such file or directory"
}

@test "oci-spec --validate: every runtime-spec good fixture is valid" {
	local f
	for f in "$SPEC_FIX"/good/*.json "$SPEC_FIX"/good-extra/*.json; do
		run oci-spec --validate "$f"
		assert_success
		assert_output "$f: valid"
	done
	# the default of the bundle, and stdin
	cd "$BATS_TEST_TMPDIR"
	oci-spec
	run oci-spec --validate
	assert_success
	assert_output "./config.json: valid"
	run oci-spec --validate - < config.json
	assert_success
	assert_output "<stdin>: valid"
	oci-spec --rootless -o - | oci-spec --validate -
}

@test "oci-spec --validate: each runtime-spec bad fixture is refused with the place" {
	local b="$SPEC_FIX/bad"
	run oci-spec --validate "$b/invalid-json.json"
	assert_failure 1
	assert_output "oci-spec: $b/invalid-json.json:1:2: string or '}' expected near ']'"
	run oci-spec --validate "$b/linux-hugepage.json"
	assert_failure 1
	assert_output "oci-spec: $b/linux-hugepage.json: linux.resources.hugepageLimits[0].pageSize: \`64kB\` is not a page size like \`2MB\` or \`1GB\`"
	run oci-spec --validate "$b/linux-netdevice.json"
	assert_failure 1
	assert_output "oci-spec: $b/linux-netdevice.json: linux.netDevices[\"eth0\"].name: expected string, got integer"
	run oci-spec --validate "$b/linux-rdma.json"
	assert_failure 1
	assert_output "oci-spec: $b/linux-rdma.json: linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected integer, got string"
	# every file in bad/ is covered above
	assert_equal "$(ls "$b" | wc -l)" 4
}

@test "oci-spec --validate: hand-made bad specs" {
	cd "$SPEC_FIX/invalid"
	local -a cases=(
		"malformed.json|malformed.json:4:23: '}' expected near '\"b\"'"
		"wrong-type.json|wrong-type.json: process.terminal: expected boolean, got string"
		"unknown-ns.json|unknown-ns.json: linux.namespaces[2].type: unknown namespace \`nett\`"
		"duplicate-ns.json|duplicate-ns.json: linux.namespaces[2].type: duplicate namespace \`pid\` (also at [0])"
		"unknown-cap.json|unknown-cap.json: process.capabilities.bounding[1]: unknown capability \`CAP_TEST\`"
		"version2.json|version2.json: ociVersion: unsupported version \`2.0.0\` (this runtime implements 1.x)"
		"missing-version.json|missing-version.json: ociVersion: required property is missing"
		"missing-root-path.json|missing-root-path.json: root.path: required property is missing"
		"missing-cwd.json|missing-cwd.json: process.cwd: required property is missing"
		"missing-mount-destination.json|missing-mount-destination.json: mounts[1].destination: required property is missing"
		"duplicate-rlimit.json|duplicate-rlimit.json: process.rlimits[1].type: duplicate rlimit \`RLIMIT_NOFILE\`"
	)
	local c f msg
	for c in "${cases[@]}"; do
		IFS='|' read -r f msg <<<"$c"
		run oci-spec --validate "$f"
		assert_failure 1
		assert_output "oci-spec: $msg"
	done
	assert_equal "$(ls | wc -l)" "$((${#cases[@]} + 1))" # + many-problems.json
}

@test "oci-spec --validate lists every problem, one a line" {
	cd "$SPEC_FIX/invalid"
	run oci-spec --validate many-problems.json
	assert_failure 1
	assert_equal "${#lines[@]}" 7
	assert_line --index 0 "oci-spec: many-problems.json: root.readonly: expected boolean, got string"
	assert_line --index 1 "oci-spec: many-problems.json: mounts[0].destination: required property is missing"
	assert_line --index 2 "oci-spec: many-problems.json: process.cwd: \`relative\` is not an absolute path"
	assert_line --index 3 "oci-spec: many-problems.json: process.capabilities.effective[0]: unknown capability \`CAP_NOPE\`"
	assert_line --index 4 "oci-spec: many-problems.json: linux.namespaces[0].type: unknown namespace \`nett\`"
	assert_line --index 5 "oci-spec: many-problems.json: linux.seccomp.defaultAction: unknown seccomp action \`SCMP_ACT_MAYBE\`"
	assert_line --index 6 "oci-spec: many-problems.json: linux.rootfsPropagation: unknown rootfs propagation \`sideways\`"
	# json log format: one object per problem
	run "$OCIBOX" --log-format json spec --validate many-problems.json
	assert_failure 1
	assert_equal "$(printf '%s\n' "$output" | jq -r .msg | grep -c 'many-problems.json: ')" 7
}

# validate_refuses MSG: oci-spec --validate t.json fails with exactly that one problem.
validate_refuses() {
	run oci-spec --validate t.json
	assert_failure 1
	assert_output "oci-spec: t.json: $1"
}

@test "oci-spec --validate: type and value checks across the spec" {
	cd "$BATS_TEST_TMPDIR"
	oci-spec -o base.json
	local -a cases=(
		'.process.user.uid = -1|process.user.uid: -1 out of range [0, 4294967295]'
		'.process.args = []|process.args: must have at least one entry'
		'del(.process.args)|process.args: required property is missing'
		'del(.process.user)|process.user: required property is missing'
		'.process.rlimits[0].type = "RLIMIT_BOGUS"|process.rlimits[0].type: unknown rlimit `RLIMIT_BOGUS`'
		'.process.rlimits[0].soft = 2048|process.rlimits[0]: soft limit 2048 is above the hard limit 1024'
		'.process.scheduler = {"policy": "SCHED_NOPE"}|process.scheduler.policy: unknown scheduler policy `SCHED_NOPE`'
		'.process.scheduler = {"policy": "SCHED_FIFO", "flags": ["SCHED_FLAG_X"]}|process.scheduler.flags[0]: unknown scheduler flag `SCHED_FLAG_X`'
		'.process.ioPriority = {"class": "IOPRIO_CLASS_XX"}|process.ioPriority.class: unknown I/O priority class `IOPRIO_CLASS_XX`'
		'.process.oomScoreAdj = 5000|process.oomScoreAdj: 5000 out of range [-1000, 1000]'
		'.process.execCPUAffinity = {"initial": "0-3;x"}|process.execCPUAffinity.initial: `0-3;x` is not a cpu list'
		'.mounts[0].options = "ro"|mounts[0].options: expected array, got string'
		'.mounts[2].options[1] = 7|mounts[2].options[1]: expected string, got integer'
		'.hooks = {"prestart": [{"path": "/bin/true", "timeout": 0}]}|hooks.prestart[0].timeout: 0 out of range [1, 2147483647]'
		'.hooks = {"poststop": [{"args": []}]}|hooks.poststop[0].path: required property is missing'
		'.annotations = {"a": 1}|annotations["a"]: expected string, got integer'
		'.linux.devices = [{"type": "x", "path": "/dev/x"}]|linux.devices[0].type: unknown device type `x` (c, b, u or p)'
		'.linux.devices = [{"type": "c", "path": "/dev/x", "minor": 1}]|linux.devices[0].major: required property is missing'
		'.linux.resources.devices[0].access = "rwx"|linux.resources.devices[0].access: `rwx`: access is made of r, w and m'
		'.linux.resources.devices[0] = {"access": "r"}|linux.resources.devices[0].allow: required property is missing'
		'.linux.resources.memory = {"limit": "1G"}|linux.resources.memory.limit: expected integer, got string'
		'.linux.resources.pids = {}|linux.resources.pids.limit: required property is missing'
		'.linux.resources.cpu = {"shares": 1.5}|linux.resources.cpu.shares: expected integer, got number with a fraction'
		'.linux.rootfsPropagation = "weird"|linux.rootfsPropagation: unknown rootfs propagation `weird`'
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}|linux.seccomp.architectures[0]: unknown seccomp architecture `SCMP_ARCH_Z80`'
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]}|linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator `SCMP_CMP_ABOUT`'
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_X"]}|linux.seccomp.flags[0]: unknown seccomp flag `SECCOMP_FILTER_FLAG_X`'
		'.linux.seccomp = {}|linux.seccomp.defaultAction: required property is missing'
		'.linux.memoryPolicy = {"mode": "MPOL_NOPE"}|linux.memoryPolicy.mode: unknown memory policy mode `MPOL_NOPE`'
		'.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_X"]}|linux.memoryPolicy.flags[0]: unknown memory policy flag `MPOL_F_X`'
		'.linux.personality = {"domain": "LINUX64"}|linux.personality.domain: unknown personality domain `LINUX64`'
		'.linux.netDevices = {"eth0/1": {}}|linux.netDevices["eth0/1"]: `eth0/1` is not a valid interface name'
		'.linux.netDevices = {"eth0": {"name": "a-name-far-too-long"}}|linux.netDevices["eth0"].name: `a-name-far-too-long` is not a valid interface name'
		'.linux.sysctl = {"net.ipv4.ip_forward": 1}|linux.sysctl["net.ipv4.ip_forward"]: expected string, got integer'
		'.linux.uidMappings = [{"containerID": 0, "hostID": 0}]|linux.uidMappings[0].size: required property is missing'
		'.linux.namespaces[0].path = "relative"|linux.namespaces[0].path: `relative` is not an absolute path'
		'.linux.timeOffsets = {"boottime": {"secs": 1, "nanosecs": 1000000000}}|linux.timeOffsets.boottime.nanosecs: 1000000000 out of range [0, 999999999]'
		'.linux.intelRdt = {"memBwSchema": "L3:0=1"}|linux.intelRdt.memBwSchema: `L3:0=1` does not start with `MB:`'
		'.ociVersion = "one"|ociVersion: `one` is not a SemVer 2.0.0 version'
		'.root = "rootfs"|root: expected object, got string'
		'del(.root)|root: required property is missing'
		'[]|the document is not a JSON object'
	)
	local c filter msg
	for c in "${cases[@]}"; do
		IFS='|' read -r filter msg <<<"$c"
		jq "$filter" base.json >t.json
		validate_refuses "$msg"
	done
	# unknown properties are ignored; null is "absent"; 0.x drafts are read
	jq '.vendorThing = {"x": 1} | .process.vendor = 2 | .linux.seccomp = null | .ociVersion = "0.5.0-dev"' base.json >t.json
	run oci-spec --validate t.json
	assert_success
}

@test "oci-spec --validate refuses what create refuses (one validation: ob_spec_check)" {
	cd "$BATS_TEST_TMPDIR"
	oci-spec -o base.json
	local why="needs a mount namespace (linux.namespaces has none: the runtime's is inherited and no mount is made in it)"
	local -a cases=(
		'.linux.namespaces = [] | del(.hostname)#linux.maskedPaths '"$why"
		'.linux.namespaces |= map(select(.type != "uts"))#hostname `ocibox`: unable to set the hostname without a private uts namespace'
		'del(.hostname) | .domainname = "d" | .linux.namespaces |= map(select(.type != "uts"))#domainname `d`: unable to set the domainname without a private uts namespace'
		'.linux.sysctl = {"kernel.pid_max": "9"}#linux.sysctl: sysctl `kernel.pid_max` is not in a separate kernel namespace'
		'.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))#linux.sysctl: sysctl `net.ipv4.ip_forward` needs a private network namespace (it would change the host'"'"'s)'
		'.linux.namespaces += [{"type": "user"}]#a new user namespace needs linux.uidMappings and linux.gidMappings'
		'.mounts[0].options = ["idmap"]#mounts[0]: idmap needs a bind mount'
		'.linux.intelRdt = {"closID": "g"}#linux.intelRdt: Intel RDT (resctrl) is not supported by ocibox'
	)
	local c filter msg
	for c in "${cases[@]}"; do
		IFS='#' read -r filter msg <<<"$c"
		jq "$filter" base.json >t.json
		validate_refuses "$msg"
		# and create says the same of it, before anything exists
		mkdir -p b/rootfs
		cp t.json b/config.json
		run ob create -b b v1
		assert_failure 1
		assert_output "oci-create: config.json: $msg"
		[ ! -e "$OB_ROOT/v1" ]
	done
}

# The typed structs themselves: a small program linked against build/libocibox.a prints
# what ob_spec_load / ob_spec_parse_process / ob_spec_parse_resources produced.
build_probe() {
	PROBE="$BATS_TEST_TMPDIR/probe"
	cc -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$TOP" "$SPEC_FIX/probe.c" \
		"$TOP/build/libocibox.a" \
		$(pkg-config --libs jansson libcap libseccomp libnl-3.0 libnl-route-3.0) -o "$PROBE"
}

@test "ob_spec_load: mount options into MS_* flags, propagation, MOUNT_ATTR_*, data" {
	requires tool cc
	build_probe
	run "$PROBE" spec "$SPEC_FIX/good-extra/mount-options.json"
	assert_success
	assert_line "mount /a flags=MS_BIND|MS_REC clear=0 prop=MS_REC|MS_SLAVE attr_set=RDONLY|NOSUID|NOATIME attr_clr=_ATIME rec=1 bind=1 idmap=0 ridmap=0 data=-"
	assert_line "mount /b flags=MS_NODEV|MS_NOEXEC|MS_STRICTATIME clear=MS_RDONLY|MS_NOSUID prop=0 attr_set=0 attr_clr=0 rec=0 bind=0 idmap=0 ridmap=0 data=mode=755,size=1m"
	assert_line "mount /c flags=MS_BIND clear=0 prop=MS_PRIVATE attr_set=0 attr_clr=_ATIME|RDONLY|NOEXEC rec=1 bind=1 idmap=1 ridmap=0 data=-"
	assert_line "mount /d flags=MS_BIND clear=0 prop=0 attr_set=0 attr_clr=0 rec=0 bind=1 idmap=0 ridmap=0 data=-"
	assert_line "rootfsPropagation rslave flags=MS_REC|MS_SLAVE"
	assert_line "ns network /var/run/netns/x"
	assert_line "network ns: yes"
	# the default spec as oci-create reads it
	oci-spec -o "$BATS_TEST_TMPDIR/config.json"
	run "$PROBE" spec "$BATS_TEST_TMPDIR/config.json"
	assert_success
	assert_line "mount /dev flags=MS_NOSUID|MS_STRICTATIME clear=0 prop=0 attr_set=0 attr_clr=0 rec=0 bind=0 idmap=0 ridmap=0 data=mode=755,size=65536k"
	assert_line "mount /sys/fs/cgroup flags=MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_RELATIME clear=0 prop=0 attr_set=0 attr_clr=0 rec=0 bind=0 idmap=0 ridmap=0 data=-"
	assert_line "rlimit RLIMIT_NOFILE =RLIMIT_NOFILE 1024 1024"
	assert_line "bounding: CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE"
	assert_line "device deny a rwm"
	# what podman 4.3 sends (captured with a fake --runtime that copies the bundle)
	run "$PROBE" spec "$SPEC_FIX/good-extra/podman-4.3.json"
	assert_success
	assert_line "mount /etc/hosts flags=MS_BIND clear=0 prop=MS_REC|MS_PRIVATE attr_set=0 attr_clr=0 rec=0 bind=1 idmap=0 ridmap=0 data=-"
	assert_line "mount /dev/shm flags=MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_BIND clear=0 prop=MS_REC|MS_PRIVATE attr_set=0 attr_clr=0 rec=0 bind=1 idmap=0 ridmap=0 data=-"
	assert_line "rlimit RLIMIT_NOFILE =RLIMIT_NOFILE 1048576 1048576"
	assert_line "user 0:0 umask=22 gids=0"
	assert_line --regexp '^ns network /run/netns/netns-'
	# uint64 beyond INT64_MAX
	run "$PROBE" spec "$SPEC_FIX/good-extra/big-uint.json"
	assert_success
	assert_line "rlimit RLIMIT_CORE =RLIMIT_CORE 18446744073709551615 18446744073709551615"
	oci-spec --rootless -o "$BATS_TEST_TMPDIR/rl.json"
	run "$PROBE" spec "$BATS_TEST_TMPDIR/rl.json"
	assert_line "network ns: no"
	assert_line "mount /sys flags=MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_BIND|MS_REC clear=0 prop=0 attr_set=0 attr_clr=0 rec=0 bind=1 idmap=0 ridmap=0 data=-"
}

@test "ob_spec_parse_process and ob_spec_parse_resources: bare objects (exec --process, update --resources)" {
	requires tool cc
	build_probe
	jq .process "$SPEC_FIX/good/spec-example.json" >"$BATS_TEST_TMPDIR/process.json"
	run "$PROBE" process "$BATS_TEST_TMPDIR/process.json"
	assert_success
	assert_line "user 1:1 umask=unset:0 gids=2"
	assert_line "args: sh"
	assert_line "ambient: CAP_NET_BIND_SERVICE"
	assert_line "rlimit RLIMIT_CORE =RLIMIT_CORE 1024 1024"
	jq '.capabilities.bounding += ["CAP_TEST"]' "$BATS_TEST_TMPDIR/process.json" >"$BATS_TEST_TMPDIR/bad.json"
	run "$PROBE" process "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 1
	assert_output 'process.json: capabilities.bounding[3]: unknown capability `CAP_TEST`'
	jq .linux.resources "$SPEC_FIX/good/spec-example.json" >"$BATS_TEST_TMPDIR/res.json"
	run "$PROBE" resources "$BATS_TEST_TMPDIR/res.json"
	assert_success
	assert_line "device allow c rw"
	assert_line "memory.limit 536870912"
	assert_line "cpu.quota 1000000"
	assert_line "cpu.cpus 2-3"
	assert_line "pids.limit 32771"
	echo '{"memory": {"limit": "1G"}}' >"$BATS_TEST_TMPDIR/bad.json"
	run "$PROBE" resources "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 1
	assert_output 'resources.json: memory.limit: expected integer, got string'
	printf '{\n "pids": {"limit": 5},,\n}\n' >"$BATS_TEST_TMPDIR/bad.json"
	run "$PROBE" resources "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 1
	assert_output "resources.json:2:23: string or '}' expected near ','"
}
