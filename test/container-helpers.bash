# test/container-helpers.bash - shared by the container lifecycle tests (after `load helpers`).

# set_cmd 'SHELL COMMAND': the container runs /bin/sh -c COMMAND.
set_cmd() {
	update_config ".process.args = $(jq -cn --arg c "$1" '["/bin/sh","-c",$c]')"
}

# host_ns TYPE: the host's namespace link (/proc/self/ns/TYPE).
host_ns() {
	readlink "/proc/self/ns/$1"
}

# Container processes of this test: an init that has not exec'd yet still has the
# ocibox command line with $OB_ROOT (it is non-dumpable: its root is hidden), an exec'd
# one has the rootfs directory (same device and inode) as its root.
rootfs_pids() {
	local p want
	want=$(stat -c %d:%i "$BUNDLE/rootfs")
	for p in /proc/[0-9]*; do
		[ "$p" = "/proc/$$" ] && continue
		if [ "$(stat -Lc %d:%i "$p/root" 2>/dev/null)" = "$want" ] ||
			{ tr '\0' ' ' <"$p/cmdline" | grep -qF -- "--root $OB_ROOT "; } 2>/dev/null; then
			echo "${p#/proc/}"
		fi
	done
	return 0
}

# userns tests: the rootfs must be reachable by the container's root (a mapped uid).
open_bundle_path() {
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod go+x "$d"
		d=$(dirname "$d")
	done
}

# cgroup_dirs_of ID: the cgroup directories container ID would have in every hierarchy
# (linux.cgroupsPath of $BUNDLE, else ocibox's default /ocibox/ID), existing or not.
cgroup_dirs_of() {
	local cp="" h
	[ -f "${BUNDLE:-}/config.json" ] && cp=$(jq -r '.linux.cgroupsPath // empty' "$BUNDLE/config.json")
	case $cp in
	"") cp=/ocibox/$1 ;;
	/*) ;;
	*) cp=/ocibox/$cp ;;
	esac
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/ /sys/fs/cgroup/ ${OCIBOX_CGROUP_ROOT:+"$OCIBOX_CGROUP_ROOT"/*/}; do
		echo "${h%/}$cp"
		[ "$cp" = "/ocibox/$1" ] || echo "${h%/}/ocibox/$1"
	done | sort -u
}

# assert_nothing_left ID: no state dir, no container process, no mount of the bundle in
# the host's mount namespace, no cgroup directory of the container.
assert_nothing_left() {
	[ ! -e "$OB_ROOT/$1" ] || { echo "state dir $OB_ROOT/$1 left"; ls -la "$OB_ROOT/$1"; return 1; }
	local left d
	left=$(rootfs_pids)
	[ -z "$left" ] || { echo "processes left: $left"; return 1; }
	! grep -F " $BUNDLE" /proc/self/mountinfo || { echo "mounts left"; return 1; }
	for d in $(cgroup_dirs_of "$1"); do
		[ ! -d "$d" ] || { echo "cgroup $d left"; return 1; }
	done
}

# waits_on_fifo ID: the init of container ID is blocked in a syscall on its exec.fifo: it
# got as far as it goes before oci-start (/proc/PID/syscall names the fd it waits on).
waits_on_fifo() {
	local pid nr fd
	pid=$(ob state "$1" | jq -r .pid)
	read -r nr fd _ <"/proc/$pid/syscall" || return 1
	[ "$nr" != running ] && [ "$(readlink "/proc/$pid/fd/$((fd))")" = "$OB_ROOT/$1/exec.fifo" ]
}

# obq ARGS...: ocibox with stdio on a file, printed afterwards. A created container keeps
# the stdio it was given until it execs: under bats `run` a pipe would never see EOF.
obq() {
	"$OCIBOX" --root "$OB_ROOT" "$@" >"$BATS_TEST_TMPDIR/.obq" 2>&1 </dev/null
	local s=$?
	cat "$BATS_TEST_TMPDIR/.obq"
	return $s
}
