#!/usr/bin/env bats
# oci-create: what the container gets from config.json, and the failures that leave nothing.

load helpers
load container-helpers
bats_require_minimum_version 1.5.0

setup() { container_setup; }

@test "create: prints nothing, the init waits in state created, pid-file holds its pid" {
	run obq create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" c1
	assert_success
	assert_output ""
	run ob state c1
	assert_success
	[ "$(jq -r .status <<<"$output")" = created ]
	pid=$(jq -r .pid <<<"$output")
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$pid" ]
	kill -0 "$pid"
	[ -p "$OB_ROOT/c1/exec.fifo" ]
	[ "$(stat -c %a "$OB_ROOT/c1")" = 700 ]
	[ "$(jq -r .rootfs <<<"$output")" = "$BUNDLE/rootfs" ]
	# not dumpable until exec (CVE-2019-5736): see the dumpable test below
	[ "$(cut -d' ' -f3 /proc/$pid/stat)" = S ]
}

@test "create: the init waiting on exec.fifo is not dumpable (CVE-2019-5736)" {
	requires tool setpriv
	# as user 1000 (process.user is applied before it waits): a dumpable process's /proc
	# files belong to its user, who may read its environ; a non-dumpable one's to root:root
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	obq create -b "$BUNDLE" dp
	pid=$(ob state dp | jq -r .pid)
	grep -E "^Uid:\s+1000\s" /proc/$pid/status
	[ "$(stat -c %u:%g /proc/$pid/environ /proc/$pid/status)" = "0:0
0:0" ]
	run ! setpriv --reuid 1000 --regid 1000 --clear-groups cat /proc/$pid/environ
	assert_output --partial "Permission denied"
	# the control: another process of user 1000, dumpable, is readable by it
	setpriv --reuid 1000 --regid 1000 --clear-groups sleep 100 &
	spid=$!
	defer "kill $spid"
	retry_until 50 0.05 '[ "$(stat -c %u /proc/$spid/status)" = 1000 ]'
	[ "$(stat -c %u:%g /proc/$spid/environ)" = 1000:1000 ]
	setpriv --reuid 1000 --regid 1000 --clear-groups cat /proc/$spid/environ >/dev/null
}

@test "create: -b and a relative bundle, the runc alias and the symlink" {
	cd "$BATS_TEST_TMPDIR"
	run obq create -b bundle c2
	assert_success
	[ "$(ob state c2 | jq -r .bundle)" = "$BUNDLE" ]
	run obq create -b "$BUNDLE" c2
	assert_failure 1
	assert_output "oci-create: container \`c2\` already exists"
	oci-create --root "$OB_ROOT" -b bundle c2b </dev/null >/dev/null 2>&1
	[ "$(ob state c2b | jq -r .status)" = created ]
}

@test "create: invalid ids are refused" {
	for id in . .. 'a/b' 'a b' ''; do
		run obq create -b "$BUNDLE" "$id"
		assert_failure
	done
	run obq create -b "$BUNDLE" 'a/b'
	assert_output "oci-create: invalid container id \`a/b\`"
	# the names of creates in progress (ROOT/.new-*), which the next create sweeps
	run obq create -b "$BUNDLE" .new-web
	assert_failure 1
	assert_output "oci-create: invalid container id \`.new-web\`: it starts with \`.\`"
	[ ! -e "$OB_ROOT/.new-web" ]
	run obq create -b "$BUNDLE" 'ok_-+.1'
	assert_success
}

@test "create: a missing rootfs fails clearly and leaves nothing" {
	update_config '.root.path = "nope"'
	run obq create -b "$BUNDLE" c3
	assert_failure 1
	assert_output "oci-create: rootfs \`$BUNDLE/nope\`: No such file or directory"
	assert_nothing_left c3
}

@test "create: a bad mount names the mount and leaves nothing" {
	update_config '.mounts += [{"destination": "/x", "type": "nosuchfs", "source": "none"}]'
	run obq create -b "$BUNDLE" c4
	assert_failure 1
	assert_output 'oci-create: mount `none` on `/x`: No such device'
	assert_nothing_left c4
}

@test "create: an unknown namespace is refused before anything is made" {
	update_config '.linux.namespaces += [{"type": "nett"}]'
	run obq create -b "$BUNDLE" c5
	assert_failure 1
	assert_output --partial 'linux.namespaces[6].type'
	assert_output --partial 'nett'
	assert_nothing_left c5
}

@test "create: a namespace path that is not a namespace fails and leaves nothing" {
	update_config ".linux.namespaces |= map(if .type == \"network\" then .path = \"$BUNDLE/config.json\" else . end)"
	run obq create -b "$BUNDLE" c6
	assert_failure 1
	assert_output --partial "not a namespace"
	assert_nothing_left c6
}

@test "create: args[0] not found exits 127, not executable exits 126, nothing left" {
	update_config '.process.args = ["/nonexistent"]'
	run -127 obq create -b "$BUNDLE" c7
	assert_failure 127
	assert_output "oci-create: exec \`/nonexistent\`: no such file or directory"
	assert_nothing_left c7
	update_config '.process.args = ["nosuchcmd"]'
	run -127 obq create -b "$BUNDLE" c7
	assert_failure 127
	assert_output --partial 'exec `nosuchcmd`: executable file not found in $PATH'
	assert_nothing_left c7
	update_config '.process.args = ["/etc/passwd"]'
	run -126 obq create -b "$BUNDLE" c7
	assert_failure 126
	assert_output "oci-create: exec \`/etc/passwd\`: permission denied"
	assert_nothing_left c7
}

@test "create: a missing or unusable process.cwd is a setup failure (1, as runc), not 127/126; nothing left" {
	update_config '.process.cwd = "/nonexistent"'
	run -1 obq create -b "$BUNDLE" c7
	assert_output "oci-create: chdir to cwd \`/nonexistent\`: No such file or directory"
	assert_nothing_left c7
	update_config '.process.cwd = "/etc/passwd"'
	run -1 obq create -b "$BUNDLE" c7
	assert_output "oci-create: chdir to cwd \`/etc/passwd\`: Not a directory"
	assert_nothing_left c7
	# (a directory only root may enter is entered before the switch to process.user, as
	# runc: test/parity.bats item 10)
}

@test "create: a terminal process without --console-socket is refused" {
	update_config '.process.terminal = true'
	run obq create -b "$BUNDLE" c8
	assert_failure 1
	assert_output --partial "console-socket"
	assert_nothing_left c8
}

@test "create: --console-socket receives the pty master; consoleSize; /dev/console" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 101}'
	set_cmd 'tty; stty size; ls -l /dev/console | cut -c1'
	sock="$BATS_TEST_TMPDIR/tty.sock"
	"$TOOLS/recvtty" "$sock" >"$BATS_TEST_TMPDIR/tty.out" 2>"$BATS_TEST_TMPDIR/tty.err" &
	rpid=$!
	retry 50 0.05 test -S "$sock"
	run obq create -b "$BUNDLE" --console-socket "$sock" c9
	assert_success
	ob start c9
	wait "$rpid"
	grep -q '^name: /dev/pts/0' "$BATS_TEST_TMPDIR/tty.err"
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out"
	assert_line --index 0 /dev/pts/0
	assert_line --index 1 "33 101"
	assert_line --index 2 c
}

