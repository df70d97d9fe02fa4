#!/usr/bin/env bats
# oci-checkpoint / oci-restore (runc checkpoint / restore) with CRIU: runc's
# tests/integration/checkpoint.bats scenarios - simple (twice), --leave-running,
# --pre-dump + --parent-path, a terminal through --console-socket, a network namespace
# by path holding a listening socket, stdio pipes, restore into another id - and the
# failures: an unknown or stopped container, a dump that fails, a restore without images.
#
# The criu is the system's when `criu check` passes, else CRIU 4.2, built here the first time
# (as `make criu` does: into build/third_party/, about 2 minutes, cached; test/criu-path).
# Only where neither works (no sources, a build that fails) every test skips and says why.

load helpers
load container-helpers
bats_require_minimum_version 1.5.0

setup_file() {
	CRIU=$("$BATS_TEST_DIRNAME/criu-path" --build 2>"$BATS_FILE_TMPDIR/criu.why") || CRIU=
	export CRIU
}

setup() {
	common_setup
	requires root
	[ -n "$CRIU" ] || skip "no working criu: $(cat "$BATS_FILE_TMPDIR/criu.why")"
	PATH="$(dirname "$CRIU"):$PATH"
	IMG=$BATS_TEST_TMPDIR/img
	ID=$(uniq_name c)
}

# counter_bundle: a busybox container whose init counts in /tmp/count. Its stdio is what
# the runtime was given: /dev/null or pipes (a host file, CRIU cannot dump).
counter_bundle() {
	make_bundle
	update_config '.root.readonly = false'
	set_cmd 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'
}

# count: the counter, read through the init's root.
count() {
	cat "/proc/$(ob state "$ID" | jq .pid)/root/tmp/count" 2>/dev/null || echo 0
}

# wait_count_above N: until the counter is above N (at most ~5s).
wait_count_above() {
	retry_until 100 0.05 "[ \"\$(count)\" -gt $1 ]" && return 0
	echo "the counter stayed at $(count) (wanted > $1)"
	return 1
}

@test "checkpoint + restore twice: the counter goes on, pid 1 is the same program, exec works, cgroup" {
	counter_bundle
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	wait_count_above 2
	for round in 1 2; do
		run ob checkpoint --image-path "$IMG" "$ID"
		assert_success
		assert_output ""
		[ -f "$IMG/inventory.img" ]
		# stopped, and nothing of it runs
		[ "$(ob state "$ID" | jq -r .status)" = stopped ]
		[ -z "$(rootfs_pids)" ]
		before=$(cat "$BUNDLE/rootfs/tmp/count")

		run ob restore -d -b "$BUNDLE" --image-path "$IMG" "$ID"
		assert_success
		run ob state "$ID"
		[ "$(jq -r .status <<<"$output")" = running ]
		pid=$(jq .pid <<<"$output")
		[ "$pid" -gt 0 ]
		wait_count_above "$before"
		# the restored init is the counter loop, pid 1 of its namespace
		run ob exec "$ID" cat /proc/1/cmdline
		assert_output --partial 'while :; do i=$((i+1))'
		run grep ^NSpid "/proc/$pid/status"
		assert_output --regexp "^NSpid:[[:space:]]+$pid[[:space:]]+1$"
		# in the container's cgroup (read from the bundle's default: /ocibox/ID)
		grep -q ":/ocibox/$ID\$" "/proc/$pid/cgroup"
		grep -qx "$pid" /sys/fs/cgroup/pids/ocibox/"$ID"/cgroup.procs 2>/dev/null ||
			grep -qx "$pid" /sys/fs/cgroup/memory/ocibox/"$ID"/cgroup.procs
	done
	ob delete -f "$ID"
	assert_nothing_left "$ID"
}

