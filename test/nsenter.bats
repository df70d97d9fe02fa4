#!/usr/bin/env bats
# nsenter: util-linux compatible. Every namespace flag is checked against what the system
# shows (readlink /proc/PID/ns/*) of a target this test makes, side by side with
# util-linux's /usr/bin/nsenter on the same target.

load helpers
bats_require_minimum_version 1.5.0

UL=/usr/bin/nsenter
NS_ALL="mnt uts ipc net pid cgroup time user"

# start_target UNSHARE-OPTION... -- COMMAND...: run COMMAND under `unshare --fork` in new
# namespaces; TARGET is COMMAND's pid (unshare's child), once it runs `sleep`.
start_target() {
	local opts=()
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	${AS_USER:+setpriv --reuid "$AS_USER" --regid "$AS_USER" --clear-groups} \
		unshare --fork --kill-child "${opts[@]}" "$@" </dev/null >/dev/null 2>&1 3>&- &
	local up=$!
	disown "$up"
	defer "kill -9 $up"
	TARGET=
	target_sleeps() {
		read -r TARGET _ <"/proc/$up/task/$up/children" 2>/dev/null || true
		[ -n "$TARGET" ] && [ "$(cat /proc/$TARGET/comm 2>/dev/null)" = sleep ]
	}
	retry 200 0.05 target_sleeps
	defer "kill -9 $TARGET"
}

# The usual target: new pid (with its /proc), mount, uts, ipc, net, cgroup, time namespaces.
start_full_target() {
	start_target --pid --mount-proc -m -u -i -n -C -T -- sleep "$SLEEP"
}

# ns_of PID: "mnt:[..] uts:[..] ..." of a process, seen from here.
ns_of() {
	local n out=
	for n in $NS_ALL; do out+="$(readlink /proc/$1/ns/$n) "; done
	echo "$out"
}

# procs_in PID: the commands running in PID's pid namespace (seen through its /proc),
# sorted; the reader itself shows as "cat".
procs_in() {
	nsenter -t "$1" -p -m sh -c 'exec cat /proc/[0-9]*/comm' | sort | tr '\n' ' '
}

# The same line for the process run inside (needs a /proc that shows it).
SHOW_NS='for n in mnt uts ipc net pid cgroup time user; do printf "%s " "$(readlink /proc/self/ns/$n)"; done; echo'

setup() {
	common_setup
	requires root
	# A sleep length no other test uses: `pgrep -f "sleep $SLEEP"` finds what we left.
	SLEEP=$((86400 + $$ % 10000 * 100 + ${BATS_TEST_NUMBER:-0}))
}

teardown() {
	common_teardown
}

@test "nsenter: each namespace flag enters the target's namespace of that type, only that one" {
	start_full_target
	local mine theirs i
	mine=($(ns_of $$))
	theirs=($(ns_of $TARGET))
	local flags=(- -u -i -n -p -C -T -)
	local idx=(- 1 2 3 4 5 6 -)
	for i in 1 2 3 4 5 6; do
		run nsenter -t "$TARGET" "${flags[$i]}" sh -c "$SHOW_NS"
		assert_success
		local got=($output)
		local k
		for k in 0 1 2 3 4 5 6 7; do
			if [ "$k" = "${idx[$i]}" ]; then
				[ "${got[$k]}" = "${theirs[$k]}" ] || fail "${flags[$i]}: ${got[$k]} != target's ${theirs[$k]}"
				[ "${got[$k]}" != "${mine[$k]}" ] || fail "${flags[$i]}: still in our ${mine[$k]}"
			else
				[ "${got[$k]}" = "${mine[$k]}" ] || fail "${flags[$i]}: ${got[$k]} changed (ours ${mine[$k]})"
			fi
		done
		local ours=$output
		run "$UL" -t "$TARGET" "${flags[$i]}" sh -c "$SHOW_NS"
		assert_success
		assert_output "$ours"
	done
}

@test "nsenter: long forms --uts --ipc --net --pid --cgroup --time do what the short ones do" {
	start_full_target
	local f
	for f in uts ipc net pid cgroup time; do
		local n=$f
		[ "$f" = net ] && n=net
		run nsenter --target="$TARGET" --$f readlink /proc/self/ns/$n
		assert_success
		assert_output "$(readlink /proc/$TARGET/ns/$n)"
	done
}