@test "create: the pty slave belongs to process.user; the host's stdio is not chowned" {
	update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'stat -c "%u" $(tty); stat -Lc "%u" /proc/self/fd/0; echo hi > $(tty) && echo usable'
	sock="$BATS_TEST_TMPDIR/tty.sock"
	"$TOOLS/recvtty" "$sock" >"$BATS_TEST_TMPDIR/tty.out" 2>"$BATS_TEST_TMPDIR/tty.err" &
	rpid=$!
	retry 50 0.05 test -S "$sock"
	before=$(stat -c '%u:%g %a' /dev/null)
	run obq create -b "$BUNDLE" --console-socket "$sock" pty1
	assert_success
	ob start pty1
	wait "$rpid"
	run tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out"
	assert_line --index 0 1000
	assert_line --index 1 1000
	assert_line usable
	[ "$(stat -c '%u:%g %a' /dev/null)" = "$before" ]
}

@test "create: --preserve-fds passes fd 3 on; without it no fd past stdio is open" {
	echo secret >"$BATS_TEST_TMPDIR/f"
	update_config '.process.args = ["/bin/ls", "-l", "/proc/self/fd"]'
	run ob run -b "$BUNDLE" --preserve-fds 1 p1 3<"$BATS_TEST_TMPDIR/f"
	assert_success
	assert_output --regexp " 3 -> $BATS_TEST_TMPDIR/f"
	run ob run -b "$BUNDLE" p2 3<"$BATS_TEST_TMPDIR/f" 4<"$BATS_TEST_TMPDIR/f"
	assert_success
	refute_output --partial "$BATS_TEST_TMPDIR/f"
	refute_output --partial "$BUNDLE"
}

