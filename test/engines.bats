#!/usr/bin/env bats
# Engines that drive ocibox as their runc, each started here with state of its own and
# stopped by pid at the end: containerd 1.6 (`ctr run --runc-binary`), Docker 20.10
# (dockerd --add-runtime on this file's containerd) and podman 4.3; and the runc command
# forms that engines and scripts send (flags after the ID, kill ID 0, checkpoint --help).
# The image is made here from busybox-static (no registry); the daemons start once for the
# file (setup_file) and every test removes what it ran.

load helpers
load container-helpers

# ENG: one short directory for everything the daemons keep (unix socket paths must fit in
# 108 bytes). The daemons leave a few fixed paths of their own (containerd 1.6's shim
# sockets in /run/containerd/s, dockerd's /run/docker/plugins): removed when this file
# made them.
setup_file() {
	ENG=$(mktemp -d /tmp/ob-eng.XXXXXX)
	export ENG
	local p h
	for p in /run/containerd /run/containerd/s /run/docker /run/docker/plugins; do
		[ -e "$p" ] || echo "$p" >>"$ENG/made-paths"
	done
	# The cgroup parents the engines are given (podman's is fixed): the tests check that
	# nothing is left under them; the parents themselves go at the end.
	for h in /sys/fs/cgroup/*/; do
		for p in obtest obdocker libpod_parent; do
			[ -e "$h$p" ] || echo "$h$p" >>"$ENG/made-cgroups"
		done
	done
	make_rootfs "$ENG/rootfs"
	mkdir -p "$ENG/rootfs/x"
	printf '#!/bin/sh\necho never\n' >"$ENG/rootfs/x/noexec"
	chmod 0644 "$ENG/rootfs/x/noexec"
	make_image_tar "$ENG/rootfs" "$ENG/image.tar" obbusybox:latest
	[ "$(id -u)" -eq 0 ] || return 0
	if command -v containerd >/dev/null && command -v ctr >/dev/null; then
		start_containerd
	fi
	if [ -s "$ENG/containerd.pid" ] && command -v dockerd >/dev/null; then
		start_dockerd
	fi
}

teardown_file() {
	[ -n "${ENG:-}" ] && [ -d "$ENG" ] || return 0
	local pid c
	if [ -s "$ENG/dockerd.pid" ]; then
		for c in $(dk ps -aq 2>/dev/null); do dk rm -f "$c" >/dev/null 2>&1; done
		stop_pid "$(cat "$ENG/dockerd.pid")"
	fi
	if [ -s "$ENG/containerd.pid" ]; then
		for c in $(ctrx tasks ls -q 2>/dev/null); do
			ctrx tasks kill -s SIGKILL "$c" >/dev/null 2>&1
			ctrx tasks delete -f "$c" >/dev/null 2>&1
		done
		for c in $(ctrx containers ls -q 2>/dev/null); do ctrx containers rm "$c" >/dev/null 2>&1; done
		stop_pid "$(cat "$ENG/containerd.pid")"
		# A shim outlives containerd while it has a task: the ones of this containerd.
		for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $ENG/" 2>/dev/null); do
			stop_pid "$pid"
		done
	fi
	for c in $(awk -v d="$ENG/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$c"
	done
	for c in $(cat "$ENG/made-paths" "$ENG/made-cgroups" 2>/dev/null | tac); do
		[ -d "$c" ] || continue
		find "$c" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$c" 2>/dev/null
	done
	rm -rf "$ENG"
	return 0
}

# no_cgroup PATH: no hierarchy has cgroup PATH (waits up to 5 s: an engine deletes the
# container after it reported the exit).
no_cgroup() {
	local i d left
	for i in $(seq 50); do
		left=""
		for d in /sys/fs/cgroup/*/"$1"; do [ -d "$d" ] && left="$left $d"; done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "cgroups left:$left"
	return 1
}

# stop_pid PID: SIGTERM, up to 10 s to go, then SIGKILL.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		[ -d "/proc/$pid" ] || return 0
		grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

