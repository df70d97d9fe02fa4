#!/usr/bin/env bats
# linux.seccomp: actions, errnoRet, argument filters, flags, the notify listener, the
# default profile, and bad input refused at create with nothing left behind.

load helpers

# seccomp_config JSON: set linux.seccomp and run ARGS... as the process.
seccomp_config() {
	local sc=$1
	shift
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	update_config ".linux.seccomp = $sc | .process.args = $args"
}

# A bundle whose rootfs the container may write (the default spec's root is read-only).
sc_bundle() {
	make_bundle
	update_config '.root.readonly = false'
}

allow_but() { # allow_but ACTION-OBJECT-FIELDS NAMES...: default allow, NAMES get the rule
	local rule=$1
	shift
	local names
	names=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	echo "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":$names,$rule}]}"
}

@test "seccomp: SCMP_ACT_ERRNO denies mkdir with EPERM; without the filter it works" {
	requires root
	sc_bundle
	update_config '.process.args = ["/bin/sh", "-c", "mkdir /tmp/d && echo made"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output "made"
	rmdir "$BUNDLE/rootfs/tmp/d"

	seccomp_config "$(allow_but '"action":"SCMP_ACT_ERRNO"' mkdir mkdirat)" \
		/bin/sh -c 'mkdir /tmp/d; echo "status $?"; grep ^Seccomp: /proc/self/status'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_line "mkdir: can't create directory '/tmp/d': Operation not permitted"
	assert_line "status 1"
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	[ ! -e "$BUNDLE/rootfs/tmp/d" ]
}

@test "seccomp: errnoRet gives a custom errno, defaultErrnoRet the default one" {
	requires root
	sc_bundle
	seccomp_config "$(allow_but '"action":"SCMP_ACT_ERRNO","errnoRet":28' mkdir mkdirat)" \
		/bin/mkdir /tmp/d
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_output "mkdir: can't create directory '/tmp/d': No space left on device"

	# What the default profile does not allow fails with defaultErrnoRet (here ENOSYS).
	oci-spec -i - --seccomp-default <"$BUNDLE/config.json" | jq '.linux.seccomp.defaultErrnoRet = 38' >"$BUNDLE/c.new"
	mv "$BUNDLE/c.new" "$BUNDLE/config.json"
	update_config '.process.args = ["/bin/unshare", "-n", "true"]'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_failure 1
	assert_output "unshare: unshare(0x40000000): Function not implemented"
}

@test "seccomp: SCMP_ACT_KILL, KILL_THREAD, KILL_PROCESS and TRAP end the process with SIGSYS (159)" {
	requires root
	sc_bundle
	local act
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
		seccomp_config "$(allow_but "\"action\":\"$act\"" mkdir mkdirat)" /bin/mkdir /tmp/d
		run ob run -b "$BUNDLE" "$(uniq_name)$act"
		[ "$status" -eq 159 ] || { echo "$act: status $status: $output"; false; }
		[ ! -e "$BUNDLE/rootfs/tmp/d" ]
	done
}

@test "seccomp: the kernel logs SCMP_ACT_KILL_PROCESS with its action code (audit type 1326)" {
	requires root
	sc_bundle
	# The kernel logs kill actions (kernel.seccomp.actions_logged) as audit type=1326 with
	# the action in code=: 0x80000000 for KILL_PROCESS, 0x0 for KILL_THREAD.
	grep -qw kill_process /proc/sys/kernel/seccomp/actions_logged || skip "kill_process not logged"
	local id pid
	id=$(uniq_name)
	seccomp_config "$(allow_but '"action":"SCMP_ACT_KILL_PROCESS"' mkdir mkdirat)" /bin/mkdir /tmp/d
	ob create -b "$BUNDLE" "$id"
	pid=$(ob state "$id" | jq .pid)
	ob start "$id"
	retry 50 0.1 grep -q "pid=$pid .*syscall=83" <(dmesg)
	run dmesg
	assert_output --regexp "type=1326 .* pid=$pid .* sig=31 .* syscall=83 .* code=0x80000000"
}