@test "create: --preserve-fds N with only stdio open: no fd of ocibox reaches the container" {
	# ls of the shell's (pid 1) fd table, not its own
	set_cmd 'ls /proc/1/fd; true'
	# (bats keeps fds 3 and 4 open: close them)
	run ob run -b "$BUNDLE" --preserve-fds 2 pf1 </dev/null 3>&- 4>&-
	assert_success
	assert_output "0
1
2"
	# only the one fd really passed (4) of 3..5 is open inside
	run ob run -b "$BUNDLE" --preserve-fds 3 pf2 </dev/null 3>&- 4<"$BUNDLE/config.json" 5>&-
	assert_success
	assert_output "0
1
2
4"
	assert_nothing_left pf2
}

@test "create: LISTEN_FDS is passed through (fds and LISTEN_PID=1) when LISTEN_PID is ours" {
	echo secret >"$BATS_TEST_TMPDIR/f"
	set_cmd 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3'
	LISTEN_FDS=1 run sh -c 'LISTEN_PID=$$ exec "$0" --root "$OB_ROOT" run -b "$1" lf' "$OCIBOX" "$BUNDLE" 3<"$BATS_TEST_TMPDIR/f"
	assert_success
	assert_output "1 1
secret"
	# LISTEN_FDS=3 with no fd really passed: it runs, and nothing past stdio is open
	set_cmd 'echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/1/fd; true'
	LISTEN_FDS=3 run sh -c 'LISTEN_PID=$$ exec "$0" --root "$OB_ROOT" run -b "$1" lf2 </dev/null' "$OCIBOX" "$BUNDLE" 3>&- 4>&- 5>&-
	assert_success
	assert_output "3 1
0
1
2"
	# not for us (sd_listen_fds: LISTEN_PID must be our pid): ignored, fd 3 not passed
	set_cmd 'echo "[$LISTEN_FDS]"; ls /proc/1/fd; true'
	LISTEN_FDS=1 LISTEN_PID=1 run ob run -b "$BUNDLE" lf3 3<"$BATS_TEST_TMPDIR/f" </dev/null
	assert_success
	assert_output "[]
0
1
2"
}

@test "create: --no-pivot (MS_MOVE + chroot) and --no-new-keyring still give a working container" {
	set_cmd 'ls /bin/busybox; test -e /proc/self/status && echo proc'
	run ob run -b "$BUNDLE" --no-pivot --no-new-keyring np
	assert_success
	assert_output "/bin/busybox
proc"
	assert_nothing_left np
}

@test "create: every namespace is new; joined ones are the host's" {
	update_config '.linux.namespaces += [{"type": "time"}]'
	set_cmd 'for n in pid net ipc uts mnt cgroup time; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	run ob run -b "$BUNDLE" n1
	assert_success
	for n in pid net ipc uts mnt cgroup time; do
		inside=$(awk -v n="$n" '$1 == n {print $2}' <<<"$output")
		[ -n "$inside" ]
		[ "$inside" != "$(host_ns $n)" ] || { echo "$n is the host's"; false; }
	done
	unshare --net --ipc sleep 100 &
	tpid=$!
	defer "kill $tpid"
	retry_until 50 0.05 '[ "$(readlink /proc/$tpid/ns/ipc)" != "$(host_ns ipc)" ]'
	update_config ".linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$tpid/ns/net\" elif .type == \"ipc\" then .path = \"/proc/$tpid/ns/ipc\" else . end)"
	run ob run -b "$BUNDLE" n2
	assert_success
	[ "$(awk '$1 == "net" {print $2}' <<<"$output")" = "$(readlink /proc/$tpid/ns/net)" ]
	[ "$(awk '$1 == "ipc" {print $2}' <<<"$output")" = "$(readlink /proc/$tpid/ns/ipc)" ]
	[ "$(awk '$1 == "uts" {print $2}' <<<"$output")" != "$(host_ns uts)" ]
	# we went back to our own namespaces after the clone
	[ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/$$/ns/net)" ]
}

@test "create: a new time namespace gets linux.timeOffsets" {
	update_config '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 5}, "boottime": {"secs": 172800}}'
	set_cmd 'cat /proc/self/timens_offsets'
	run ob run -b "$BUNDLE" tn
	assert_success
	assert_line --regexp '^monotonic +86400 +5$'
	assert_line --regexp '^boottime +172800 +0$'
	# and we are back in our own
	[ "$(readlink /proc/self/ns/time_for_children)" = "$(host_ns time)" ]
}

