#!/usr/bin/env bats
# oci-exec (runc exec): a process in a live container - its namespaces, its process
# settings or --process FILE's, exit codes, tty, detach, caps, fds, refusals.

load helpers
bats_require_minimum_version 1.5.0

# start_container [JQ]: a running busybox container ($ID, $INIT) whose init sleeps.
start_container() {
	make_bundle
	update_config '.process.args = ["sleep", "100000"]'
	[ -z "${1:-}" ] || update_config "$1"
	ID=$(uniq_name c)
	ob create --bundle "$BUNDLE" "$ID"
	ob start "$ID"
	INIT=$(ob state "$ID" | jq -r .pid)
	[ "$INIT" -gt 0 ]
}

NS_ALL="mnt uts ipc net pid cgroup user"

# The exec'd process's own namespaces, as it sees them.
SHOW_NS='for n in mnt uts ipc net pid cgroup user; do printf "%s " "$(readlink /proc/self/ns/$n)"; done; echo'

ns_of() {
	local n out=
	for n in $NS_ALL; do out+="$(readlink /proc/$1/ns/$n) "; done
	echo "$out"
}

# procs: the commands in the container's pid namespace, sorted (the reader shows as cat).
procs() {
	ob exec "$ID" sh -c 'exec cat /proc/[0-9]*/comm' | sort | tr '\n' ' '
}

setup() {
	common_setup
	requires root
}

@test "oci-exec: the process runs in all the container's namespaces, args form" {
	start_container
	run ob exec "$ID" sh -c "$SHOW_NS"
	assert_success
	assert_output "$(ns_of $INIT)"
	# it is a child of nobody in there: the init is pid 1, we are another pid
	run ob exec "$ID" sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	refute_line --index 0 1
	assert_line --index 1 "sleep 100000 "
	# the alias works the same
	run ob exec "$ID" hostname
	assert_success
	assert_output "$(ob exec "$ID" cat /proc/sys/kernel/hostname)"
}

@test "oci-exec: exit status is the process's; 127 not found, 126 cannot run, 128+N killed" {
	start_container
	run ob exec "$ID" sh -c 'exit 3'
	assert_failure 3
	run -127 ob exec "$ID" no-such-cmd
	assert_output "oci-exec: exec \`no-such-cmd\`: executable file not found in \$PATH"
	run -127 ob exec "$ID" /bin/no-such
	assert_output "oci-exec: exec \`/bin/no-such\`: no such file or directory"
	run -126 ob exec "$ID" /etc/passwd
	assert_output "oci-exec: exec \`/etc/passwd\`: permission denied"
	run ob exec "$ID" sh -c 'kill -TERM $$'
	assert_failure 143
	run procs
	assert_output "cat sleep "   # nothing of those runs is left
}

@test "oci-exec: --env, --cwd, --user UID:GID, a user name from the container's /etc/passwd, --additional-gids" {
	start_container
	run ob exec -e FOO=bar --env PATH=/bin --cwd /tmp "$ID" sh -c 'echo $FOO $PATH; pwd; id -u; id -g'
	assert_success
	assert_output "bar /bin
/tmp
0
0"
	# the container's env is kept, -e adds and overrides
	run ob exec -e TERM=dumb "$ID" env
	assert_line TERM=dumb
	assert_line "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	run ob exec -u 1000:44 "$ID" sh -c 'id -u; id -g; id -G; echo $HOME'
	assert_success
	assert_output "1000
44
44
/home"
	run ob exec --user tester -g 29 --additional-gids video "$ID" sh -c 'id -u; id -g; id -G'
	assert_success
	assert_output "1000
1000
1000 29 44"
	# a uid without a passwd line is allowed (as runc), HOME is /
	run ob exec -u 4321 "$ID" sh -c 'id -u; echo $HOME'
	assert_output "4321
/"
	run ob exec -u bob "$ID" true
	assert_failure 1
	assert_output "oci-exec: user \`bob\` not found in the container's /etc/passwd"
	run ob exec -u 0:nogroupx "$ID" true
	assert_failure 1
	assert_output "oci-exec: group \`nogroupx\` not found in the container's /etc/group"
	run ob exec --cwd /nonexistent "$ID" true
	assert_failure 1
	assert_output "oci-exec: chdir to cwd \`/nonexistent\`: No such file or directory"
}