@test "seccomp: argument filters: EQ on two args is an AND, two tests of one arg are an OR, MASKED_EQ" {
	requires root
	sc_bundle
	local script='kill -0 1; echo "zero $?"; kill -CONT 1; echo "cont $?"; kill -URG 1; echo "urg $?"'

	# kill(1, 0) only: both conditions must hold.
	update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],
		"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},
		{"index":1,"value":0,"op":"SCMP_CMP_EQ"}]}]}'
	update_config ".process.args = $(jq -cn --arg s "$script" '["/bin/sh", "-c", $s]')"
	run ob run -b "$BUNDLE" "$(uniq_name)a"
	assert_success
	assert_line "zero 1"
	assert_line "cont 0"
	assert_line "urg 0"

	# Signal 0 or 18 (SIGCONT): two tests of arg 1 become two rules (runc's behaviour).
	update_config '.linux.seccomp.syscalls[0].args = [{"index":1,"value":0,"op":"SCMP_CMP_EQ"},
		{"index":1,"value":18,"op":"SCMP_CMP_EQ"}]'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	assert_line "zero 1"
	assert_line "cont 1"
	assert_line "urg 0"

	# (sig & 0x10) == 0x10: SIGCONT (18) and SIGURG (23) match, 0 does not.
	update_config '.linux.seccomp.syscalls[0].args = [{"index":1,"value":16,"valueTwo":16,"op":"SCMP_CMP_MASKED_EQ"}]'
	run ob run -b "$BUNDLE" "$(uniq_name)c"
	assert_success
	assert_line "zero 0"
	assert_line "cont 1"
	assert_line "urg 1"

	# GT: signals above 20 only.
	update_config '.linux.seccomp.syscalls[0].args = [{"index":1,"value":20,"op":"SCMP_CMP_GT"}]'
	run ob run -b "$BUNDLE" "$(uniq_name)d"
	assert_success
	assert_line "zero 0"
	assert_line "cont 0"
	assert_line "urg 1"
}

@test "seccomp: SCMP_ACT_LOG lets the syscall run and the kernel logs it" {
	requires root
	grep -qw log /proc/sys/kernel/seccomp/actions_logged || skip "log action not logged"
	sc_bundle
	local id pid
	id=$(uniq_name)
	seccomp_config "$(allow_but '"action":"SCMP_ACT_LOG"' mkdir mkdirat)" /bin/mkdir /tmp/logged
	ob create -b "$BUNDLE" "$id"
	pid=$(ob state "$id" | jq .pid)
	ob start "$id"
	retry 50 0.1 grep -q "pid=$pid .*code=0x7ffc0000" <(dmesg)
	[ -d "$BUNDLE/rootfs/tmp/logged" ]
	run dmesg
	assert_output --regexp "type=1326 .* pid=$pid .* syscall=83 .* code=0x7ffc0000"
}

@test "seccomp: flags LOG, SPEC_ALLOW, TSYNC, WAIT_KILLABLE_RECV are accepted and the filter loads" {
	requires root
	sc_bundle
	update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW",
		"flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW",
			 "SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
		"syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
	update_config '.process.args = ["/bin/sh", "-c", "grep -E \"^Seccomp(_filters)?:\" /proc/self/status; mkdir /tmp/x"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --regexp '^Seccomp_filters:[[:space:]]+1$'
	assert_line "mkdir: can't create directory '/tmp/x': Operation not permitted"
}

@test "seccomp: without noNewPrivileges the filter is loaded while the init still has CAP_SYS_ADMIN" {
	requires root
	sc_bundle
	seccomp_config "$(allow_but '"action":"SCMP_ACT_ERRNO","errnoRet":28' mkdir mkdirat)" \
		/bin/sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; mkdir /tmp/d'
	update_config '.process.noNewPrivileges = false'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_line --regexp '^NoNewPrivs:[[:space:]]+0$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line "mkdir: can't create directory '/tmp/d': No space left on device"
}

@test "seccomp: unknown syscall names are skipped, the rest of the rule applies" {
	requires root
	sc_bundle
	seccomp_config "$(allow_but '"action":"SCMP_ACT_ERRNO"' no_such_syscall_ocibox mkdir mkdirat)" \
		/bin/mkdir /tmp/d
	run ob --debug run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_output --partial 'unknown syscall `no_such_syscall_ocibox` skipped'
	assert_output --partial "mkdir: can't create directory '/tmp/d': Operation not permitted"
}

