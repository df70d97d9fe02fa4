#!/usr/bin/env bats
# The runtime's defences, each with a reproduction that succeeds against a runtime without
# the defence: CVE-2019-5736 (/proc/PID/exe of our code), CVE-2024-21626 (leaked fds,
# cwd through /proc/self/fd), CVE-2021-30465 (mount destinations through symlinks),
# masked and readonly paths on real procfs, no_new_privs, the five capability sets, and
# LSM requests on a host without the LSM.

load helpers

# as_container_process PID CMD...: run CMD (from the container's rootfs) in the mount and
# pid namespaces of the container whose init is PID, as root but WITHOUT CAP_SYS_PTRACE:
# what a process of a default container is to its init (same uid, a superset of the
# init's capabilities), so only the init's dumpable flag decides /proc/1/exe. The
# namespace files are opened first, with every capability: /proc/PID/ns/* of a
# non-dumpable process needs CAP_SYS_PTRACE too.
as_container_process() {
	local pid=$1
	shift
	(
		exec 5<"/proc/$pid/ns/mnt" 6<"/proc/$pid/ns/pid"
		setpriv --bounding-set=-sys_ptrace \
			nsenter --mount=/proc/self/fd/5 --pid=/proc/self/fd/6 -- "$@"
	)
}

@test "CVE-2019-5736: /proc/1/exe of the waiting init (our binary) cannot be opened from the container" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/sleep", "100"]'
	local id pid
	id=$(uniq_name)
	ob create -b "$BUNDLE" "$id"
	pid=$(ob state "$id" | jq .pid)
	# Our code waits on exec.fifo: its exe is the host's ocibox binary.
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$OCIBOX")" ]
	run as_container_process "$pid" /bin/cat /proc/1/exe
	assert_failure
	assert_output "cat: can't open '/proc/1/exe': Permission denied"
	run as_container_process "$pid" /bin/ls -l /proc/1/exe
	assert_line "ls: /proc/1/exe: cannot read link: Permission denied"

	# The control: after start the user process (dumpable again after execve) is
	# reachable the same way, so the refusal above is the init's non-dumpable state.
	ob start "$id"
	run as_container_process "$pid" /bin/ls -l /proc/1/exe
	assert_success
	assert_output --partial "/proc/1/exe -> /bin/busybox"
}

# listener SOCK LOG [ERRNO [DELAY_MS]]: the test seccomp agent, ready when this returns.
listener() {
	"$TOOLS/seccomp-listener" "$1" "$2.state" "${3:-0}" ${4:+"$4"} >"$2" 2>&1 &
	defer "kill $!"
	retry 50 0.1 grep -q ready "$2"
}

@test "CVE-2019-5736: an oci-exec process is not dumpable until its execve" {
	requires root
	make_bundle
	local id pid sock=$BATS_TEST_TMPDIR/agent.sock hostpid nspid
	id=$(uniq_name)
	# close(2) goes to a seccomp agent: the exec'd process, still our code, then waits in
	# its close of the listener fd for as long as the agent holds the answer.
	listener "$sock" "$BATS_TEST_TMPDIR/init.log"
	update_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$sock\",
		\"syscalls\": [{\"names\": [\"close\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}
		| .process.args = [\"/bin/sleep\", \"100\"]"
	ob run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
	pid=$(ob state "$id" | jq .pid)
	rm "$sock"
	listener "$sock" "$BATS_TEST_TMPDIR/exec.log" 0 5000
	ob exec "$id" /bin/true </dev/null >/dev/null 2>&1 &
	local exec_pid=$!
	retry 50 0.1 grep -q '^syscall 3 ' "$BATS_TEST_TMPDIR/exec.log"
	hostpid=$(awk '/^syscall 3 / {print $4; exit}' "$BATS_TEST_TMPDIR/exec.log")
	# Held in close(2) before its execve: still our binary.
	[ "$(readlink "/proc/$hostpid/exe")" = "$(readlink -f "$OCIBOX")" ]
	nspid=$(awk '/^NSpid:/ {print $NF}' "/proc/$hostpid/status")
	run as_container_process "$pid" /bin/cat "/proc/$nspid/exe"
	assert_failure
	assert_output "cat: can't open '/proc/$nspid/exe': Permission denied"
	run as_container_process "$pid" /bin/ls -l "/proc/$nspid/exe"
	assert_line "ls: /proc/$nspid/exe: cannot read link: Permission denied"
	# The control: the container's own process (sleep, dumpable) is readable the same way.
	run as_container_process "$pid" /bin/ls -l /proc/1/exe
	assert_output --partial "/proc/1/exe -> /bin/busybox"
	wait "$exec_pid"
}

@test "CVE-2024-21626: no host fd reaches the container, even one the caller passed" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/ls", "-l", "/proc/self/fd"]'
	# fd 7: a host directory open in the runtime's caller, as in the CVE's leaked fd.
	run ob run -b "$BUNDLE" "$(uniq_name)" 7<"$BATS_TEST_TMPDIR"
	assert_success
	# stdio, nothing else.
	run awk '/ -> / {print $(NF-2)}' <<<"$output"
	assert_output $'0\n1\n2'
}