@test "create: recursive mount attributes (rro) reach submounts; host stdio is never chowned" {
	mkdir -p "$BATS_TEST_TMPDIR/top/sub"
	mount -t tmpfs sub "$BATS_TEST_TMPDIR/top/sub"
	defer "umount $BATS_TEST_TMPDIR/top/sub"
	update_config ".mounts += [{\"destination\": \"/top\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/top\", \"options\": [\"rbind\", \"rro\"]}] | .process.user = {\"uid\": 1000, \"gid\": 1000}"
	set_cmd 'touch /top/sub/x 2>&1; grep " /top/sub " /proc/self/mountinfo | cut -d" " -f6'
	before=$(stat -c '%u:%g %a' /dev/null)
	run ob run -b "$BUNDLE" rro </dev/null
	assert_line --index 0 --partial "Read-only file system"
	assert_line --index 1 --regexp '^ro'
	[ "$(stat -c '%u:%g %a' /dev/null)" = "$before" ]
}

@test "create: a new network namespace has lo up" {
	set_cmd 'cat /sys/class/net/lo/operstate; cat /sys/class/net/lo/flags'
	run ob run -b "$BUNDLE" lo1
	assert_success
	[ $(( $(sed -n 2p <<<"$output") & 1 )) -eq 1 ]
}

@test "create: a user namespace with id maps" {
	requires userns
	open_bundle_path
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_cmd 'cat /proc/self/uid_map /proc/self/gid_map; id -u; ls -l /dev/null | cut -c1'
	run ob run -b "$BUNDLE" u1
	assert_success
	assert_line --index 0 --regexp '^ +0 +100000 +65536$'
	assert_line --index 1 --regexp '^ +0 +100000 +65536$'
	assert_line --index 2 0
	assert_line --index 3 c
}

@test "create: a user namespace joined by path, with new pid and mount namespaces in it" {
	requires userns
	open_bundle_path
	unshare -U sleep 100 &
	upid=$!
	defer "kill $upid"
	retry_until 50 0.05 '[ "$(readlink /proc/$upid/ns/user)" != "$(host_ns user)" ]'
	echo "0 200000 65536" >/proc/$upid/uid_map
	echo "0 200000 65536" >/proc/$upid/gid_map
	update_config ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$upid/ns/user\"}]"
	set_cmd 'readlink /proc/self/ns/user; echo "pid $$"; cat /proc/self/uid_map; id -u'
	run ob run -b "$BUNDLE" uj
	assert_success
	assert_line --index 0 "$(readlink /proc/$upid/ns/user)"
	assert_line --index 1 "pid 1"
	assert_line --index 2 --regexp '^ +0 +200000 +65536$'
	assert_line --index 3 0
	assert_nothing_left uj
}