@test "seccomp: architectures: the native one plus the listed ones" {
	requires root
	sc_bundle
	update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW",
		"architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32","SCMP_ARCH_X86_64"],
		"syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
	update_config '.process.args = ["/bin/mkdir", "/tmp/d"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_output "mkdir: can't create directory '/tmp/d': Operation not permitted"
}

# start_listener ERRNO: the test agent on $SOCK, state to $STATEFILE, log in $LOG.
start_listener() {
	SOCK=$BATS_TEST_TMPDIR/agent.sock
	STATEFILE=$BATS_TEST_TMPDIR/agent.state
	LOG=$BATS_TEST_TMPDIR/agent.log
	"$TOOLS/seccomp-listener" "$SOCK" "$STATEFILE" "$1" >"$LOG" 2>&1 &
	LISTENER=$!
	defer "kill $LISTENER"
	retry 50 0.1 grep -q ready "$LOG" && return 0
	echo "listener did not start: $(cat "$LOG")"
	return 1
}

@test "seccomp: SCMP_ACT_NOTIFY sends the fd and the container process state to listenerPath; the agent answers" {
	requires root
	sc_bundle
	start_listener 0
	local id
	id=$(uniq_name)
	update_config ".linux.seccomp = {\"defaultAction\":\"SCMP_ACT_ALLOW\",
		\"listenerPath\":\"$SOCK\",\"listenerMetadata\":\"meta for the agent\",
		\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	update_config '.process.args = ["/bin/sh", "-c", "mkdir /tmp/faked && echo made"]'
	ob create -b "$BUNDLE" "$id"
	# The agent has the fd and the state once create returns.
	run jq -c '[.ociVersion, .fds, .metadata, .state.id, .state.status, (.pid > 0), (.pid == .state.pid)]' "$STATEFILE"
	assert_output "[\"1.3.0\",[\"seccompFd\"],\"meta for the agent\",\"$id\",\"creating\",true,true]"
	[ "$(jq .pid "$STATEFILE")" = "$(ob state "$id" | jq .pid)" ]
	ob start "$id"
	wait_for_status "$id" stopped
	# The agent answered "success" without running mkdir: the directory does not exist.
	run cat "$LOG"
	assert_line --regexp '^syscall (83|258) pid [0-9]+$'
	[ ! -e "$BUNDLE/rootfs/tmp/faked" ]
}

@test "seccomp: the notify agent's errno reaches the process (with WAIT_KILLABLE_RECV)" {
	requires root
	sc_bundle
	start_listener 13
	update_config ".linux.seccomp = {\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$SOCK\",
		\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],
		\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	update_config '.process.args = ["/bin/mkdir", "/tmp/x"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_failure 1
	assert_output "mkdir: can't create directory '/tmp/x': Permission denied"
}