@test "bind mounts and masked files are external mounts: restored from the bundle's sources" {
	counter_bundle
	mkdir "$BATS_TEST_TMPDIR/data"
	update_config ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/data\", \"options\": [\"rbind\", \"rw\"]}]"
	set_cmd 'i=0; while :; do i=$((i+1)); echo $i >/data/count.new; mv /data/count.new /data/count; sleep 0.05; done'
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	retry_until 100 0.05 '[ "$(cat "$BATS_TEST_TMPDIR/data/count" 2>/dev/null)" -gt 2 ]'
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	before=$(cat "$BATS_TEST_TMPDIR/data/count")
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "$ID"
	assert_success
	retry_until 100 0.05 '[ "$(cat "$BATS_TEST_TMPDIR/data/count")" -gt "$before" ]'
	[ "$(cat "$BATS_TEST_TMPDIR/data/count")" -gt "$before" ]
	# the mount is the host directory, the masked file still /dev/null
	run ob exec "$ID" sh -c 'grep " /data " /proc/self/mountinfo | wc -l; cat /proc/timer_list | wc -c'
	assert_output "1
0"
}

@test "checkpoint --leave-running: the container keeps running; the images restore later" {
	counter_bundle
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	wait_count_above 2
	pid=$(ob state "$ID" | jq .pid)
	run ob checkpoint --leave-running --image-path "$IMG" "$ID"
	assert_success
	[ -f "$IMG/inventory.img" ]
	run ob state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq .pid <<<"$output")" = "$pid" ]
	c=$(count)
	wait_count_above "$c"
	# a second checkpoint of the running container, then a restore of it
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "$ID"
	assert_success
	wait_count_above "$(cat "$BUNDLE/rootfs/tmp/count")"
}

@test "checkpoint --pre-dump + --parent-path (kernel soft-dirty bits), else one clear error" {
	counter_bundle
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	wait_count_above 2
	# a bad --parent-path is refused before anything (runc: "bad --parent-path")
	run ob checkpoint --parent-path /abs --image-path "$IMG" "$ID"
	assert_failure 1
	assert_output "oci-checkpoint: --parent-path \`/abs\` must be relative to the image path"
	run ob checkpoint --parent-path ../nope --image-path "$IMG" "$ID"
	assert_failure 1
	assert_output "oci-checkpoint: --parent-path \`$IMG/../nope\`: No such file or directory"
	[ ! -e "$IMG" ]
	[ "$(ob state "$ID" | jq -r .status)" = running ]
	if ! criu check --feature mem_dirty_track >/dev/null 2>&1; then
		run ob checkpoint --pre-dump --image-path "$BATS_TEST_TMPDIR/pre" "$ID"
		assert_failure 1
		assert_output "oci-checkpoint: --pre-dump: not supported by criu here (no memory change tracking: the kernel has no soft-dirty bits)"
		[ "$(ob state "$ID" | jq -r .status)" = running ]
		skip "this kernel has no soft-dirty bits (criu check --feature mem_dirty_track)"
	fi
	run ob checkpoint --pre-dump --image-path "$BATS_TEST_TMPDIR/pre" "$ID"
	assert_success
	[ "$(ob state "$ID" | jq -r .status)" = running ]
	run ob checkpoint --parent-path ../pre --image-path "$IMG" "$ID"
	assert_success
	[ "$(readlink "$IMG/parent")" = ../pre ]
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "$ID"
	assert_success
	wait_count_above "$(cat "$BUNDLE/rootfs/tmp/count")"
}

# recvtty SOCK OUT: a console-socket receiver in the background ($RTTY), ready.
recvtty() {
	"$TOOLS/recvtty" "$1" >"$2" 2>"$2.err" &
	RTTY=$!
	retry 100 0.02 test -S "$1"
}

@test "a terminal: the restored pty master goes to --console-socket, the process writes on" {
	make_bundle
	update_config '.process.terminal = true'
	set_cmd 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done'
	recvtty "$BATS_TEST_TMPDIR/s1" "$BATS_TEST_TMPDIR/tty1"
	run obq run -d -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/s1" "$ID"
	assert_success
	retry 100 0.05 grep -q 'tick 3' "$BATS_TEST_TMPDIR/tty1"
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	# the dumped processes are gone: the first receiver saw its slave close
	wait "$RTTY"
	last=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty1" | awk '/^tick/ {n=$2} END {print n}')
	# without a socket for the new pty master: refused before anything, still checkpointed
	run obq restore -d -b "$BUNDLE" --image-path "$IMG" "$ID"
	assert_failure 1
	assert_output "oci-restore: process.terminal is true: --console-socket is required"
	[ "$(ob state "$ID" | jq -r .status)" = stopped ]

	recvtty "$BATS_TEST_TMPDIR/s2" "$BATS_TEST_TMPDIR/tty2"
	run obq restore -d -b "$BUNDLE" --image-path "$IMG" --console-socket "$BATS_TEST_TMPDIR/s2" "$ID"
	assert_success
	grep -q '^name: /dev/pts/' "$BATS_TEST_TMPDIR/tty2.err"
	retry_until 100 0.05 'grep -q "^tick" "$BATS_TEST_TMPDIR/tty2"'
	next=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty2" | awk '/^tick/ {print $2; exit}')
	[ "$next" -gt "$last" ]
	ob delete -f "$ID"
	wait "$RTTY" || true
}