# make_image_tar ROOTFS OUT NAME:TAG: a `docker save` archive (one layer, its config and
# manifest.json), which both `docker load` and `ctr images import` read.
make_image_tar() {
	local rootfs=$1 out=$2 ref=$3 d layer cfg
	d=$(mktemp -d "$ENG/img.XXXXXX")
	tar --numeric-owner -C "$rootfs" -cf "$d/layer.tar" .
	layer=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	mkdir "$d/$layer"
	mv "$d/layer.tar" "$d/$layer/layer.tar"
	jq -n --arg diff "sha256:$layer" '{architecture: "amd64", os: "linux",
		config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
		rootfs: {type: "layers", diff_ids: [$diff]}}' >"$d/config.json"
	cfg=$(sha256sum "$d/config.json" | cut -d' ' -f1)
	mv "$d/config.json" "$d/$cfg.json"
	jq -n --arg c "$cfg.json" --arg l "$layer/layer.tar" --arg r "$ref" \
		'[{Config: $c, RepoTags: [$r], Layers: [$l]}]' >"$d/manifest.json"
	tar -C "$d" -cf "$out" manifest.json "$cfg.json" "$layer"
	rm -rf "$d"
}

# --- containerd ------------------------------------------------------------------------------

ctrx() {
	timeout 60 ctr --address "$ENG/ctd.sock" --namespace obtest "$@"
}

# ctr run with ocibox as the runc of the shim (its state under ENG).
ctr_run() {
	ctrx run --snapshotter native --runc-binary "$OCIBOX" --runc-root "$ENG/runc" \
		--fifo-dir "$ENG/fifo" "$@"
}

start_containerd() {
	mkdir -p "$ENG/ctd"
	cat >"$ENG/ctd/config.toml" <<-EOF
	version = 2
	root = "$ENG/ctd/root"
	state = "$ENG/ctd/state"
	# Nothing of the host's: no CRI, no /opt/containerd, the v1 runtime's root here.
	disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
	  "io.containerd.snapshotter.v1.aufs",
	  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
	  "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp",
	  "io.containerd.internal.v1.tracing"]
	[grpc]
	  address = "$ENG/ctd.sock"
	[ttrpc]
	  address = "$ENG/ctd.sock.ttrpc"
	[debug]
	  address = "$ENG/ctd-debug.sock"
	[plugins."io.containerd.runtime.v1.linux"]
	  runtime_root = "$ENG/ctd/v1"
	EOF
	containerd --config "$ENG/ctd/config.toml" >"$ENG/containerd.log" 2>&1 &
	echo $! >"$ENG/containerd.pid"
	local i
	for i in $(seq 100); do
		ctr --address "$ENG/ctd.sock" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	ctrx images import --snapshotter native "$ENG/image.tar" >"$ENG/ctr-import.log" 2>&1 ||
		echo "ctr images import failed" >>"$ENG/containerd.log"
}

need_containerd() {
	requires root
	command -v containerd >/dev/null && command -v ctr >/dev/null ||
		skip "needs containerd (packaging/install-deps.sh installs Debian's)"
	if ! ctrx images ls -q 2>/dev/null | grep -q obbusybox; then
		echo "the test's containerd did not start or import the image:"
		tail -n 20 "$ENG/containerd.log" "$ENG/ctr-import.log"
		return 1
	fi
}

IMG=docker.io/library/obbusybox:latest

@test "containerd: ctr run --rm with ocibox: output, exit status, the container's cgroup, nothing left" {
	need_containerd
	run ctr_run --rm "$IMG" obc1 sh -c 'echo hello from ocibox; grep -m1 pids /proc/self/cgroup; exit 3'
	assert_failure 3
	assert_line "hello from ocibox"
	assert_line --regexp '^[0-9]+:pids:/obtest/obc1$'
	run ctrx containers ls -q
	assert_success
	[[ $output != *obc1* ]]
	[ ! -e "$ENG/runc/obc1" ]
	no_cgroup obtest/obc1
	no_cgroup obtest # the parent ocibox made goes with the last container under it
}