@test "create: idmapped bind mounts (the container's mappings, or the mount's own)" {
	requires userns
	open_bundle_path
	mkdir -p "$BATS_TEST_TMPDIR/shared"
	chmod 755 "$BATS_TEST_TMPDIR/shared"
	touch "$BATS_TEST_TMPDIR/shared/f"
	mkdir -p "$BUNDLE/rootfs/plain" "$BUNDLE/rootfs/mapped" "$BUNDLE/rootfs/own"
	chown 0:0 "$BATS_TEST_TMPDIR/shared/f"
	update_config ".linux.namespaces += [{\"type\": \"user\"}] | .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}] | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		| .mounts += [{\"destination\": \"/plain\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/shared\", \"options\": [\"bind\"]},
			{\"destination\": \"/mapped\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/shared\", \"options\": [\"bind\", \"idmap\"]},
			{\"destination\": \"/own\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/shared\", \"options\": [\"bind\", \"idmap\"],
			 \"uidMappings\": [{\"containerID\": 0, \"hostID\": 101000, \"size\": 10}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 101000, \"size\": 10}]}]"
	set_cmd 'stat -c "%n %u" /plain/f /mapped/f /own/f'
	run ob run -b "$BUNDLE" idm
	assert_success
	# host root is not mapped: nobody; through the idmapped mount it is the container's root;
	# with the mount's own map (0 -> 101000) it is 101000 on the host = 1000 inside
	assert_line "/plain/f 65534"
	assert_line "/mapped/f 0"
	assert_line "/own/f 1000"
	assert_nothing_left idm
}

@test "create: mounts as the spec gives them, seen in mountinfo" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo hello >"$BATS_TEST_TMPDIR/src/file"
	update_config ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/src\", \"options\": [\"bind\", \"ro\", \"nosuid\"]},
		{\"destination\": \"/scratch/deep\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\", \"mode=700\", \"noexec\"]}]"
	set_cmd 'cat /data/file; grep -E " /(data|scratch/deep|proc|dev|dev/pts|sys) " /proc/self/mountinfo; stat -c %a /scratch/deep; touch /data/x 2>&1'
	run ob run -b "$BUNDLE" m1
	assert_line --index 0 hello
	assert_output --regexp ' /data ro,nosuid[^ ]* .*- ext4 '
	assert_output --regexp ' /scratch/deep rw,noexec[^ ]* .*- tmpfs tmpfs rw,size=1024k,mode=700'
	assert_output --regexp ' /proc rw[^ ]* .*- proc proc '
	assert_output --regexp ' /dev rw,nosuid .*- tmpfs tmpfs '
	assert_output --regexp ' /dev/pts .*- devpts devpts .*ptmxmode=666'
	assert_output --regexp ' /sys ro,nosuid,nodev,noexec.* - sysfs '
	assert_line 700
	assert_output --partial "Read-only file system"
	# created inside the rootfs, nothing mounted on the host
	[ -d "$BUNDLE/rootfs/scratch/deep" ]
	run ! grep -q "$BATS_TEST_TMPDIR/src" /proc/self/mountinfo
}

@test "create: a symlink in the rootfs cannot point a mount outside it (CVE-2021-30465)" {
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	ln -s "$BATS_TEST_TMPDIR/hostdir" "$BUNDLE/rootfs/evil"
	mkdir -p "$BUNDLE/rootfs$BATS_TEST_TMPDIR/hostdir"
	ln -s ../../../../../../../../../tmp "$BUNDLE/rootfs/evil2"
	update_config '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"}, {"destination": "/evil2/'"$(uniq_name x)"'", "type": "tmpfs", "source": "tmpfs"}]'
	set_cmd 'grep -E " /(evil|tmp)" /proc/self/mountinfo | cut -d" " -f5'
	run ob run -b "$BUNDLE" s1
	assert_success
	# the symlinks resolved inside the rootfs: $rootfs$hostdir/sub and $rootfs/tmp/x
	[ -d "$BUNDLE/rootfs$BATS_TEST_TMPDIR/hostdir/sub" ]
	[ -d "$BUNDLE/rootfs/tmp/$(uniq_name x)" ]
	[ ! -e "$BATS_TEST_TMPDIR/hostdir/sub" ]
	[ ! -e "/tmp/$(uniq_name x)" ]
}

@test "create: default devices, linux.devices, /dev links" {
	update_config '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 1000, "gid": 44}]'
	set_cmd 'for d in null zero full random urandom tty mynull; do stat -c "%n %F %t,%T %a %u %g" /dev/$d; done; for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done; echo x > /dev/null && echo written'
	run ob run -b "$BUNDLE" d1
	assert_success
	assert_line "/dev/null character special file 1,3 666 0 0"
	assert_line "/dev/zero character special file 1,5 666 0 0"
	assert_line "/dev/full character special file 1,7 666 0 0"
	assert_line "/dev/random character special file 1,8 666 0 0"
	assert_line "/dev/urandom character special file 1,9 666 0 0"
	assert_line "/dev/tty character special file 5,0 666 0 0"
	assert_line "/dev/mynull character special file 1,3 660 1000 44"
	assert_line pts/ptmx
	assert_line /proc/self/fd
	assert_line /proc/self/fd/0
	assert_line /proc/self/fd/2
	assert_line written
}

@test "create: maskedPaths and readonlyPaths" {
	update_config '.linux.maskedPaths += ["/etc/secret", "/etc/secretdir"] | .linux.readonlyPaths += ["/home"] | .root.readonly = false'
	echo top >"$BUNDLE/rootfs/etc/secret"
	mkdir -p "$BUNDLE/rootfs/etc/secretdir" && echo x >"$BUNDLE/rootfs/etc/secretdir/f"
	set_cmd 'grep -c " /proc/keys .* tmpfs " /proc/self/mountinfo; wc -c </etc/secret; ls /etc/secretdir | wc -l; touch /etc/secretdir/n 2>&1; echo 1 > /proc/sys/kernel/domainname 2>&1; touch /home/x 2>&1; touch /root/ok && echo rw-root'
	run ob run -b "$BUNDLE" k1
	assert_line --index 0 1
	assert_line --index 1 0
	assert_line --index 2 0
	assert_line --index 3 --partial "Read-only file system"
	assert_line --index 4 --partial "Read-only file system"
	assert_line --index 5 --partial "Read-only file system"
	assert_line --index 6 rw-root
	[ "$(cat "$BUNDLE/rootfs/etc/secret")" = top ]
}

@test "create: root.readonly" {
	set_cmd 'touch /x 2>&1; grep -E "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / " /proc/self/mountinfo | cut -d" " -f6'
	run ob run -b "$BUNDLE" r1
	assert_line --index 0 --partial "Read-only file system"
	assert_line --index 1 --regexp '^ro'
}

@test "create: user, groups and umask from the spec; names from the rootfs /etc/passwd" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [29, 44], "umask": 63} | .root.readonly = false'
	set_cmd 'id; umask; echo $HOME'
	run ob run -b "$BUNDLE" id1
	assert_success
	assert_line --index 0 "uid=1000(tester) gid=1000(tester) groups=29(audio),44(video)"
	assert_line --index 1 0077
	assert_line --index 2 /home
}