@test "seccomp: without noNewPrivileges a NOTIFY rule on chdir binds the process, not the runtime's own chdir to process.cwd" {
	requires root
	sc_bundle
	start_listener 0
	local id
	id=$(uniq_name)
	# The runtime enters process.cwd before the filter (DESIGN: seccomp really last);
	# the process's own chdir goes to the agent.
	update_config ".linux.seccomp = {\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$SOCK\",
		\"syscalls\":[{\"names\":[\"chdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}
		| .process.noNewPrivileges = false | .process.cwd = \"/tmp\"
		| .process.args = [\"/bin/sh\", \"-c\", \"cd /etc; sleep 100\"]"
	status=0
	timeout 20 "$OCIBOX" --root "$OB_ROOT" create -b "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || status=$?
	[ "$status" -eq 0 ] || { cat "$BATS_TEST_TMPDIR/create.out"; false; }
	run jq -r .state.status "$STATEFILE"
	assert_output creating
	run cat "$LOG"
	refute_line --regexp '^syscall 80 pid'
	ob start "$id"
	retry 50 0.1 grep -q '^syscall 80 pid' "$LOG"
	run cat "$LOG"
	assert_line --regexp '^syscall 80 pid [0-9]+$'
	# oci-exec: the same, with an agent of its own on the path
	rm "$SOCK"
	start_listener 0
	run timeout 20 "$OCIBOX" --root "$OB_ROOT" exec --cwd /tmp "$id" /bin/sh -c 'grep ^Seccomp: /proc/self/status; pwd'
	assert_success
	assert_output --regexp $'^Seccomp:[[:space:]]+2\n/tmp$'
	run cat "$LOG"
	refute_line --regexp '^syscall 80 pid'
}

@test "seccomp: a listener that is not there fails create, nothing left" {
	requires root
	sc_bundle
	local id
	id=$(uniq_name)
	update_config ".linux.seccomp = {\"defaultAction\":\"SCMP_ACT_ALLOW\",
		\"listenerPath\":\"$BATS_TEST_TMPDIR/nobody.sock\",
		\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	create_status "$id"
	assert_failure 1
	assert_output --partial "seccomp listener: connect to \`$BATS_TEST_TMPDIR/nobody.sock\`: No such file or directory"
	[ ! -e "$OB_ROOT/$id" ]
	run pgrep -f "$BUNDLE"
	assert_failure
}

@test "seccomp: bad input is refused at create with the JSON path, nothing left" {
	requires root
	sc_bundle
	local id
	id=$(uniq_name)
	check_refused() { # JQ_SECCOMP EXPECTED_MESSAGE
		update_config ".linux.seccomp = $1"
		create_status "$id"
		assert_failure 1
		assert_output --partial "$2"
		[ "${#lines[@]}" -eq 1 ]
		[ ! -e "$OB_ROOT/$id" ]
	}
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"},{"names":["rmdir"],"action":"SCMP_ACT_FOO"}]}' \
		'linux.seccomp.syscalls[1].action: unknown seccomp action `SCMP_ACT_FOO`'
	check_refused '{"defaultAction":"SCMP_ACT_NOPE"}' \
		'linux.seccomp.defaultAction: unknown seccomp action `SCMP_ACT_NOPE`'
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_VAX"]}' \
		'linux.seccomp.architectures[0]: unknown seccomp architecture `SCMP_ARCH_VAX`'
	# Valid for the spec, unknown to the libseccomp we link (the message names its version).
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_SH"]}' \
		"linux.seccomp.architectures[0]: unknown architecture \`SCMP_ARCH_SH\` (libseccomp $(pkg-config --modversion libseccomp))"
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_NOPE"]}' \
		'linux.seccomp.flags[0]: unknown seccomp flag `SECCOMP_FILTER_FLAG_NOPE`'
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":5000}]}' \
		'linux.seccomp.syscalls[0].errnoRet: 5000 out of range (0-4095)'
	check_refused '{"defaultAction":"SCMP_ACT_KILL","defaultErrnoRet":1}' \
		'linux.seccomp.defaultErrnoRet: SCMP_ACT_KILL does not take an errno'
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":1,"op":"SCMP_CMP_ALMOST"}]}]}' \
		'linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator `SCMP_CMP_ALMOST`'
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}' \
		'linux.seccomp.syscalls[0].args[0].index: 6 out of range [0, 5]'
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}' \
		'linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used'
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"relative.sock","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}' \
		'linux.seccomp.listenerPath: `relative.sock` is not an absolute path'
	check_refused '{"defaultAction":"SCMP_ACT_ALLOW","listenerMetadata":"x"}' \
		'linux.seccomp.listenerMetadata: set without listenerPath'
}

@test "seccomp: the default profile (oci-spec --seccomp-default) allows a shell, denies what Docker's denies" {
	requires root
	sc_bundle
	oci-spec -i - --seccomp-default <"$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
	run jq -r '.linux.seccomp.defaultAction, .linux.seccomp.defaultErrnoRet' "$BUNDLE/config.json"
	assert_output $'SCMP_ACT_ERRNO\n1'
	# CAP_SYS_ADMIN given, so only the filter can be what refuses mount/unshare.
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	update_config '.process.args = ["/bin/sh", "-c",
		"mkdir -p /tmp/d && echo mkdir-ok; grep ^Seccomp: /proc/self/status; mount -t tmpfs t /tmp/d; echo mount=$?; unshare -n true; echo unshare=$?"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_line "mkdir-ok"
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line "mount: permission denied (are you root?)"
	assert_line "mount=1"
	assert_line "unshare=1"
	assert_output --partial "unshare(0x40000000): Operation not permitted"

	# The same without the profile: mount works (the control for the assertion above).
	update_config 'del(.linux.seccomp)'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	assert_line --regexp '^Seccomp:[[:space:]]+0$'
	assert_line "mount=0"
	assert_line "unshare=0"
}

# default_profile_bundle: sc_bundle with the default profile and build/test/sysno in the rootfs.
default_profile_bundle() {
	sc_bundle
	oci-spec -i - --seccomp-default <"$BUNDLE/config.json" >"$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
	cp "$TOOLS/sysno" "$BUNDLE/rootfs/bin/sysno"
}

# sysno_of NAME...: the native syscall numbers of NAME... from the C library's headers
# (an unknown name prints as SYS_NAME).
sysno_of() {
	printf '#include <sys/syscall.h>\n'
	printf 'SYS_%s\n' "$@"
} 2>/dev/null

@test "seccomp: a syscall newer than every one the profile names gets ENOSYS (syscall 1000), an older unnamed one the default errno" {
	requires root
	default_profile_bundle
	local acct
	acct=$(sysno_of acct | cpp -P)
	update_config ".process.args = [\"/bin/sh\", \"-c\", \"sysno 1000; sysno $acct 0\"]"
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	# -38: ENOSYS from the stub, not the profile's defaultErrnoRet 1 (EPERM)
	assert_output $'-38\n-1'
	if [ "$(uname -m)" = x86_64 ] && [ "$("$TOOLS/sysno" i386 1000)" = -38 ]; then
		# The profile lists SCMP_ARCH_X86: the i386 table has a stub of its own (acct
		# is 51 there).
		update_config '.process.args = ["/bin/sh", "-c", "sysno i386 1000; sysno i386 51"]'
		run ob run -b "$BUNDLE" "$(uniq_name)i"
		assert_success
		assert_output $'-38\n-1'
	fi
	# A permissive default adds no stub: the kernel's own ENOSYS, acct runs (EPERM from
	# the kernel without CAP_SYS_PACCT: the default spec does not give it).
	update_config '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":5}]}'
	update_config ".process.args = [\"/bin/sh\", \"-c\", \"sysno 1000; sysno $acct 0\"]"
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	assert_output $'-38\n-1'
	# An allow-list profile whose default kills: a newer syscall still gets ENOSYS (as
	# runc), an older unnamed one the kill (SIGSYS: 128+31). The list: what the static
	# sysno needs, and what the runtime's init may still do after the load.
	local allow='["execve","brk","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64","readlink","getrandom","mprotect","mmap","munmap","write","exit_group","exit","newfstatat","fstat","uname","prctl","read","close","openat","fcntl","sendmsg","recvmsg","getpid","getppid","rt_sigprocmask","rt_sigaction","close_range"]'
	update_config ".linux.seccomp = {\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[{\"names\":$allow,\"action\":\"SCMP_ACT_ALLOW\"}]} | .process.args = [\"/bin/sysno\", \"1000\"]"
	run ob run -b "$BUNDLE" "$(uniq_name)c"
	assert_success
	assert_output "-38"
	update_config ".process.args = [\"/bin/sysno\", \"$acct\", \"0\"]"
	run ob run -b "$BUNDLE" "$(uniq_name)d"
	assert_failure 159
	assert_output ""
}

@test "seccomp: clone3 under a profile older than clone3 gets ENOSYS, and glibc's pthread_create falls back to clone" {
	requires root
	default_profile_bundle
	# The default profile without clone3 and every syscall numbered after it: a profile
	# written before Linux 5.3.
	local names nums older clone3
	clone3=$(sysno_of clone3 | cpp -P)
	[[ $clone3 =~ ^[0-9]+$ ]] || skip "the C library's headers do not know clone3"
	names=$(jq -r '[.linux.seccomp.syscalls[].names[]] | unique | .[]' "$BUNDLE/config.json")
	# shellcheck disable=SC2086
	nums=$(sysno_of $names | cpp -P | tr -s ' \n' '\n' | grep -v '^$')
	older=$(paste -d' ' <(echo "$names") <(echo "$nums") |
		awk -v c="$clone3" '$2 ~ /^[0-9]+$/ && $2 + 0 < c + 0 {print $1}' | jq -R . | jq -s -c .)
	update_config ".linux.seccomp.syscalls |= map(.names |= map(select(IN($older[])))) | .linux.seccomp.syscalls |= map(select(.names | length > 0))"
	run jq -e '[.linux.seccomp.syscalls[].names[]] | index("clone3") == null and index("read") != null' "$BUNDLE/config.json"
	assert_success
	update_config ".process.args = [\"/bin/sh\", \"-c\", \"sysno $clone3 0 0; sysno thread\"]"
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output $'-38\nthread ok'
}

@test "seccomp: SCMP_ACT_NOTIFY on write (or sendmsg) is refused: the runtime writes after the load" {
	requires root
	sc_bundle
	local id n
	id=$(uniq_name)
	for n in write sendmsg; do
		update_config ".linux.seccomp = {\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$BATS_TEST_TMPDIR/agent.sock\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"},{\"names\":[\"getpid\",\"$n\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
		create_status "$id"
		assert_failure 1
		assert_output "oci-create: config.json: linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY cannot be used for $n (the runtime needs it to pass the listener fd and to report errors after the filter is loaded)"
		[ ! -e "$OB_ROOT/$id" ]
	done
}

@test "seccomp: oci-spec --seccomp FILE inserts linux.seccomp from FILE; a bad file is refused" {
	sc_bundle
	cat >"$BATS_TEST_TMPDIR/sc.json" <<-EOF
	{"defaultAction": "SCMP_ACT_ALLOW",
	 "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}
	EOF
	run oci-spec -i - --seccomp "$BATS_TEST_TMPDIR/sc.json" <"$BUNDLE/config.json"
	assert_success
	[ "$(echo "$output" | jq -c .linux.seccomp)" = "$(jq -c . "$BATS_TEST_TMPDIR/sc.json")" ]
	# The rest of the spec is untouched.
	[ "$(echo "$output" | jq -c 'del(.linux.seccomp)')" = "$(jq -c 'del(.linux.seccomp)' "$BUNDLE/config.json")" ]

	printf '{"defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [}\n' >"$BATS_TEST_TMPDIR/bad.json"
	run oci-spec -i - --seccomp "$BATS_TEST_TMPDIR/bad.json" <"$BUNDLE/config.json"
	assert_failure 1
	assert_output --regexp "bad.json:2:[0-9]+: "

	echo '{"defaultAction": "SCMP_ACT_ALOW"}' >"$BATS_TEST_TMPDIR/bad2.json"
	run oci-spec -i - --seccomp "$BATS_TEST_TMPDIR/bad2.json" <"$BUNDLE/config.json"
	assert_failure 1
	assert_output --partial 'linux.seccomp.defaultAction: unknown seccomp action `SCMP_ACT_ALOW`'

	# What only create would refuse is refused here too.
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 9999}]}' >"$BATS_TEST_TMPDIR/bad3.json"
	run oci-spec -i - --seccomp "$BATS_TEST_TMPDIR/bad3.json" <"$BUNDLE/config.json"
	assert_failure 1
	assert_output "oci-spec: --seccomp: <stdin>: linux.seccomp.syscalls[0].errnoRet: 9999 out of range (0-4095)"

	run oci-spec -i - --seccomp "$BATS_TEST_TMPDIR/missing.json" <"$BUNDLE/config.json"
	assert_failure 1
	assert_output --partial "missing.json"
}

@test "seccomp: oci-exec processes get the container's filter" {
	requires root
	sc_bundle
	seccomp_config "$(allow_but '"action":"SCMP_ACT_ERRNO","errnoRet":28' mkdir mkdirat)" /bin/sleep 100
	local id
	id=$(uniq_name)
	ob run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
	run ob exec "$id" /bin/sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/e'
	assert_failure 1
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line "mkdir: can't create directory '/tmp/e': No space left on device"
	[ ! -e "$BUNDLE/rootfs/tmp/e" ]
}

@test "seccomp: with SCMP_ACT_NOTIFY an oci-exec process's listener fd reaches the agent too" {
	requires root
	sc_bundle
	local id
	id=$(uniq_name)
	SOCK=$BATS_TEST_TMPDIR/agent.sock
	# The init's agent: answers with success, then stays for the init's lifetime.
	start_listener 0
	update_config ".linux.seccomp = {\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$SOCK\",
		\"listenerMetadata\":\"m\",
		\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	update_config '.process.args = ["/bin/sleep", "100"]'
	ob run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
	# A second agent on the same path for the exec'd process: it fails mkdir with EXDEV.
	rm "$SOCK"
	STATEFILE=$BATS_TEST_TMPDIR/exec.state
	"$TOOLS/seccomp-listener" "$SOCK" "$STATEFILE" 18 >"$BATS_TEST_TMPDIR/exec.log" 2>&1 &
	defer "kill $!"
	retry 50 0.1 grep -q ready "$BATS_TEST_TMPDIR/exec.log"
	run ob exec "$id" /bin/mkdir /tmp/x
	assert_failure 1
	assert_output "mkdir: can't create directory '/tmp/x': Invalid cross-device link"
	run jq -c '[.fds, .metadata, .state.id, .state.status]' "$STATEFILE"
	assert_output "[[\"seccompFd\"],\"m\",\"$id\",\"running\"]"
}

@test "seccomp/lsm: oci-exec --apparmor on a host without AppArmor is refused, nothing runs" {
	requires root
	[ -e /sys/kernel/security/apparmor ] && skip "AppArmor is enabled here"
	sc_bundle
	local id
	id=$(uniq_name)
	update_config '.process.args = ["/bin/sleep", "100"]'
	ob run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
	run ob exec --apparmor ocibox-test "$id" /bin/touch /tmp/ran
	assert_failure 1
	assert_output 'oci-exec: process.apparmorProfile: AppArmor is not enabled on this host (profile `ocibox-test` requested)'
	[ ! -e "$BUNDLE/rootfs/tmp/ran" ]
}

# What a static busybox `mkdir` needs after its execve (and `sleep`, for a container that
# stays; as a non-root user it also looks for /etc/busybox.conf and drops set-id rights:
# newfstatat, getgid, setgid, setuid), plus execve: an allow-list with nothing in it for
# the runtime (which switches ids with setresuid/setresgid, not listed).
BUSYBOX_SYSCALLS='"execve","brk","arch_prctl","set_tid_address","set_robust_list","rseq",
	"prlimit64","readlink","getrandom","mprotect","prctl","getuid","exit_group",
	"mkdir","clock_nanosleep","newfstatat","getgid","setgid","setuid"'

# allow_only DEFAULT_ACTION [NAME...]: that default, the busybox list (and NAMES) allowed.
allow_only() {
	local extra=""
	[ $# -gt 1 ] && extra=",$(printf '"%s",' "${@:2}")" && extra=${extra%,}
	echo "{\"defaultAction\":\"$1\",\"syscalls\":[{\"names\":[$BUSYBOX_SYSCALLS$extra],\"action\":\"SCMP_ACT_ALLOW\"}]}"
}

# seccomp_lifecycle NAME: /bin/mkdir /tmp/NAME-{cs,run,exec} through create+start, run, and
# exec into a container whose process sleeps; each directory must be there (the process
# ran, nothing of the runtime's was refused).
seccomp_lifecycle() {
	local n=$1 id
	id=$(uniq_name)
	update_config ".process.args = [\"/bin/mkdir\", \"/tmp/$n-cs\"]"
	create_status "$id"
	assert_success
	ob start "$id"
	retry_until 50 0.1 '[ -d "$BUNDLE/rootfs/tmp/$n-cs" ]'
	[ -d "$BUNDLE/rootfs/tmp/$n-cs" ]
	ob delete --force "$id"

	update_config ".process.args = [\"/bin/mkdir\", \"/tmp/$n-run\"]"
	run ob run -b "$BUNDLE" "${id}r"
	assert_success
	[ -d "$BUNDLE/rootfs/tmp/$n-run" ]

	update_config '.process.args = ["/bin/sleep", "100"]'
	ob run -d -b "$BUNDLE" "${id}e" </dev/null >/dev/null 2>&1
	run ob exec "${id}e" /bin/mkdir "/tmp/$n-exec"
	assert_success
	[ -d "$BUNDLE/rootfs/tmp/$n-exec" ]
	ob delete --force "${id}e"
}

# not_sanitized: these tests count the init's syscalls after its filter; an ASan/UBSan build
# (make check SANITIZE=1) adds its runtime's own (getpid, open of its report file), so they
# hold for the product build only.
not_sanitized() {
	[ "${OB_BUILD:-build}" = build ] || skip "counts the product's syscalls after the filter; the sanitizer runtime makes its own"
}

@test "seccomp: after the filter only execve (noNewPrivileges true): an allow-list of busybox's own syscalls, create/start, run, exec" {
	requires root
	not_sanitized
	sc_bundle
	update_config ".linux.seccomp = $(allow_only SCMP_ACT_ERRNO) | .process.noNewPrivileges = true"
	seccomp_lifecycle errno
	# Sharper: any other syscall kills the process (SIGSYS), whoever makes it.
	update_config ".linux.seccomp = $(allow_only SCMP_ACT_KILL_PROCESS)"
	seccomp_lifecycle kill
	# The control: without execve in the list nothing runs, the error is execve's (it goes
	# back through exec.fifo after the filter with write(2), added to the list; sendmsg and
	# writev are not in it).
	update_config ".linux.seccomp = $(allow_only SCMP_ACT_ERRNO write) | .process.args = [\"/bin/true\"]
		| .linux.seccomp.syscalls[0].names -= [\"execve\"]"
	run ob run -b "$BUNDLE" "$(uniq_name)x"
	assert_failure 126
	assert_output --partial 'exec `/bin/true`: Operation not permitted'
}

@test "seccomp: without noNewPrivileges only capset and prctl (the capability sets) follow the filter, for a non-root user too" {
	requires root
	not_sanitized
	sc_bundle
	update_config ".linux.seccomp = $(allow_only SCMP_ACT_ERRNO capset) | .process.noNewPrivileges = false
		| .process.user = {\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [29]}"
	seccomp_lifecycle nnp0
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/nnp0-run")" = 1000:1000 ]
	update_config ".linux.seccomp = $(allow_only SCMP_ACT_KILL_PROCESS capset)"
	seccomp_lifecycle nnp0kill
	# The capability sets are applied after it: without capset in the list they are refused
	# (the error's way back through exec.fifo is write(2), added; sendmsg and writev are not).
	update_config ".linux.seccomp = $(allow_only SCMP_ACT_ERRNO write) | .process.args = [\"/bin/true\"]"
	run ob run -b "$BUNDLE" "$(uniq_name)x"
	assert_failure 1
	assert_output --partial 'set capabilities: Operation not permitted'
}

@test "seccomp: a profile that denies getcwd or close_range starts: create/start, run, exec" {
	requires root
	sc_bundle
	update_config ".linux.seccomp = $(allow_but '"action":"SCMP_ACT_ERRNO"' getcwd) | .process.cwd = \"/tmp\""
	seccomp_lifecycle nogetcwd
	update_config '.process.args = ["/bin/sh", "-c", "/bin/pwd -P; echo $?"]'
	run ob run -b "$BUNDLE" "$(uniq_name)p"
	assert_success
	assert_line "1" # the process's own getcwd is refused
	update_config ".linux.seccomp = $(allow_but '"action":"SCMP_ACT_ERRNO"' close_range) | .process.noNewPrivileges = false"
	seccomp_lifecycle noclose
}

@test "seccomp: close_range failing with ENOSYS (kernel < 5.9): fds are closed by walking /proc/self/fd" {
	requires root
	sc_bundle
	local id
	id=$(uniq_name)
	update_config '.process.args = ["/bin/ls", "/proc/self/fd"]'
	# fd 7 on a host file, not preserved: it must not reach the container (the tool checks
	# that close_range gives ENOSYS under its filter before it runs ocibox)
	run "$TOOLS/seccomp-enosys" 436 "$OCIBOX" --root "$OB_ROOT" run -b "$BUNDLE" "$id" 7<"$BUNDLE/config.json"
	assert_success
	assert_equal "$(echo $output)" "0 1 2 3"
	update_config '.process.args = ["/bin/sleep", "100"]'
	ob run -d -b "$BUNDLE" "${id}e" </dev/null >/dev/null 2>&1
	run "$TOOLS/seccomp-enosys" 436 "$OCIBOX" --root "$OB_ROOT" exec "${id}e" /bin/ls /proc/self/fd 7<"$BUNDLE/config.json"
	assert_success
	assert_equal "$(echo $output)" "0 1 2 3"
}