@test "CVE-2024-21626: process.cwd through /proc/self/fd/N is refused, never a host directory" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/sh", "-c", "echo RAN in $(pwd)"]'
	# fd 7 is a host directory the caller hands the runtime: the CVE's leaked handle. It
	# is closed before the init changes directory (the check after chdir, that the cwd
	# is inside the root, is the second line).
	update_config '.process.cwd = "/proc/self/fd/7"'
	run ob run -b "$BUNDLE" "$(uniq_name)" 7<"$BATS_TEST_TMPDIR"
	assert_failure 1
	assert_output "oci-run: chdir to cwd \`/proc/self/fd/7\`: No such file or directory"
	# Any other N: no such fd, or one of ours that is not inside the root either.
	local n
	for n in 3 4 5 6 8 9; do
		update_config ".process.cwd = \"/proc/self/fd/$n\""
		run sh -c '"$@" 2>&1; echo "exit=$?"' _ "$OCIBOX" --root "$OB_ROOT" run -b "$BUNDLE" "$(uniq_name)$n"
		refute_output --partial "RAN"
		assert_output --regexp "^oci-run: (chdir to cwd \`/proc/self/fd/$n\`|cwd \`/proc/self/fd/$n\` is outside)"
		assert_line --regexp '^exit=[1-9][0-9]*$'
	done
	[ -z "$(ls "$OB_ROOT")" ]
}

@test "CVE-2024-21626 (attack 3a): process.args[0] through /proc/self/fd/N never runs a host binary (init, oci-exec)" {
	requires root
	make_bundle
	local up n id
	up=$(printf '../%.0s' $(seq 30))
	# /usr/bin/busybox is the host's; the rootfs has /bin/busybox only. execve(2)
	# resolves its path before close-on-exec fds close: a host directory still open in
	# the runtime (fd 7 from the caller; a cgroup directory of ours) would reach it.
	[ ! -e "$BUNDLE/rootfs/usr/bin/busybox" ]
	for n in $(seq 3 20); do
		update_config ".process.args = [\"/proc/self/fd/$n/${up}usr/bin/busybox\", \"echo\", \"RAN\"]"
		run sh -c '"$@" 2>&1; echo "exit=$?"' _ "$OCIBOX" --root "$OB_ROOT" run -b "$BUNDLE" "$(uniq_name)$n" 7<"$BATS_TEST_TMPDIR"
		refute_line RAN
		assert_line --regexp '^exit=12[67]$'
	done
	[ -z "$(ls "$OB_ROOT")" ]
	update_config '.process.args = ["/bin/sleep", "100"]'
	id=$(uniq_name)
	ob run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
	for n in $(seq 3 20); do
		run sh -c '"$@" 2>&1; echo "exit=$?"' _ "$OCIBOX" --root "$OB_ROOT" exec "$id" "/proc/self/fd/$n/${up}usr/bin/busybox" echo RAN 7<"$BATS_TEST_TMPDIR"
		refute_line RAN
		assert_line --regexp '^exit=12[67]$'
		run sh -c '"$@" 2>&1; echo "exit=$?"' _ "$OCIBOX" --root "$OB_ROOT" exec --cwd "/proc/self/fd/$n" "$id" /bin/sh -c 'echo RAN' 7<"$BATS_TEST_TMPDIR"
		refute_line RAN
		assert_line 'exit=1'
	done
}