@test "nsenter: -m enters the target's mount namespace (its mounts, its /proc)" {
	local mnt="$BATS_TEST_TMPDIR/mnt"
	mkdir -p "$mnt"
	start_target --pid --mount-proc -m -- sh -c "mount -t tmpfs marker '$mnt' && touch '$mnt/inside' && exec sleep $SLEEP"
	[ ! -e "$mnt/inside" ]
	run nsenter -t "$TARGET" -m ls "$mnt"
	assert_success
	assert_output inside
	# With -p too, /proc/self is there: the mount namespace is the target's.
	run nsenter -t "$TARGET" -m -p sh -c "$SHOW_NS"
	assert_success
	local ours=$output
	[[ "$ours" == "$(readlink /proc/$TARGET/ns/mnt) "* ]] || fail "mnt of '$ours'"
	run "$UL" -t "$TARGET" -m -p sh -c "$SHOW_NS"
	assert_output "$ours"
	# The program runs next to the target's pid 1 and sees only the target and itself.
	run procs_in "$TARGET"
	assert_output "cat sleep "
	run nsenter -t "$TARGET" -m -p cat /proc/1/comm
	assert_output sleep
}

@test "nsenter: FILE forms: --net=FILE, -nFILE attached, -uFILE without a target" {
	start_full_target
	local net uts
	net=$(readlink /proc/$TARGET/ns/net)
	uts=$(readlink /proc/$TARGET/ns/uts)
	run nsenter --net=/proc/$TARGET/ns/net readlink /proc/self/ns/net
	assert_success
	assert_output "$net"
	run nsenter -n/proc/$TARGET/ns/net readlink /proc/self/ns/net
	assert_success
	assert_output "$net"
	run nsenter -u/proc/$TARGET/ns/uts -n/proc/$TARGET/ns/net sh -c 'readlink /proc/self/ns/uts /proc/self/ns/net'
	assert_success
	assert_output "$uts
$net"
	# A bind mount of a namespace file (what `ip netns add` makes) works as FILE.
	requires netns
	local nsname
	nsname=$(uniq_name n)
	ip netns add "$nsname"
	defer "ip netns del $nsname"
	run nsenter --net=/run/netns/$nsname readlink /proc/self/ns/net
	assert_success
	assert_output "$(ip netns exec $nsname readlink /proc/self/ns/net)"
	run nsenter --net=/run/netns/$nsname ip -o link show
	assert_success
	assert_output --partial "1: lo:"
	refute_output --partial "eth"
	# FILE wins over the target's for that type.
	run nsenter -t "$TARGET" -u --net=/run/netns/$nsname sh -c 'readlink /proc/self/ns/uts /proc/self/ns/net'
	assert_success
	assert_line --index 0 "$uts"
	refute_line --index 1 "$net"
}

@test "nsenter: -a enters all of the target's namespaces, same as util-linux" {
	start_full_target
	run nsenter -t "$TARGET" -a sh -c "$SHOW_NS"
	assert_success
	assert_output "$(ns_of $TARGET)"
	local ours=$output
	run "$UL" -t "$TARGET" -a sh -c "$SHOW_NS"
	assert_output "$ours"
	# --all with an explicit FILE: the FILE wins.
	run nsenter -t "$TARGET" -a --uts=/proc/$$/ns/uts sh -c 'readlink /proc/self/ns/uts /proc/self/ns/net'
	assert_success
	assert_line --index 0 "$(readlink /proc/$$/ns/uts)"
	assert_line --index 1 "$(readlink /proc/$TARGET/ns/net)"
}

@test "nsenter: -U into a user namespace: uid/gid 0 there, --preserve-credentials, -S/-G, same as util-linux" {
	requires userns
	start_target -U --map-root-user -n -- sleep "$SLEEP"
	local user
	user=$(readlink /proc/$TARGET/ns/user)
	[ "$user" != "$(readlink /proc/$$/ns/user)" ]
	local args
	for args in "-U" "-a" "-U --preserve-credentials" "-U -S 0 -G 0"; do
		run nsenter -t "$TARGET" $args sh -c 'readlink /proc/self/ns/user; id -u; id -g; id -G'
		assert_success
		assert_line --index 0 "$user"
		assert_line --index 1 0
		local ours=$output
		run "$UL" -t "$TARGET" $args sh -c 'readlink /proc/self/ns/user; id -u; id -g; id -G'
		assert_output "$ours"
	done
	# uid 1000 is not mapped in there: setuid fails, as util-linux says.
	run nsenter -t "$TARGET" -U -S 1000 true
	assert_failure 1
	assert_output "nsenter: setuid failed: Invalid argument"
	run "$UL" -t "$TARGET" -U -S 1000 true
	assert_output "nsenter: setuid failed: Invalid argument"
}