@test "a network namespace by path with a listening TCP socket: served again after restore" {
	requires netns
	local ns
	ns=$(uniq_name n)
	ip netns add "$ns"
	defer ip netns del "$ns"
	ip -n "$ns" link set lo up
	make_bundle
	update_config '.root.readonly = false'
	update_config "(.linux.namespaces[] | select(.type == \"network\")) |= {type: \"network\", path: \"/run/netns/$ns\"}"
	set_cmd 'echo served-by-ocibox > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	get() { printf 'GET /index.html HTTP/1.0\r\n\r\n' | timeout 2 ip netns exec "$ns" busybox nc 127.0.0.1 8080 | tail -1; }
	retry_until 50 0.1 '[ "$(get)" = served-by-ocibox ]'
	[ "$(get)" = served-by-ocibox ]
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	# nothing listens while it is checkpointed
	! get
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "$ID"
	assert_success
	pid=$(ob state "$ID" | jq .pid)
	# the restored server is in the namespace it was given, and serves again
	[ "$(readlink "/proc/$pid/ns/net")" = "$(ip netns exec "$ns" readlink /proc/self/ns/net)" ]
	[ "$(get)" = served-by-ocibox ]
}

@test "a new network namespace: restored with lo up and the listening socket" {
	make_bundle
	update_config '.root.readonly = false'
	set_cmd 'echo fresh > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	get() { ob exec "$ID" wget -qO- http://127.0.0.1:8080/index.html; }
	retry_until 50 0.1 '[ "$(get)" = fresh ]'
	[ "$(get)" = fresh ]
	run ob checkpoint --tcp-established --image-path "$IMG" "$ID"
	assert_success
	run ob restore -d --tcp-established -b "$BUNDLE" --image-path "$IMG" "$ID"
	assert_success
	pid=$(ob state "$ID" | jq .pid)
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	[ "$(get)" = fresh ]
}

@test "stdio pipes: the restored process writes into the pipes restore was given" {
	counter_bundle
	set_cmd 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done'
	ob run -d -b "$BUNDLE" "$ID" </dev/null 2>/dev/null > >(cat >"$BATS_TEST_TMPDIR/out1")
	retry_until 100 0.05 '[ "$(wc -l <"$BATS_TEST_TMPDIR/out1")" -ge 3 ]'
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	last=$(tail -1 "$BATS_TEST_TMPDIR/out1")
	ob restore -d -b "$BUNDLE" --image-path "$IMG" "$ID" </dev/null 2>/dev/null > >(cat >"$BATS_TEST_TMPDIR/out2")
	retry_until 100 0.05 '[ -s "$BATS_TEST_TMPDIR/out2" ]'
	[ "$(head -1 "$BATS_TEST_TMPDIR/out2")" -eq $((last + 1)) ]
}

@test "restore into another id; the checkpointed one stays stopped; hooks run with the new state" {
	counter_bundle
	update_config ".hooks = {\"prestart\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat > $BATS_TEST_TMPDIR/prestart.\$\$\"]}],
		\"poststart\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat > $BATS_TEST_TMPDIR/poststart\"]}]}"
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	wait_count_above 2
	rm -f "$BATS_TEST_TMPDIR"/prestart.* "$BATS_TEST_TMPDIR/poststart"
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "${ID}b"
	assert_success
	[ "$(ob state "$ID" | jq -r .status)" = stopped ]
	run ob state "${ID}b"
	[ "$(jq -r .status <<<"$output")" = running ]
	pid=$(jq .pid <<<"$output")
	grep -q ":/ocibox/${ID}b\$" "/proc/$pid/cgroup"
	# prestart saw the restored init, creating; poststart saw it running
	run jq -c '[.id, .pid, .status]' "$BATS_TEST_TMPDIR"/prestart.*
	assert_output "[\"${ID}b\",$pid,\"creating\"]"
	run jq -c '[.id, .pid, .status]' "$BATS_TEST_TMPDIR/poststart"
	assert_output "[\"${ID}b\",$pid,\"running\"]"
	ob delete -f "${ID}b"
	ob delete "$ID"
	assert_nothing_left "${ID}b"
	assert_nothing_left "$ID"
}