@test "containerd: run -d, task exec, tasks ps, pause/resume (the freezer), metrics, kill" {
	need_containerd
	run ctr_run -d "$IMG" obc2 sleep 1000
	assert_success
	local pid
	pid=$(ctrx tasks ls | awk '$1 == "obc2" {print $2}')
	[ -n "$pid" ] && [ -d "/proc/$pid" ]
	# in the container's pid namespace: its pid 1 is the sleep
	run ctrx tasks exec --fifo-dir "$ENG/fifo" --exec-id e1 obc2 sh -c 'echo in-exec $(tr "\0" " " </proc/1/cmdline); exit 4'
	assert_failure 4
	assert_output --regexp '^in-exec sleep 1000 ?$'
	run ctrx tasks ps obc2
	assert_success
	assert_line --regexp "^$pid[[:space:]]"

	run ctrx tasks pause obc2
	assert_success
	run ctrx tasks ls
	assert_line --regexp "^obc2[[:space:]]+$pid[[:space:]]+PAUSED$"
	run cat /sys/fs/cgroup/freezer/obtest/obc2/freezer.state
	assert_output FROZEN
	ctrx tasks resume obc2
	run cat /sys/fs/cgroup/freezer/obtest/obc2/freezer.state
	assert_output THAWED

	# metrics: the shim reads the cgroup ocibox made (pids.current counts the sleep).
	run ctrx tasks metrics obc2
	assert_success
	assert_line --regexp '^pids.current[[:space:]]+1[[:space:]]*$'
	assert_line --regexp '^memory.usage_in_bytes[[:space:]]+[1-9][0-9]*'

	run ctrx tasks kill -s SIGKILL obc2
	assert_success
	retry_until 50 0.1 "ctrx tasks ls | grep -qE '^obc2 .*STOPPED'"
	run ctrx tasks ls
	assert_line --regexp '^obc2[[:space:]].*STOPPED$'
	[ ! -d "/proc/$pid" ] || [ "$(awk '/^State/ {print $2}' "/proc/$pid/status")" = Z ]
	ctrx tasks delete obc2
	ctrx containers rm obc2
	no_cgroup obtest/obc2
	[ ! -e "$ENG/runc/obc2" ]
}

@test "containerd: ctr run -t: the process has a new pty of the container's devpts" {
	need_containerd
	requires script
	run timeout 60 script -qec "ctr --address $ENG/ctd.sock --namespace obtest run -t --rm --snapshotter native --runc-binary $OCIBOX --runc-root $ENG/runc --fifo-dir $ENG/fifo $IMG obc3 sh -c 'tty; readlink /proc/self/fd/1; exit 5'" /dev/null </dev/null
	assert_failure 5
	refute_output --partial "not a tty"
	# tty and stdout: the same pty, the first of the container's own devpts
	[ "$(grep -c '/dev/pts/0' <<<"$output")" -eq 2 ]
}

# --- Docker ----------------------------------------------------------------------------------

DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=docker

dk() {
	timeout 60 "$DOCKER" -H "unix://$ENG/docker.sock" "$@"
}

start_dockerd() {
	mkdir -p "$ENG/dk"
	# the trust key goes here, not to /etc/docker/key.json
	echo "{\"deprecated-key-path\": \"$ENG/dk/key.json\"}" >"$ENG/dk/daemon.json"
	# No iptables, no bridge, no forwarding: the host's network is left alone; containers
	# run with --network none. The cgroup parent keeps its cgroups apart from a host
	# Docker's.
	dockerd --config-file "$ENG/dk/daemon.json" --iptables=false --ip6tables=false \
		--ip-forward=false --ip-masq=false --bridge=none --userland-proxy=false \
		--data-root "$ENG/dk/data" --exec-root "$ENG/dk/exec" --pidfile "$ENG/dk/pid" \
		-H "unix://$ENG/docker.sock" --containerd "$ENG/ctd.sock" \
		--storage-driver vfs --cgroup-parent /obdocker \
		--add-runtime "ocibox=$OCIBOX" --default-runtime ocibox >"$ENG/dockerd.log" 2>&1 &
	echo $! >"$ENG/dockerd.pid"
	local i
	for i in $(seq 300); do
		dk version >/dev/null 2>&1 && break
		sleep 0.1
	done
	dk load -i "$ENG/image.tar" >"$ENG/docker-load.log" 2>&1 ||
		echo "docker load failed" >>"$ENG/dockerd.log"
}