@test "CVE-2021-30465: a mount destination through a symlink to / stays inside the rootfs" {
	requires root
	make_bundle
	local name
	name=cve-2021-30465-$(uniq_name)
	defer "rmdir /tmp/$name"
	ln -s / "$BUNDLE/rootfs/evil"
	update_config ".mounts += [{\"destination\": \"/evil/tmp/$name\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
	local script="awk '\$5 == \"/tmp/$name\" { for (i = 7; i < NF; i++) if (\$i == \"-\") print \$(i + 1) }' /proc/self/mountinfo"
	update_config ".process.args = $(jq -cn --arg s "$script" '["/bin/sh", "-c", $s]')"
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	# Inside, the symlink was followed within the rootfs: the tmpfs is at /tmp/NAME.
	assert_output "tmpfs"
	[ -d "$BUNDLE/rootfs/tmp/$name" ]
	# The host's /tmp was never touched.
	[ ! -e "/tmp/$name" ]
}

@test "CVE-2021-30465: a destination through a dangling absolute symlink never reaches the host" {
	requires root
	make_bundle
	local outside=$BATS_TEST_TMPDIR/outside id
	id=$(uniq_name)
	mkdir "$outside"
	ln -s "$outside" "$BUNDLE/rootfs/evil"
	update_config '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"}]'
	create_status "$id"
	[ ! -e "$outside/sub" ]
	# Either refused (the link does not resolve inside the rootfs) or mounted inside.
	if [ "$status" -ne 0 ]; then
		assert_output "oci-create: mount \`tmpfs\` on \`/evil/sub\`: open \`/evil\` in the rootfs: No such file or directory"
		[ ! -e "$OB_ROOT/$id" ]
	else
		[ -d "$BUNDLE/rootfs$outside/sub" ]
	fi
	run awk -v d="$outside/sub" '$5 == d' /proc/self/mountinfo
	assert_output ""
}

@test "CVE-2021-30465: a mount destination through a ../.. symlink stays inside the rootfs" {
	requires root
	make_bundle
	ln -s ../../../../../../../../../.. "$BUNDLE/rootfs/up"
	local target=$BATS_TEST_TMPDIR/escaped
	update_config ".mounts += [{\"destination\": \"/up$target\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
	update_config '.process.args = ["/bin/true"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	[ ! -e "$target" ]
	[ -d "$BUNDLE/rootfs$target" ]
}

@test "masked paths are masked on a real procfs; readonly paths are read-only" {
	requires root
	make_bundle
	update_config '.process.args = ["/bin/sh", "-c",
		"echo keys=$(wc -c < /proc/keys) timer_list=$(wc -c < /proc/timer_list) acpi=$(ls /proc/acpi | wc -l);
		 [ ! -e /proc/kcore ] || echo kcore=$(wc -c < /proc/kcore);
		 stat -f -c %T /proc;
		 cat /proc/sys/kernel/domainname > /proc/sys/kernel/domainname"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_line "keys=0 timer_list=0 acpi=0"
	# (this kernel may have no /proc/kcore; where it has one, it reads empty)
	if [ -e /proc/kcore ]; then assert_line "kcore=0"; fi
	assert_line "proc"
	assert_line --partial "/proc/sys/kernel/domainname: Read-only file system"
	# Without the masks the same files have content (the control).
	update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	update_config '.process.args = ["/bin/sh", "-c", "wc -c < /proc/timer_list; echo ocibox > /proc/sys/kernel/domainname && cat /proc/sys/kernel/domainname"]'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	[ "${lines[0]}" -gt 0 ]
	[ "${lines[1]}" = ocibox ]
}

@test "/proc that is not procfs is refused before masking, nothing left" {
	requires root
	make_bundle
	local id
	id=$(uniq_name)
	update_config '(.mounts[] | select(.destination == "/proc")) |= {"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}'
	create_status "$id"
	assert_failure 1
	assert_output "oci-create: masked path \`/proc/acpi\`: /proc is not procfs (f_type 0x1021994)"
	[ ! -e "$OB_ROOT/$id" ]
}