@test "restore in the foreground: the exit status is the container's, then it is deleted" {
	make_bundle
	update_config '.root.readonly = false'
	set_cmd 'while [ ! -e /tmp/stop ]; do sleep 0.05; done; exit 7'
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	ob restore -b "$BUNDLE" --image-path "$IMG" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" </dev/null >/dev/null 2>&1 &
	fg=$!
	retry_until 100 0.05 '[ -s "$BATS_TEST_TMPDIR/pid" ]'
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(ob state "$ID" | jq .pid)" ]
	ob exec "$ID" touch /tmp/stop
	st=0
	wait "$fg" || st=$?
	[ "$st" = 7 ]
	assert_nothing_left "$ID"
}

@test "checkpoint of an unknown, created or stopped container: one clear error" {
	run ob checkpoint --image-path "$IMG" nosuch
	assert_failure 1
	assert_output "oci-checkpoint: container \`nosuch\` does not exist"
	make_bundle
	update_config '.process.args = ["sleep", "100"]'
	ob create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_failure 1
	assert_output "oci-checkpoint: container \`$ID\` is created: only a running container can be checkpointed"
	ob delete -f "$ID"
	update_config '.process.args = ["true"]'
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	wait_for_status "$ID" stopped
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_failure 1
	assert_output "oci-checkpoint: container \`$ID\` is stopped: only a running container can be checkpointed"
	[ ! -e "$IMG" ]
}

@test "a failed dump: the container keeps running, no image is left, CRIU's log is quoted" {
	counter_bundle
	# stdout on a host file: CRIU cannot dump a file of a mount outside the container
	set_cmd 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'
	ob run -d -b "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/host-file" 2>&1
	wait_count_above 2
	pid=$(ob state "$ID" | jq .pid)
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_failure 1
	assert_line --index 0 --regexp "^oci-checkpoint: criu dump failed: Error \(criu/[a-z-]+\.c:[0-9]+\): .+; see $IMG/dump.log\$"
	assert_line --index 1 "oci-checkpoint: --- $IMG/dump.log"
	assert_line --regexp '^oci-checkpoint: [0-9]+: .*Error \(criu/cr-dump.c:[0-9]+\): Dumping FAILED\.$'
	# still running, the same process, counting
	run ob state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq .pid <<<"$output")" = "$pid" ]
	wait_count_above "$(count)"
	# the image directory holds the log, no image
	run ls "$IMG"
	assert_output dump.log
	# with the log elsewhere, the image directory made for the dump is gone
	run ob checkpoint --image-path "$IMG.2" --work-path "$BATS_TEST_TMPDIR/work" "$ID"
	assert_failure 1
	[ ! -e "$IMG.2" ]
	[ -s "$BATS_TEST_TMPDIR/work/dump.log" ]
	# and a restore from there is refused before anything is made
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "${ID}r"
	assert_failure 1
	assert_output "oci-restore: no checkpoint in \`$IMG\`: inventory.img: No such file or directory"
	[ ! -e "$OB_ROOT/${ID}r" ]
	ob delete -f "$ID"
	assert_nothing_left "${ID}r"
}

@test "a failed restore leaves nothing: no state, no cgroup, no process" {
	counter_bundle
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	wait_count_above 2
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	# a prestart hook that fails, once the restored namespaces exist
	update_config '.hooks = {"prestart": [{"path": "/bin/false"}]}'
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "${ID}r"
	assert_failure 1
	assert_line --index 0 --partial 'prestart hook `/bin/false`: exited with status 1'
	assert_nothing_left "${ID}r"
}