need_docker() {
	need_containerd
	command -v dockerd >/dev/null || skip "needs dockerd (packaging/install-deps.sh installs Debian's docker.io)"
	if ! dk images -q obbusybox:latest 2>/dev/null | grep -q .; then
		echo "the test's dockerd did not start or load the image:"
		tail -n 20 "$ENG/dockerd.log" "$ENG/docker-load.log"
		return 1
	fi
}

# dk_cgroup NAME CONTROLLER: the container's cgroup directory in that v1 hierarchy.
dk_cgroup() {
	echo "/sys/fs/cgroup/$2/obdocker/$(dk inspect -f '{{.Id}}' "$1")"
}

@test "docker: run --rm with --runtime ocibox: output, exit status, the runtime docker recorded" {
	need_docker
	run dk run --rm --runtime ocibox --network none obbusybox sh -c 'echo hi from ocibox; exit 3'
	assert_failure 3
	assert_output "hi from ocibox"
	run dk run -d --name obd0 --network none obbusybox true
	assert_success
	run dk wait obd0
	assert_output 0
	run dk inspect -f '{{.HostConfig.Runtime}} {{.State.ExitCode}}' obd0
	assert_output "ocibox 0"
	dk rm obd0
}

@test "docker: a missing program exits 127, a non-executable one 126 (the phrases docker maps)" {
	need_docker
	run -127 dk run --rm --network none obbusybox /nonexistent
	assert_output --partial 'exec `/nonexistent`: no such file or directory'
	run -127 dk run --rm --network none obbusybox nosuchcmd
	assert_output --partial 'exec `nosuchcmd`: executable file not found in $PATH'
	run -126 dk run --rm --network none obbusybox /x/noexec
	assert_output --partial 'exec `/x/noexec`: permission denied'
	run dk ps -aq
	assert_output ""
}

@test "docker: run -d, exec, --memory and --pids-limit in the cgroup, stop with the process's answer" {
	need_docker
	run dk run -d --name obd1 --network none --memory 64m --pids-limit 42 obbusybox \
		sh -c 'trap "exit 7" TERM; sleep 1000 & wait'
	assert_success
	run dk exec obd1 sh -c 'echo in-exec; exit 6'
	assert_failure 6
	assert_output in-exec
	run cat "$(dk_cgroup obd1 memory)/memory.limit_in_bytes"
	assert_output 67108864
	run cat "$(dk_cgroup obd1 pids)/pids.max"
	assert_output 42
	run dk stop -t 20 obd1
	assert_success
	run dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' obd1
	assert_output "exited 7"
	run dk rm obd1
	assert_success
}

@test "docker: kill of a paused container, rm -f of a running one, nothing left" {
	need_docker
	run dk run -d --name obd2 --network none obbusybox sleep 1000
	assert_success
	local cg
	cg=$(dk_cgroup obd2 freezer)
	run dk pause obd2
	assert_success
	run cat "$cg/freezer.state"
	assert_output FROZEN
	run dk kill obd2
	assert_success
	run dk wait obd2
	assert_output 137
	run dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' obd2
	assert_output "exited 137"
	no_cgroup "obdocker/$(dk inspect -f '{{.Id}}' obd2)"
	dk rm obd2

	run dk run -d --name obd3 --network none obbusybox sleep 1000
	assert_success
	cg=obdocker/$(dk inspect -f '{{.Id}}' obd3)
	run dk rm -f obd3
	assert_success
	run dk ps -aq
	assert_output ""
	no_cgroup "$cg"
	no_cgroup obdocker
	# ocibox's state root that dockerd gave it: empty
	[ -z "$(ls "$ENG/dk/exec/runtime-ocibox/moby" 2>/dev/null)" ]
}

# --- podman ----------------------------------------------------------------------------------

pod() {
	CONTAINERS_CONF="$ENG/containers.conf" timeout 60 podman --root "$ENG/pod/storage" \
		--runroot "$ENG/pod/run" --tmpdir "$ENG/pod/tmp" --storage-driver vfs "$@"
}

