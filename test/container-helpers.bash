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

# assert_nothing_left ID: no state dir, no container process, no mount of the bundle in
# the host's mount namespace.
assert_nothing_left() {
	[ ! -e "$OB_ROOT/$1" ] || { echo "state dir $OB_ROOT/$1 left"; ls -la "$OB_ROOT/$1"; return 1; }
	local left
	left=$(rootfs_pids)
	[ -z "$left" ] || { echo "processes left: $left"; return 1; }
	! grep -F " $BUNDLE" /proc/self/mountinfo || { echo "mounts left"; return 1; }
}

# wait_status ID STATUS: poll oci-state until STATUS (at most ~5s).
wait_status() {
	local i
	for i in $(seq 50); do
		[ "$(ob state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1 never reached $2 (now: $(ob state "$1" 2>&1))"
	return 1
}

# obq ARGS...: ocibox with stdio on a file, printed afterwards. A created container keeps
# the stdio it was given until it execs: under bats `run` a pipe would never see EOF.
obq() {
	"$OCIBOX" --root "$OB_ROOT" "$@" >"$BATS_TEST_TMPDIR/.obq" 2>&1 </dev/null
	local s=$?
	cat "$BATS_TEST_TMPDIR/.obq"
	return $s
}