@test "oci-exec: --process FILE (what podman sends): args, env, cwd, user, terminal false" {
	start_container
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
	{"terminal": false, "user": {"uid": 1000, "gid": 44, "additionalGids": [29]},
	 "args": ["sh", "-c", "id -u; id -G; pwd; echo $X; echo $PATH"],
	 "env": ["PATH=/bin:/usr/bin", "X=from-file"], "cwd": "/tmp"}
	EOF
	run ob exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	assert_success
	assert_output "1000
44 29
/tmp
from-file
/bin:/usr/bin"
	# an invalid process file is named with its place
	echo '{"args": "notalist", "cwd": "/", "user": {"uid": 0, "gid": 0}}' >"$BATS_TEST_TMPDIR/bad.json"
	run ob exec -p "$BATS_TEST_TMPDIR/bad.json" "$ID"
	assert_failure 1
	assert_output --partial "bad.json"
	assert_output --partial "args"
	run ob exec -p "$BATS_TEST_TMPDIR/missing.json" "$ID"
	assert_failure 1
	assert_output "oci-exec: open \`$BATS_TEST_TMPDIR/missing.json\`: No such file or directory"
}

@test "oci-exec: capabilities: the container's sets, --cap adds, --process sets them exactly" {
	start_container
	local init_eff
	init_eff=$(awk '/^CapEff/ {print $2}' /proc/$INIT/status)
	run ob exec "$ID" awk '/^CapEff/ {print $2}' /proc/self/status
	assert_success
	assert_output "$init_eff"
	# --cap CAP_SYS_ADMIN (bit 21) and sys_time (bit 25) on top
	run ob exec --cap CAP_SYS_ADMIN -c sys_time "$ID" awk '/^CapEff/ {print $2}' /proc/self/status
	assert_success
	assert_equal "$output" "$(printf '%016x' $((0x$init_eff | (1 << 21) | (1 << 25))))"
	# a --process file with CAP_NET_RAW (bit 13) only, for a non-root user with ambient
	cat >"$BATS_TEST_TMPDIR/p.json" <<-'EOF'
	{"user": {"uid": 1000, "gid": 1000}, "args": ["cat", "/proc/self/status"], "cwd": "/",
	 "capabilities": {"bounding": ["CAP_NET_RAW"], "effective": ["CAP_NET_RAW"],
	 "permitted": ["CAP_NET_RAW"], "inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}}
	EOF
	run ob exec -p "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_success
	assert_line --regexp "^CapEff:[[:space:]]+0000000000002000$"
	assert_line --regexp "^CapBnd:[[:space:]]+0000000000002000$"
	assert_line --regexp "^CapAmb:[[:space:]]+0000000000002000$"
	run ob exec --cap CAP_NOPE "$ID" true
	assert_failure 1
	assert_output --partial "CAP_NOPE"
}

@test "oci-exec: no_new_privs from the config, --no-new-privs" {
	start_container '.process.noNewPrivileges = false'
	run ob exec "$ID" awk '/^NoNewPrivs/ {print $2}' /proc/self/status
	assert_output 0
	run ob exec --no-new-privs "$ID" awk '/^NoNewPrivs/ {print $2}' /proc/self/status
	assert_output 1
}

@test "oci-exec: the container's rlimits apply; --process FILE's instead when given" {
	start_container '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1234, "hard": 2345}]'
	run ob exec "$ID" sh -c 'ulimit -n; ulimit -Hn'
	assert_success
	assert_output "1234
2345"
	echo '{"args": ["sh", "-c", "ulimit -n"], "cwd": "/", "user": {"uid": 0, "gid": 0},
	       "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 321}]}' >"$BATS_TEST_TMPDIR/p.json"
	run ob exec -p "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_output 321
}

@test "oci-exec: the container's seccomp filter binds the exec'd process" {
	start_container '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	grep -Eq '^Seccomp:[[:space:]]+2$' /proc/$INIT/status
	run ob exec "$ID" sh -c 'grep Seccomp: /proc/self/status; mkdir /tmp/x'
	assert_failure
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --partial "Operation not permitted"
}

@test "oci-exec: no host fd reaches the process; --preserve-fds passes 3.." {
	start_container
	echo from-host >"$BATS_TEST_TMPDIR/hostfile"
	# fd 7 open here: not there. The only fds are stdio and the one ls reads with.
	run ob exec "$ID" sh -c 'ls /proc/self/fd' 7<"$BATS_TEST_TMPDIR/hostfile"
	assert_success
	assert_output "0
1
2
3"
	# nor the log file of --log
	run "$OCIBOX" --root "$OB_ROOT" --log "$BATS_TEST_TMPDIR/log.json" --log-format json exec "$ID" ls /proc/self/fd
	assert_success
	assert_output "0
1
2
3"
	run ob exec --preserve-fds 1 "$ID" sh -c 'cat <&3; ls /proc/self/fd | tr "\n" " "' 3<"$BATS_TEST_TMPDIR/hostfile"
	assert_success
	assert_output "from-host
0 1 2 3 4 "
	# the cwd is the container's, not a host directory (CVE-2024-21626)
	run ob exec "$ID" sh -c 'cd "$(pwd)" && pwd'
	assert_output /
}

@test "oci-exec: --tty sends the pty master to --console-socket; status forwarded" {
	start_container
	local sock="$BATS_TEST_TMPDIR/console.sock"
	"$TOOLS/recvtty" "$sock" >"$BATS_TEST_TMPDIR/tty.out" 2>"$BATS_TEST_TMPDIR/tty.err" 3>&- &
	local rp=$!
	local i
	retry 100 0.05 test -S "$sock"
	run ob exec -t --console-socket "$sock" "$ID" sh -c 'tty; test -t 0 && echo stdin-is-tty; exit 4'
	assert_failure 4
	wait "$rp"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_line --regexp '^/dev/pts/[0-9]+'
	assert_line --partial stdin-is-tty
	run cat "$BATS_TEST_TMPDIR/tty.err"
	assert_output --regexp '^name: /dev/pts/[0-9]+$'
	# the podman form: --process (terminal true) --tty --console-socket --detach --pid-file
	"$TOOLS/recvtty" "$sock" >"$BATS_TEST_TMPDIR/tty2.out" 2>/dev/null 3>&- &
	rp=$!
	retry 100 0.05 test -S "$sock"
	echo '{"terminal": true, "args": ["sh", "-c", "tty; echo detached-on-tty"], "cwd": "/",
	       "user": {"uid": 0, "gid": 0}, "env": ["PATH=/bin"]}' >"$BATS_TEST_TMPDIR/p.json"
	run ob exec --process "$BATS_TEST_TMPDIR/p.json" --tty --console-socket "$sock" --detach \
		--pid-file "$BATS_TEST_TMPDIR/tty.pid" "$ID"
	assert_success
	[ "$(cat "$BATS_TEST_TMPDIR/tty.pid")" -gt 0 ]
	wait "$rp"
	run cat "$BATS_TEST_TMPDIR/tty2.out"
	assert_line --regexp '^/dev/pts/[0-9]+'
	assert_line --partial detached-on-tty
	# the container's /dev/console is untouched by an exec
	run ob exec "$ID" sh -c 'grep -c " /dev/console " /proc/self/mountinfo'
	refute_output 2
	# --tty --detach without a socket is refused
	run ob exec -t -d "$ID" true
	assert_failure 2
	assert_output --partial "--console-socket"
}

@test "oci-exec: --detach returns once the process runs and writes --pid-file" {
	start_container
	local pf="$BATS_TEST_TMPDIR/exec.pid"
	# (the detached process keeps the stdio it was given, as with runc: not run's pipe)
	ob exec -d --pid-file "$pf" "$ID" sleep 4242 </dev/null >/dev/null 2>&1 3>&-
	local pid
	pid=$(cat "$pf")
	[ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 4242 " ]
	[ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$INIT/ns/pid)" ]
	[ "$(readlink /proc/$pid/ns/mnt)" = "$(readlink /proc/$INIT/ns/mnt)" ]
	# written whole (no newline, as runc) and no temp file left beside it
	run cat "$pf"
	assert_output "$pid"
	run ls "$BATS_TEST_TMPDIR"
	refute_output --partial "exec.pid."
	run procs
	assert_output "cat sleep sleep "
	kill "$pid"
	# the podman form: --process --detach --pid-file
	echo '{"args": ["sleep", "4343"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' >"$BATS_TEST_TMPDIR/p.json"
	ob exec --process "$BATS_TEST_TMPDIR/p.json" --detach --pid-file "$pf" "$ID" </dev/null >/dev/null 2>&1 3>&-
	pid=$(cat "$pf")
	[ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 4343 " ]
	kill "$pid"
	# a detached command that is not found fails in the foreground, no pid file
	rm -f "$pf"
	run -127 ob exec -d --pid-file "$pf" "$ID" nope
	[ ! -e "$pf" ]
}

@test "oci-exec: the process is counted in the container's cgroup" {
	start_container
	[ "$(cat /proc/$INIT/cgroup)" != "$(cat /proc/self/cgroup)" ]
	local pf="$BATS_TEST_TMPDIR/cg.pid"
	ob exec -d --pid-file "$pf" "$ID" sleep 4646 </dev/null >/dev/null 2>&1 3>&-
	local pid
	pid=$(cat "$pf")
	defer "kill -9 $pid"
	# every hierarchy: the init's cgroup, seen from here
	assert_equal "$(cat /proc/$pid/cgroup)" "$(cat /proc/$INIT/cgroup)"
	local line path
	while IFS=: read -r _ ctrl path; do
		[ "$ctrl" = pids ] || continue
		run grep -x "$pid" "/sys/fs/cgroup/pids$path/cgroup.procs"
		assert_success
	done </proc/$INIT/cgroup
	kill "$pid"
}

@test "oci-exec: a signal to oci-exec reaches the process" {
	start_container
	local out="$BATS_TEST_TMPDIR/out"
	"$OCIBOX" --root "$OB_ROOT" exec "$ID" sh -c 'trap "echo got-TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done' \
		>"$out" 2>&1 3>&- &
	local ep=$!
	local i
	retry 200 0.05 grep -q ready "$out"
	kill -TERM "$ep"
	local st=0
	wait "$ep" || st=$?
	assert_equal "$st" 7
	assert_equal "$(cat "$out")" "ready
got-TERM"
	run procs
	assert_output "cat sleep "
}

@test "oci-exec: refused on a stopped container, an unknown id; usage errors" {
	start_container
	ob kill "$ID" KILL
	wait_for_status "$ID" stopped
	run ob exec "$ID" true
	assert_failure 1
	assert_output "oci-exec: cannot exec in a stopped container"
	run ob exec nosuch-ob true
	assert_failure 1
	assert_output "oci-exec: container \`nosuch-ob\` does not exist"
	run ob exec
	assert_failure 2
	run ob exec "$ID"
	assert_failure 2
	assert_line --index 0 --partial "COMMAND"
	run ob exec --bogus "$ID" true
	assert_failure 2
}

@test "oci-exec: a created (not started) container takes an exec too" {
	make_bundle
	update_config '.process.args = ["sleep", "100000"]'
	ID=$(uniq_name c)
	ob create --bundle "$BUNDLE" "$ID"
	INIT=$(ob state "$ID" | jq -r .pid)
	run ob exec "$ID" sh -c "$SHOW_NS"
	assert_success
	assert_output "$(ns_of $INIT)"
	run ob state "$ID"
	assert_output --partial '"status": "created"'
}

@test "oci-exec: a container with its own user namespace: joined, the ids mapped" {
	requires userns
	# the mapped root must be able to walk down to the rootfs
	local d=$BATS_TEST_TMPDIR
	while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	start_container '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run ob exec "$ID" sh -c "$SHOW_NS"
	assert_success
	assert_output "$(ns_of $INIT)"
	run ob exec "$ID" sh -c 'id -u; cat /proc/self/uid_map | tr -s " "'
	assert_output "0
 0 100000 65536"
	local pf="$BATS_TEST_TMPDIR/u.pid"
	ob exec -d --pid-file "$pf" -u 1000:1000 "$ID" sleep 4545 </dev/null >/dev/null 2>&1 3>&-
	local pid
	pid=$(cat "$pf")
	run awk '/^Uid|^Gid/ {print $2}' /proc/$pid/status
	assert_output "101000
101000"
	kill "$pid"
}

@test "oci-exec: a paused container refuses unless --ignore-paused" {
	start_container
	ob pause "$ID"
	defer "$OCIBOX --root $OB_ROOT resume $ID"
	run ob exec "$ID" true
	assert_failure 1
	assert_output "oci-exec: cannot exec in a paused container (use --ignore-paused to override)"
	# --ignore-paused: the process joins the frozen cgroup and runs once it thaws
	local out="$BATS_TEST_TMPDIR/out"
	"$OCIBOX" --root "$OB_ROOT" exec --ignore-paused "$ID" sh -c 'echo ran' >"$out" 2>&1 3>&- &
	local ep=$!
	retry_until 100 0.05 '[ "$(wc -l <"$(cgroup_procs_file)")" -ge 2 ]'
	[ ! -s "$out" ]   # frozen: nothing ran yet
	ob resume "$ID"
	local st=0
	wait "$ep" || st=$?
	assert_equal "$st" 0
	assert_equal "$(cat "$out")" ran
}

# cgroup_procs_file: the container's cgroup.procs in the pids (or freezer) hierarchy.
cgroup_procs_file() {
	local ctrl path
	while IFS=: read -r _ ctrl path; do
		case ",$ctrl," in *,freezer,*) echo "/sys/fs/cgroup/freezer$path/cgroup.procs"; return ;; esac
	done </proc/$INIT/cgroup
	echo "/sys/fs/cgroup/unified$(awk -F: '$1 == 0 {print $3}' /proc/$INIT/cgroup)/cgroup.procs"
}

@test "nsenter --container ID enters all of the container init's namespaces" {
	start_container
	run "$OCIBOX" --root "$OB_ROOT" nsenter --container "$ID" sh -c "$SHOW_NS"
	assert_success
	assert_output "$(ns_of $INIT)"
	run "$OCIBOX" --root "$OB_ROOT" nsenter --container "$ID" -r -w cat /proc/1/cmdline
	assert_output --partial sleep
	run "$OCIBOX" --root "$OB_ROOT" nsenter --container nosuch-ob true
	assert_failure 1
	assert_output "nsenter: container \`nosuch-ob\` does not exist"
	run "$OCIBOX" --root "$OB_ROOT" nsenter --container "$ID" -t 1 true
	assert_failure 2
	ob kill "$ID" KILL
	wait_for_status "$ID" stopped
	run "$OCIBOX" --root "$OB_ROOT" nsenter --container "$ID" true
	assert_failure 1
	assert_output "nsenter: container \`$ID\` is not running"
}