@test "nsenter: an unprivileged caller enters its user namespace first, then the ones it owns" {
	requires userns
	AS_USER=1000 start_target -U --map-root-user -n -u -- sleep "$SLEEP"
	local as_user="setpriv --reuid 1000 --regid 1000 --clear-groups"
	# util-linux's first pass (net, uts) fails with EPERM, the user namespace grants the
	# rights, the second pass enters them.
	run $as_user nsenter -t "$TARGET" -U -n -u --preserve-credentials sh -c 'readlink /proc/self/ns/user /proc/self/ns/net /proc/self/ns/uts; id -u'
	assert_success
	assert_output "$(readlink /proc/$TARGET/ns/user /proc/$TARGET/ns/net /proc/$TARGET/ns/uts)
0"
	local ours=$output
	run $as_user "$UL" -t "$TARGET" -U -n -u --preserve-credentials sh -c 'readlink /proc/self/ns/user /proc/self/ns/net /proc/self/ns/uts; id -u'
	assert_output "$ours"
	# without the user namespace it has no rights there
	run $as_user nsenter -t "$TARGET" -n true
	assert_failure 1
	assert_output "nsenter: reassociate to namespace 'ns/net' failed: Operation not permitted"
	run $as_user "$UL" -t "$TARGET" -n true
	assert_output "nsenter: reassociate to namespace 'ns/net' failed: Operation not permitted"
}

@test "nsenter: -a skips the target's user namespace when it is ours" {
	start_full_target
	[ "$(readlink /proc/$TARGET/ns/user)" = "$(readlink /proc/$$/ns/user)" ]
	run nsenter -t "$TARGET" -a id -G
	assert_success
	assert_output "$(id -G)"   # no user namespace entered: groups untouched
}

@test "nsenter: -S/-G set uid and gid and drop supplementary groups; -S/-G follow take the target's" {
	start_full_target
	local args
	for args in "-S 1000 -G 1000" "-G 44" "-S 65534"; do
		run nsenter -t "$TARGET" -u $args sh -c 'id -u; id -g; id -G'
		assert_success
		local ours=$output
		run "$UL" -t "$TARGET" -u $args sh -c 'id -u; id -g; id -G'
		assert_output "$ours"
	done
	run nsenter -t "$TARGET" -u -S 1000 -G 1000 id -u -r
	assert_output 1000
	# follow: the target runs as 1234:5678.
	start_target -u -- setpriv --reuid 1234 --regid 5678 --clear-groups sleep "$SLEEP"
	run nsenter -t "$TARGET" -u -S follow -G follow sh -c 'id -u; id -g; id -G'
	assert_success
	assert_output "1234
5678
5678"
	run nsenter -u -S follow true
	assert_failure 2
	assert_output "nsenter: no target PID specified for --setuid/--setgid follow (see 'nsenter --help')"
	run nsenter -t "$TARGET" -S 12x true
	assert_failure 2
	assert_output "nsenter: failed to parse uid: '12x' (see 'nsenter --help')"
}