@test "/sys that is not sysfs is refused before masking, nothing left" {
	requires root
	make_bundle
	local id
	id=$(uniq_name)
	update_config '(.mounts[] | select(.destination == "/sys")) |= {"destination": "/sys", "type": "tmpfs", "source": "tmpfs"}
		| .linux.maskedPaths += ["/sys/firmware"]'
	create_status "$id"
	assert_failure 1
	assert_output "oci-create: masked path \`/sys/firmware\`: /sys is not sysfs (f_type 0x1021994)"
	[ ! -e "$OB_ROOT/$id" ]
}

@test "noNewPrivileges: NoNewPrivs 1 when set, 0 when not" {
	requires root
	make_bundle
	update_config '.process.noNewPrivileges = true | .process.args = ["/bin/grep", "^NoNewPrivs:", "/proc/self/status"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output --regexp '^NoNewPrivs:[[:space:]]+1$'
	update_config '.process.noNewPrivileges = false'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	assert_output --regexp '^NoNewPrivs:[[:space:]]+0$'
}

@test "capabilities: all five sets exactly as configured (uid 1000, ambient carried over exec)" {
	requires root
	make_bundle
	# CAP_CHOWN 0, CAP_KILL 5, CAP_NET_RAW 13.
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
			"permitted": ["CAP_KILL", "CAP_NET_RAW"],
			"effective": ["CAP_KILL", "CAP_NET_RAW"],
			"inheritable": ["CAP_KILL", "CAP_NET_RAW"],
			"ambient": ["CAP_KILL", "CAP_NET_RAW"]}
		| .process.args = ["/bin/grep", "^Cap", "/proc/self/status"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output "CapInh:	0000000000002020
CapPrm:	0000000000002020
CapEff:	0000000000002020
CapBnd:	0000000000002021
CapAmb:	0000000000002020"
}