@test "create: capabilities (CapEff/CapBnd/CapPrm/CapAmb) and no_new_privs" {
	update_config '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"], "effective": ["CAP_KILL", "CAP_CHOWN"], "permitted": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"], "inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]} | .process.noNewPrivileges = true'
	set_cmd 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	run ob run -b "$BUNDLE" cap1
	assert_success
	num() { grep -E "#define CAP_$1[[:space:]]" /usr/include/linux/capability.h | awk '{print $3}'; }
	mask() { local m=0 c; for c in "$@"; do m=$(( m | (1 << $(num $c)) )); done; printf '%016x' $m; }
	assert_line "CapBnd:	$(mask KILL CHOWN NET_RAW)"
	# ambient caps are raised into the effective set of the exec'd program
	assert_line "CapEff:	$(mask KILL CHOWN NET_RAW)"
	assert_line "CapPrm:	$(mask KILL CHOWN NET_RAW)"
	assert_line "CapInh:	$(mask NET_RAW)"
	assert_line "CapAmb:	$(mask NET_RAW)"
	assert_line "NoNewPrivs:	1"
}

@test "create: rlimits, hostname, domainname, sysctl, cwd, env" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000}, {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88}]
		| .hostname = "boxhost" | .domainname = "boxdomain" | .linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "4242"}
		| .process.cwd = "/etc" | .process.env += ["FOO=bar baz"]'
	set_cmd 'ulimit -n; ulimit -Hn; ulimit -u; hostname; cat /proc/sys/kernel/domainname; cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax; pwd; echo "$FOO"'
	run ob run -b "$BUNDLE" rl1
	assert_success
	assert_output "512
1000
77
boxhost
boxdomain
1
4242
/etc
bar baz"
	[ "$(hostname)" != boxhost ]
}

@test "create: a failing createRuntime hook fails create and leaves nothing" {
	update_config '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}'
	run obq create -b "$BUNDLE" h1
	assert_failure 1
	assert_output "oci-create: createRuntime hook \`/bin/sh\`: exited with status 3"
	assert_nothing_left h1
}

@test "create: a hook's output is kept: hidden when it succeeds, in the error when it fails (runc)" {
	update_config '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo {\\\"json\\\": 1}; echo noise >&2"]}]}'
	run obq create -b "$BUNDLE" h4
	assert_success
	assert_output ""
	ob delete --force h4
	update_config '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo out; echo why it failed >&2; exit 4"]}]}'
	run obq create -b "$BUNDLE" h4
	assert_failure 1
	assert_output "oci-create: createRuntime hook \`/bin/sh\`: exited with status 4; its output: out
why it failed"
	assert_nothing_left h4
}