need_podman() {
	requires root
	command -v podman >/dev/null && command -v conmon >/dev/null || skip "needs podman and conmon"
	[ -e "$ENG/containers.conf" ] && return 0
	# podman's default nofile (1048576) is above this machine's fs.nr_open: the
	# limits veth-setup.bats gives it too.
	cat >"$ENG/containers.conf" <<-EOF
	[containers]
	default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$ENG/pod/events.log"
	runtime = "ocibox"
	[engine.runtimes]
	ocibox = ["$OCIBOX"]
	EOF
	tar -C "$ENG/rootfs" -cf "$ENG/rootfs.tar" .
	pod import "$ENG/rootfs.tar" localhost/obbusybox:latest >/dev/null
}

@test "podman: run --rm with runtime ocibox; 127/126 for a missing/non-executable program" {
	need_podman
	run pod run --rm --network none localhost/obbusybox sh -c 'echo podman-ok; exit 3'
	assert_failure 3
	assert_output podman-ok
	run -127 pod run --rm --network none localhost/obbusybox /nonexistent
	run -126 pod run --rm --network none localhost/obbusybox /x/noexec
	run pod ps -aq
	assert_output ""
	# podman's cgroupfs parent holds no container of ours (conmon's own cgroup stays)
	run find /sys/fs/cgroup/pids/libpod_parent -mindepth 1 -type d -name 'libpod-*'
	assert_output ""
}

# --- the runc command forms engines and scripts send ---------------------------------------

@test "runc CLI: flags after the container ID (update ID --pids-limit 42, kill, delete, create)" {
	requires root cgroup1
	make_bundle
	set_cmd 'sleep 1000'
	local id
	id=$(uniq_name)
	run obq create "$id" --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid"
	assert_success
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(ob state "$id" | jq .pid)" ]
	ob start "$id"
	run ob update "$id" --pids-limit 42
	assert_success
	run cat /sys/fs/cgroup/pids/ocibox/"$id"/pids.max
	assert_output 42
	run ob update "$id" --memory 67108864 --pids-limit 50
	assert_success
	run cat /sys/fs/cgroup/pids/ocibox/"$id"/pids.max /sys/fs/cgroup/memory/ocibox/"$id"/memory.limit_in_bytes
	assert_output $'50\n67108864'
	run ob events "$id" --stats
	assert_success
	[ "$(jq -r '.data.pids.current' <<<"$output")" = 1 ]
	run ob kill "$id" KILL --all
	assert_success
	wait_for_status "$id" stopped
	run ob delete "$id" --force
	assert_success
	assert_nothing_left "$id"
	# exec keeps runc's form: what follows the ID is the command, flags included
	set_cmd 'sleep 1000'
	obq run -d "$id" --bundle "$BUNDLE"
	run ob exec "$id" echo --pids-limit 1
	assert_success
	assert_output "--pids-limit 1"
	ob delete -f "$id"
}

@test "runc CLI: kill [--all] ID 0 is a liveness probe: 0 while it runs, an error once stopped" {
	requires root
	make_bundle
	set_cmd 'sleep 1000'
	local id
	id=$(uniq_name)
	obq run -d -b "$BUNDLE" "$id"
	run ob kill "$id" 0
	assert_success
	assert_output ""
	run ob kill --all "$id" 0
	assert_success
	run ob pause "$id"
	assert_success
	run ob kill "$id" 0
	assert_success
	run ob state "$id"
	[ "$(jq -r .status <<<"$output")" = paused ] # signal 0 thaws nothing
	ob resume "$id"
	ob kill "$id" KILL
	wait_for_status "$id" stopped
	run ob kill "$id" 0
	assert_failure 1
	assert_output "oci-kill: container \`$id\` is not running"
	run ob kill --all "$id" 0
	assert_success
	ob delete "$id"
}

@test "runc CLI: checkpoint --help answers (podman probes it)" {
	run "$OCIBOX" checkpoint --help
	assert_success
	assert_output --partial "Usage: oci-checkpoint"
}