@test "checkpoint --help and oci-features tell whether a working criu is there" {
	run ob checkpoint --help
	assert_success
	assert_line --index 0 --partial "Usage: oci-checkpoint"
	assert_line --regexp "^Checkpoint/restore: available: criu [0-9.]+ \("
	run ob --criu /nonexistent/criu checkpoint --help
	assert_success
	assert_line "Checkpoint/restore: not available: criu: \`/nonexistent/criu\` cannot be run"
	run ob --criu /nonexistent/criu restore --help
	assert_success
	assert_line "Checkpoint/restore: not available: criu: \`/nonexistent/criu\` cannot be run"
	run ob --help
	assert_line --regexp "^Checkpoint/restore \(oci-checkpoint, oci-restore\): available: criu [0-9.]+ \($CRIU\)\$"
	run ob --criu /nonexistent/criu --help
	assert_line "Checkpoint/restore (oci-checkpoint, oci-restore): not available: criu: \`/nonexistent/criu\` cannot be run"
	run ob features
	assert_success
	[ "$(jq -r '.annotations["org.opencontainers.runc.checkpoint.enabled"]' <<<"$output")" = true ]
	run ob --criu /nonexistent/criu features
	[ "$(jq -r '.annotations["org.opencontainers.runc.checkpoint.enabled"] // "absent"' <<<"$output")" = absent ]
}

@test "a user namespace: restored with its maps, root inside and 100000 outside" {
	requires userns
	local dir
	dir=$(mktemp -d /tmp/ocibox-ck.XXXXXX)
	defer "rm -rf $dir"
	chmod 755 "$dir"
	counter_bundle
	mv "$BUNDLE" "$dir/bundle"
	BUNDLE=$dir/bundle
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	ob run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	wait_count_above 2
	IMG=$dir/img
	run ob checkpoint --image-path "$IMG" "$ID"
	assert_success
	mode=$(stat -c '%a %g' "$IMG")
	run ob restore -d -b "$BUNDLE" --image-path "$IMG" "$ID"
	assert_success
	pid=$(ob state "$ID" | jq .pid)
	run cat "/proc/$pid/uid_map"
	assert_output --regexp '^ +0 +100000 +65536$'
	[ "$(stat -c %u "/proc/$pid")" = 100000 ]
	wait_count_above "$(cat "$BUNDLE/rootfs/tmp/count")"
	# the image directory is closed again
	[ "$(stat -c '%a %g' "$IMG")" = "$mode" ]
}

@test "podman 4.3 with ocibox as its runtime: container checkpoint and restore" {
	requires podman conmon
	local T=$BATS_TEST_TMPDIR/pod
	mkdir -p "$T"
	cat >"$T/containers.conf" <<-EOF
	[containers]
	default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$T/events.log"
	runtime = "ocibox"
	[engine.runtimes]
	ocibox = ["$OCIBOX"]
	EOF
	make_rootfs "$T/rootfs"
	tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
	pod() {
		env CONTAINERS_CONF="$T/containers.conf" podman --root "$T/storage" --runroot "$T/runroot" \
			--tmpdir "$T/libpod" --storage-driver vfs "$@"
	}
	# podman's cgroupfs manager makes libpod_parent/ in every hierarchy
	local d
	for d in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		[ -e "$d" ] || defer "rmdir $d/conmon $d"
	done
	defer "env CONTAINERS_CONF=$T/containers.conf podman --root $T/storage --runroot $T/runroot --tmpdir $T/libpod --storage-driver vfs rm -f -t 0 obck"
	run pod import "$T/rootfs.tar" localhost/obbusybox:latest
	assert_success
	run pod run -d --name obck --network none localhost/obbusybox:latest \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done'
	assert_success
	retry_until 100 0.05 '[ "$(pod logs obck | wc -l)" -ge 3 ]'
	run pod container checkpoint obck
	assert_success
	run pod inspect obck --format '{{.State.Status}}'
	assert_output "exited"
	last=$(pod logs obck | tail -1)
	run pod container restore obck
	assert_success
	run pod inspect obck --format '{{.State.Status}} {{.OCIRuntime}}'
	assert_output "running ocibox"
	# the same program, its count going on in the log conmon keeps
	retry_until 100 0.05 '[ "$(pod logs obck | tail -1)" -gt "$last" ]'
	run pod logs obck
	[ "${lines[$last]}" = $((last + 1)) ]
	run pod exec obck cat /proc/1/cmdline
	assert_output --partial 'while :; do i=$((i+1))'
	run pod rm -f -t 0 obck
	assert_success
}