@test "create: a hook that times out is killed, create fails, nothing left" {
	local pidf=$BATS_TEST_TMPDIR/hook.pid
	update_config '.hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "echo $$ >'"$pidf"'; exec sleep 30"], "timeout": 1}]}'
	run obq create -b "$BUNDLE" h2
	assert_failure 1
	assert_output "oci-create: prestart hook \`/bin/sh\`: timed out after 1s"
	assert_nothing_left h2
	# that hook (not any `sleep 30` of the machine) is gone, or a zombie not reaped yet
	local pid
	pid=$(cat "$pidf")
	[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "create: a failing createContainer hook (in the container) fails create" {
	update_config '.hooks = {"createContainer": [{"path": "/bin/false"}]}'
	run obq create -b "$BUNDLE" h3
	assert_failure 1
	assert_output "oci-create: createContainer hook \`/bin/false\`: exited with status 1"
	assert_nothing_left h3
}

# in_uts ARGS...: ocibox in a throwaway uts namespace (a bug must not rename the host);
# prints its output, then the hostname and domainname that namespace has afterwards.
in_uts() {
	unshare -u sh -c 'hostname before-host; echo before-dom >/proc/sys/kernel/domainname
		"$@" </dev/null 2>&1; s=$?; echo "now $(hostname) $(cat /proc/sys/kernel/domainname)"; exit $s' sh "$OCIBOX" --root "$OB_ROOT" "$@"
}

@test "create: hostname or domainname without a private uts namespace are refused, nothing set" {
	update_config '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "evil"'
	run in_uts create -b "$BUNDLE" hn1
	assert_failure 1
	assert_output "oci-create: config.json: hostname \`evil\`: unable to set the hostname without a private uts namespace
now before-host before-dom"
	assert_nothing_left hn1
	update_config 'del(.hostname) | .domainname = "evildom"'
	run in_uts create -b "$BUNDLE" hn2
	assert_failure 1
	assert_output "oci-create: config.json: domainname \`evildom\`: unable to set the domainname without a private uts namespace
now before-host before-dom"
	assert_nothing_left hn2
	# a uts namespace joined by path that is the caller's own is not private either
	update_config '.linux.namespaces += [{"type": "uts", "path": "/proc/self/ns/uts"}] | .hostname = "evil"'
	run in_uts create -b "$BUNDLE" hn3
	assert_failure 1
	assert_output --partial "hostname \`evil\`: unable to set the hostname without a private uts namespace"
	assert_line "now before-host before-dom"
	assert_nothing_left hn3
}

@test "create: linux.sysctl only in namespaces of the container's own" {
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
	refuse() { # JQ_NAMESPACES SYSCTL_KEY MESSAGE_END
		cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
		update_config ".linux.namespaces |= $1 | .linux.sysctl = {\"$2\": \"1\"}"
		run obq create -b "$BUNDLE" sy
		assert_failure 1
		assert_output "oci-create: config.json: linux.sysctl: sysctl \`$2\` $3"
		assert_nothing_left sy
	}
	all='map(.)'
	refuse "$all" vm.overcommit_memory "is not in a separate kernel namespace"
	refuse "$all" kernel.pid_max "is not in a separate kernel namespace"
	noipc='map(select(.type != "ipc"))'
	for k in kernel.msgmax kernel.sem kernel.shmmax kernel.shm_rmid_forced fs.mqueue.msg_max; do
		refuse "$noipc" $k "needs a private ipc namespace (it would change the host's)"
	done
	refuse 'map(select(.type != "network"))' net.ipv4.ip_forward "needs a private network namespace (it would change the host's)"
	refuse 'map(if .type == "network" then .path = "/proc/self/ns/net" else . end)' net.ipv4.ip_forward "needs a private network namespace (it would change the host's)"
	jq 'del(.hostname)' "$BATS_TEST_TMPDIR/config.orig" >"$BATS_TEST_TMPDIR/config.nohost"
	mv "$BATS_TEST_TMPDIR/config.nohost" "$BATS_TEST_TMPDIR/config.orig"
	refuse 'map(select(.type != "uts"))' kernel.domainname "needs a private uts namespace (it would change the host's)"
	# in its own namespaces they are written there
	cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
	update_config '.hostname = "h" | .linux.sysctl = {"kernel.shm_rmid_forced": "1", "fs.mqueue.msg_max": "77", "kernel.domainname": "dom1", "net.ipv4.conf.all.forwarding": "1"}'
	set_cmd 'cat /proc/sys/kernel/shm_rmid_forced /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname /proc/sys/net/ipv4/conf/all/forwarding'
	run ob run -b "$BUNDLE" sy2
	assert_success
	assert_output "1
77
dom1
1"
}

@test "create: a hook that cannot be exec'd is one error line; a bad --pid-file names the pid file" {
	update_config '.hooks = {"createRuntime": [{"path": "/nonexist/hook"}]}'
	run obq create -b "$BUNDLE" he
	assert_failure 1
	assert_output "oci-create: createRuntime hook \`/nonexist/hook\`: exec: No such file or directory"
	assert_nothing_left he
	update_config 'del(.hooks)'
	run obq create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/nodir/pid" pf
	assert_failure 1
	assert_output "oci-create: --pid-file: write \`$BATS_TEST_TMPDIR/nodir/pid\`: No such file or directory"
	assert_nothing_left pf
}

@test "create: a new session keyring _ses.ID, none with --no-new-keyring" {
	# /proc/keys unmasked: the process sees the keyrings it possesses or may view
	update_config '.linux.maskedPaths -= ["/proc/keys"]'
	set_cmd 'grep -oE " keyring +_ses[^:]*" /proc/keys | sed "s/.* //"'
	run ob run -b "$BUNDLE" ky1
	assert_success
	assert_line "_ses.ky1"
	run ob run -b "$BUNDLE" --no-new-keyring ky2
	assert_success
	refute_output --partial "_ses.ky2" # (refute_line fails on an empty output)
	# and the host saw none made for ky2 either
	run ! grep -E " _ses\.ky2: " /proc/keys
}

@test "create: linux.memoryPolicy sets the NUMA policy the process runs with; bad nodes fail, nothing left" {
	[ -r /proc/self/numa_maps ] || skip "kernel without NUMA (no /proc/self/numa_maps)"
	set_cmd 'grep -m1 -o " bind[=a-z]*:[0-9,-]*" /proc/self/numa_maps'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	run ob run -b "$BUNDLE" mp1
	assert_success
	assert_output " bind=static:0"
	# without a policy the process has the default one
	update_config 'del(.linux.memoryPolicy)'
	run ob run -b "$BUNDLE" mp2
	assert_failure 1
	# a node this machine does not have
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1000"}'
	run obq create -b "$BUNDLE" mp3
	assert_failure 1
	assert_output "oci-create: linux.memoryPolicy: set_mempolicy MPOL_BIND nodes \`1000\`: Invalid argument"
	assert_nothing_left mp3
}

@test "create: linux.intelRdt is refused, not ignored; nothing left" {
	update_config '.linux.intelRdt = {"closID": "guaranteed_group"}'
	run obq create -b "$BUNDLE" rdt
	assert_failure 1
	assert_output "oci-create: config.json: linux.intelRdt: Intel RDT (resctrl) is not supported by ocibox"
	assert_nothing_left rdt
}

@test "create: process.execCPUAffinity: the process runs on the final cpus; a bad list fails" {
	set_cmd 'grep Cpus_allowed_list /proc/self/status'
	update_config '.process.execCPUAffinity = {"initial": "0-1", "final": "1"}'
	run ob run -b "$BUNDLE" aff1
	assert_success
	assert_output --regexp '^Cpus_allowed_list:[[:space:]]+1$'
	update_config '.process.execCPUAffinity = {"initial": "0"}'
	run ob run -b "$BUNDLE" aff2
	assert_success
	assert_output --regexp '^Cpus_allowed_list:[[:space:]]+0$'
	# cpu 4000 is past any cpu set the kernel takes
	update_config '.process.execCPUAffinity = {"final": "4000"}'
	run ob run -b "$BUNDLE" aff3
	assert_failure
	assert_output --partial "execCPUAffinity.final"
	assert_nothing_left aff3
}

@test "create: a namespace not listed is inherited (namespaces: []): mnt, pid, net... are the runtime's; the init is chrooted, nothing is mounted" {
	update_config '.linux.namespaces = [] | del(.hostname) | .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .root.readonly = false | .process.args = ["/bin/sleep", "100"]'
	local before after
	before=$(wc -l </proc/self/mountinfo)
	obq create -b "$BUNDLE" inh
	pid=$(ob state inh | jq -r .pid)
	local ns
	for ns in mnt pid net ipc uts cgroup user; do
		assert_equal "$(readlink /proc/$pid/ns/$ns)" "$(readlink /proc/self/ns/$ns)"
	done
	# its root is the bundle's rootfs (a chroot), and the runtime's mount table is as it was
	[ "$(readlink /proc/$pid/root)" = "$BUNDLE/rootfs" ]
	after=$(wc -l </proc/self/mountinfo)
	assert_equal "$after" "$before"
	run grep -F "$BUNDLE" /proc/self/mountinfo
	assert_failure
	ob start inh
	# oci-exec runs in the same chroot
	run ob exec inh /bin/cat /etc/passwd
	assert_success
	assert_line "tester:x:1000:1000:tester:/home:/bin/sh"
	ob delete --force inh
}

@test "create: without a mount namespace what needs mounts is refused with the reason, nothing left" {
	update_config '.linux.namespaces = [] | del(.hostname)'
	local why="needs a mount namespace (linux.namespaces has none: the runtime's is inherited and no mount is made in it)"
	run obq create -b "$BUNDLE" nomnt
	assert_failure 1
	assert_output "oci-create: config.json: linux.maskedPaths $why"
	[ ! -e "$OB_ROOT/nomnt" ]
	update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	run obq create -b "$BUNDLE" nomnt
	assert_failure 1
	assert_output "oci-create: config.json: root.readonly $why"
	update_config '.root.readonly = false | .linux.rootfsPropagation = "private"'
	run obq create -b "$BUNDLE" nomnt
	assert_failure 1
	assert_output "oci-create: config.json: linux.rootfsPropagation $why"
	[ ! -e "$OB_ROOT/nomnt" ]
}

@test "create: without process (config.md: REQUIRED only when start is called) the init waits; start fails with the reason" {
	update_config 'del(.process)'
	obq create -b "$BUNDLE" nop
	[ "$(ob state nop | jq -r .status)" = created ]
	run obq start nop
	assert_failure 1
	assert_output "oci-start: config.json has no process: nothing to start"
	wait_for_status nop stopped
	ob delete nop
	assert_nothing_left nop
}