@test "nsenter: -r/-w: the target's root and cwd, or DIR; opened before the mount namespace is entered" {
	local rootfs="$BATS_TEST_TMPDIR/rootfs"
	make_rootfs "$rootfs"
	mkdir -p "$rootfs/srv/work"
	touch "$rootfs/IN_ROOTFS"
	start_target -m -u -R "$rootfs" -w /srv/work -- /bin/sleep "$SLEEP"
	# -r -w: the target's root and working directory.
	run nsenter -t "$TARGET" -m -r -w /bin/sh -c 'pwd; ls /IN_ROOTFS'
	assert_success
	assert_output "/srv/work
/IN_ROOTFS"
	local ours=$output
	run "$UL" -t "$TARGET" -m -r -w /bin/sh -c 'pwd; ls /IN_ROOTFS'
	assert_output "$ours"
	# -rDIR -wDIR attached.
	run nsenter -t "$TARGET" -u -r"$rootfs" -w"$rootfs/srv" /bin/sh -c 'pwd; ls /IN_ROOTFS'
	assert_success
	assert_output "/srv
/IN_ROOTFS"
	# --wd=DIR is a tunnel: opened here, before setns(mnt). The target's mount namespace
	# hides this test's directory under a tmpfs, yet the program stands in it.
	local here="$BATS_TEST_TMPDIR/hostdir"
	mkdir -p "$here"
	touch "$here/HOST_FILE"
	start_target -m -- sh -c "mount -t tmpfs hide '$BATS_TEST_TMPDIR' && exec sleep $SLEEP"
	run nsenter -t "$TARGET" -m ls "$here"
	assert_failure
	run nsenter -t "$TARGET" -m --wd="$here" ls
	assert_success
	assert_output HOST_FILE
	run "$UL" -t "$TARGET" -m --wd="$here" ls
	assert_output HOST_FILE
	# --wdns=DIR is looked up inside: not there.
	run nsenter -t "$TARGET" -m --wdns="$here" ls
	assert_failure 1
	assert_output "nsenter: cannot change directory to $here: No such file or directory"
	run nsenter -t "$TARGET" -m --wd="$here" --wdns=/ true
	assert_failure 2
	# -r without a target or DIR; -w with a missing DIR.
	run nsenter -r true
	assert_failure 2
	assert_output "nsenter: neither filename nor target pid supplied for root (see 'nsenter --help')"
	run nsenter -u/proc/$$/ns/uts -w/nonexistent/dir true
	assert_failure 1
	assert_output "nsenter: cannot open /nonexistent/dir: No such file or directory"
}

@test "nsenter: --env takes the target's environment, nothing of ours" {
	start_target -u -- env -i OB_SECRET=from-target PATH=/usr/bin:/bin HOME=/nowhere sleep "$SLEEP"
	OB_MINE=from-caller run nsenter -t "$TARGET" -u --env env
	assert_success
	assert_output "$(tr '\0' '\n' </proc/$TARGET/environ)"
	assert_line OB_SECRET=from-target
	refute_line OB_MINE=from-caller
	run nsenter -u/proc/$$/ns/uts --env true
	assert_failure 2
	assert_output "nsenter: neither filename nor target pid supplied for environ (see 'nsenter --help')"
}

@test "nsenter: default program is \$SHELL as a login shell, or /bin/sh" {
	start_full_target
	run bash -c "echo 'echo \$0' | SHELL=/bin/bash nsenter -t $TARGET -u"
	assert_success
	assert_output -- "-bash"
	local ours=$output
	run bash -c "echo 'echo \$0' | SHELL=/bin/bash $UL -t $TARGET -u"
	assert_output -- "$ours"
	run bash -c "echo 'echo \$0' | env -u SHELL nsenter -t $TARGET -u"
	assert_success
	assert_output -- "-sh"
}

@test "nsenter: exit status is the program's, through the pid-namespace fork too; 126, 127" {
	start_full_target
	run nsenter -t "$TARGET" -n sh -c 'exit 7'
	assert_failure 7
	run nsenter -t "$TARGET" -p sh -c 'exit 9'
	assert_failure 9
	run nsenter -t "$TARGET" -p sh -c 'kill -TERM $$'
	assert_failure 143
	run -127 nsenter -t "$TARGET" -p /nonexistent/prog
	assert_output "nsenter: failed to execute /nonexistent/prog: No such file or directory"
	run -127 "$UL" -t "$TARGET" -p /nonexistent/prog
	run nsenter -t "$TARGET" -n /etc/passwd
	assert_failure 126
	assert_output "nsenter: failed to execute /etc/passwd: Permission denied"
	run -127 nsenter -t "$TARGET" -n no-such-command-ob
}