@test "capabilities: root gets the bounding set, nothing more" {
	requires root
	make_bundle
	update_config '.process.capabilities = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]}
		| .process.args = ["/bin/grep", "^Cap", "/proc/self/status"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output "CapInh:	0000000000000000
CapPrm:	0000000000000020
CapEff:	0000000000000020
CapBnd:	0000000000000020
CapAmb:	0000000000000000"
}

@test "capabilities: an unknown name (CAP_TEST) is refused at create, nothing left" {
	requires root
	make_bundle
	local id
	id=$(uniq_name)
	update_config '.process.capabilities.bounding += ["CAP_TEST"]'
	create_status "$id"
	assert_failure 1
	assert_output --partial "CAP_TEST"
	assert_output --partial "process.capabilities.bounding"
	[ ! -e "$OB_ROOT/$id" ]
}

@test "apparmorProfile, selinuxLabel on a host without the LSM: a clear error, nothing left; mountLabel is ignored (runc, crun)" {
	requires root
	[ -e /sys/kernel/security/apparmor ] && skip "AppArmor is enabled here"
	[ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled here"
	make_bundle
	local id
	id=$(uniq_name)
	update_config '.process.apparmorProfile = "ocibox-test"'
	create_status "$id"
	assert_failure 1
	assert_output --partial 'process.apparmorProfile: AppArmor is not enabled on this host (profile `ocibox-test` requested)'
	[ ! -e "$OB_ROOT/$id" ]

	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	create_status "$id"
	assert_failure 1
	assert_output --partial 'process.selinuxLabel: SELinux is not enabled on this host'
	[ ! -e "$OB_ROOT/$id" ]

	# a label for the container's files: nothing to label without SELinux, nothing lost
	update_config 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	run ob run -b "$BUNDLE" "$id"
	assert_success
}

# ---- the caller's terminal (CVE-2017-5226 class: TIOCSTI) ----

# on_terminal 'SHELL COMMAND': run it on a new pty (script(1)), as from an interactive
# shell. script's stdin is a fifo that stays open (fd 7, the test may write to it) so that
# script types no EOF into the pty. Sets $status, $output (no \r) and $lines like `run`.
on_terminal() {
	local f=$BATS_TEST_TMPDIR/term.in
	[ -p "$f" ] || mkfifo "$f"
	exec 7<>"$f"
	status=0
	output=$(script -qec "$1" /dev/null <"$f" 2>&1) || status=$?
	exec 7>&-
	output=${output//$'\r'/}
	mapfile -t lines <<<"$output"
}

# After the container, the caller's shell types a marker into its own terminal and reads
# one line: the marker, unless the container typed something into it first.
CALLER_READS="; echo rc=\$?; $TOOLS/tiocsti 'MARK
' >/dev/null; read l; echo \"READ:\$l\""

tty_bundle() {
	make_bundle
	cp "$TOOLS/tiocsti" "$BUNDLE/rootfs/bin/tiocsti"
}

@test "TIOCSTI: oci-run, terminal false: the container cannot type into the caller's terminal" {
	requires root
	requires tool script
	tty_bundle
	update_config '.process.args = ["/bin/tiocsti"]'
	on_terminal "$OCIBOX --root $OB_ROOT run -b $BUNDLE $(uniq_name)$CALLER_READS"
	assert_success
	# stdin is the caller's terminal, but not the controlling terminal of the container's
	# session: TIOCSTI needs CAP_SYS_ADMIN then
	assert_line "tiocsti: Operation not permitted"
	assert_line "rc=1"
	assert_line "READ:MARK"
}

@test "TIOCSTI: oci-run, terminal true: it lands in the container's own pty, never the caller's" {
	requires root
	requires tool script
	tty_bundle
	update_config '.process.terminal = true | .process.args = ["/bin/sh", "-c", "tiocsti; read l; echo \"INSIDE:$l\"; exit 3"]'
	on_terminal "$OCIBOX --root $OB_ROOT run -b $BUNDLE $(uniq_name)$CALLER_READS"
	assert_success
	assert_line "tiocsti: ok"
	assert_line "INSIDE:echo INJECTED"
	assert_line "rc=3"
	assert_line "READ:MARK"
}

@test "TIOCSTI: oci-exec with and without -t, in a container whose config says terminal true" {
	requires root
	requires tool script
	tty_bundle
	local id sock=$BATS_TEST_TMPDIR/console.sock
	id=$(uniq_name)
	update_config '.process.terminal = true | .process.args = ["/bin/sleep", "100"]'
	"$TOOLS/recvtty" "$sock" >/dev/null 2>&1 &
	defer "kill $!"
	retry_until 50 0.1 '[ -S "$sock" ]'
	ob run -d --console-socket "$sock" -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
	# without -t not a terminal process (runc), whatever config.json says: the caller's
	# terminal as stdio, in a session of its own
	on_terminal "$OCIBOX --root $OB_ROOT exec $id /bin/sh -c 'tiocsti; ls -l /proc/self/fd/0'$CALLER_READS"
	assert_success
	assert_line "tiocsti: Operation not permitted"
	assert_line --partial "/proc/self/fd/0 -> /dev/pts/"
	assert_line "rc=0"
	assert_line "READ:MARK"
	on_terminal "$OCIBOX --root $OB_ROOT exec -t $id /bin/sh -c 'tiocsti; read l; echo \"INSIDE:\$l\"; exit 5'$CALLER_READS"
	assert_success
	assert_line "tiocsti: ok"
	assert_line "INSIDE:echo INJECTED"
	assert_line "rc=5"
	assert_line "READ:MARK"
}

# the caller's terminal: 31 rows, 97 columns
SIZED="stty rows 31 cols 97; "

# check_own_pty: the container's lines "tty:..", "dev:.. devpts:..", "stat:.." (its own
# /proc/self/stat) and "rdev:MAJ:MIN" (hex) describe a pty of the container's devpts that
# is the controlling terminal of a session the process leads.
check_own_pty() {
	local t stat rdev tty_nr
	t=$(sed -n 's/^tty://p' <<<"$output")
	[[ $t == /dev/pts/[0-9]* ]] || { echo "tty: $t"; return 1; }
	# the device of the terminal is the container's devpts (the caller's is the host's)
	grep -Eq '^dev:([0-9]+) devpts:\1$' <<<"$output" || { echo "$output"; return 1; }
	stat=$(sed -n 's/^stat://p' <<<"$output")
	rdev=$(sed -n 's/^rdev://p' <<<"$output")
	tty_nr=$(( (0x${rdev#*:} & 0xff) | (0x${rdev%:*} << 8) | ((0x${rdev#*:} & ~0xff) << 12) ))
	# proc(5): pid (comm) state ppid pgrp session tty_nr ...
	local pid=${stat%% *} f
	read -r -a f <<<"$(sed 's/^[0-9]* (.*) //' <<<"$stat")"
	[ "${f[3]}" = "$pid" ] || { echo "session ${f[3]}, pid $pid"; return 1; }
	[ "${f[4]}" = "$tty_nr" ] || { echo "tty_nr ${f[4]}, want $tty_nr"; return 1; }
}

PTY_PROBE='echo "tty:$(tty)"; stty size; echo "dev:$(stat -Lc %d /proc/self/fd/0) devpts:$(stat -c %d /dev/pts/ptmx)"; read s </proc/self/stat; echo "stat:$s"; echo "rdev:$(stat -Lc %t:%T /proc/self/fd/0)"; ls -l /proc/self/fd/'

@test "terminal: oci-run and oci-exec -t get a pty of the container's devpts, the caller's size, a session of their own" {
	requires root
	requires tool script
	tty_bundle
	local id
	id=$(uniq_name)
	update_config ".process.terminal = true | .process.args = $(jq -cn --arg c "$PTY_PROBE" '["/bin/sh","-c",$c]')"
	on_terminal "${SIZED}$OCIBOX --root $OB_ROOT run -b $BUNDLE $id; echo rc=\$?"
	assert_success
	assert_line "31 97"
	assert_line "rc=0"
	check_own_pty
	assert_output --regexp "0 -> /dev/pts/[0-9]+"
	assert_output --regexp "2 -> /dev/pts/[0-9]+"

	update_config '.process.terminal = false | .process.args = ["/bin/sleep", "100"]'
	ob run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
	on_terminal "${SIZED}$OCIBOX --root $OB_ROOT exec -t $id /bin/sh -c '$PTY_PROBE'; echo rc=\$?"
	assert_success
	assert_line "31 97"
	assert_line "rc=0"
	check_own_pty
}

@test "terminal: the caller's terminal is raw while it runs, resized on SIGWINCH, restored after a kill" {
	requires root
	requires tool script
	tty_bundle
	local id sp oci_run out=$BATS_TEST_TMPDIR/term.out in=$BATS_TEST_TMPDIR/term.in
	id=$(uniq_name)
	update_config '.process.terminal = true | .process.args = ["/bin/sh", "-c", "stty size; read l; stty size; exec sleep 100"]'
	mkfifo "$in"
	exec 7<>"$in"
	script -qec "${SIZED}stty -g; $OCIBOX --root $OB_ROOT run -b $BUNDLE $id; echo rc=\$?; stty -g" \
		/dev/null <"$in" >"$out" 2>&1 &
	sp=$!
	defer "kill $sp"
	retry 50 0.1 grep -q '^31 97' "$out"
	# oci-run, the init's parent, has the caller's terminal (script's pty) as stdin
	oci_run=$(awk '{print $4}' "/proc/$(ob state "$id" | jq .pid)/stat")
	run stty -F "/proc/$oci_run/fd/0" -a
	assert_output --partial " -icanon "
	assert_output --partial " -echo "
	# the caller's terminal resized: SIGWINCH to its foreground (oci-run), which passes the
	# size on to the container's pty before the line typed after it
	stty -F "/proc/$oci_run/fd/0" rows 50 cols 120
	echo go >&7
	retry 50 0.1 grep -q '^50 120' "$out"
	ob kill "$id" KILL
	wait "$sp"
	exec 7>&-
	output=$(tr -d '\r' <"$out")
	mapfile -t lines <<<"$output"
	assert_line "31 97"
	assert_line "50 120"
	assert_line "rc=137"
	# stty -g before and after: the same modes
	local modes
	modes=$(grep -E '^[0-9a-f]+(:[0-9a-f]+)+$' <<<"$output")
	[ "$(wc -l <<<"$modes")" = 2 ] || { echo "$output"; false; }
	[ "$(sort -u <<<"$modes" | wc -l)" = 1 ] || { echo "$modes"; false; }
}