@test "nsenter: -F does not fork: the program stays in our pid namespace, its children go in" {
	start_full_target
	run nsenter -t "$TARGET" -p -F sh -c 'readlink /proc/$$/ns/pid /proc/$$/ns/pid_for_children'
	assert_success
	assert_line --index 0 "$(readlink /proc/$$/ns/pid)"
	assert_line --index 1 "$(readlink /proc/$TARGET/ns/pid)"
	local ours=$output
	run "$UL" -t "$TARGET" -p -F sh -c 'readlink /proc/$$/ns/pid /proc/$$/ns/pid_for_children'
	assert_output "$ours"
}

@test "nsenter: bad target pid, missing target, not a namespace file, wrong type: util-linux's words" {
	run nsenter -t 999999999 -n true
	assert_failure 1
	assert_output "nsenter: cannot open /proc/999999999/ns/net: No such file or directory"
	run "$UL" -t 999999999 -n true
	assert_output "nsenter: cannot open /proc/999999999/ns/net: No such file or directory"
	run nsenter -n true
	assert_failure 2
	assert_output "nsenter: neither filename nor target pid supplied for ns/net (see 'nsenter --help')"
	run "$UL" -n true
	assert_output "nsenter: neither filename nor target pid supplied for ns/net"
	run nsenter -a true
	assert_failure 2
	assert_output "nsenter: no target PID specified for --all (see 'nsenter --help')"
	run nsenter -t abc -n true
	assert_failure 2
	assert_output "nsenter: failed to parse pid: 'abc' (see 'nsenter --help')"
	echo x >"$BATS_TEST_TMPDIR/plain"
	run nsenter --net="$BATS_TEST_TMPDIR/plain" true
	assert_failure 1
	assert_output "nsenter: $BATS_TEST_TMPDIR/plain: not a namespace file"
	run nsenter --net=/proc/$$/ns/uts true
	assert_failure 1
	assert_output "nsenter: /proc/$$/ns/uts: not a network namespace"
	run nsenter --net=/nonexistent true
	assert_failure 1
	assert_output "nsenter: cannot open /nonexistent: No such file or directory"
}

@test "nsenter: usage errors exit 2; -Z refused without SELinux" {
	run nsenter --bogus
	assert_failure 2
	assert_output "nsenter: unrecognized option '--bogus' (see 'nsenter --help')"
	run nsenter -S
	assert_failure 2
	assert_output "nsenter: option requires an argument -- 'S' (see 'nsenter --help')"
	run nsenter --setgid
	assert_failure 2
	assert_output "nsenter: option '--setgid' requires an argument (see 'nsenter --help')"
	run nsenter --help
	assert_success
	assert_output --partial "--mount[=FILE]"
	if [ ! -e /sys/fs/selinux/enforce ]; then
		run nsenter -Z -t $$ -u true
		assert_failure 1
		assert_output "nsenter: --follow-context: SELinux is not enabled on this system"
	fi
}

@test "nsenter: a signal to nsenter reaches the program in the pid namespace; nothing is left" {
	start_full_target
	local out="$BATS_TEST_TMPDIR/out"
	nsenter -t "$TARGET" -p -m sh -c "trap 'kill \$!; wait \$! 2>/dev/null; echo got-TERM; exit 5' TERM; echo ready; sleep $SLEEP & wait" \
		>"$out" 2>&1 3>&- &
	local np=$!
	local i
	retry 200 0.05 grep -q ready "$out"
	grep -q ready "$out"
	# the program and its sleep run in the target's pid namespace
	run procs_in "$TARGET"
	assert_output "cat sh sleep sleep "
	kill -TERM "$np"
	local st=0
	wait "$np" || st=$?
	assert_equal "$st" 5
	assert_equal "$(cat "$out")" "ready
got-TERM"
	# the program and its sleep are gone from the target's pid namespace
	run procs_in "$TARGET"
	assert_output "cat sleep "
	run pgrep -f "nsenter -t $TARGET"
	assert_failure 1
}

@test "nsenter: nothing left running after the tests' programs and errors" {
	start_full_target
	run -127 nsenter -t "$TARGET" -p /nonexistent
	run -3 nsenter -t "$TARGET" -a sh -c 'exit 3'
	run procs_in "$TARGET"
	assert_output "cat sleep "   # nothing of the earlier runs
	# nsenter itself: no process of ours is left but the target and its unshare
	run pgrep -f "nsenter -t $TARGET"
	assert_failure 1
}
