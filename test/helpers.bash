# test/helpers.bash - loaded by every .bats file.
#
# Gives each test: $OCIBOX (the built binary), build/bin on PATH (the applet symlinks),
# a private state root $OB_ROOT (`ob VERB ...` runs ocibox with it), bundles made from
# Debian's busybox-static under $BATS_TEST_TMPDIR (make_bundle), update_config (jq),
# `requires root|cgroup1|cgroup2|netns|userns|tool NAME`, `retry` and `wait_for_status`
# (wait for a positive signal, never a bare sleep), and a teardown that removes the
# containers, cgroups, mounts, veths and netns the test registered with `defer`.

bats_require_minimum_version 1.5.0

bats_load_library bats-support 2>/dev/null || load /usr/lib/bats/bats-support/load
bats_load_library bats-assert 2>/dev/null || load /usr/lib/bats/bats-assert/load

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# make check SANITIZE=1 runs the suite against build/sanitize (OB_BUILD); tools stay in build/
OCIBOX="$TOP/${OB_BUILD:-build}/ocibox"
PATH="$TOP/${OB_BUILD:-build}/bin:$PATH"
FIXTURES="$TOP/test/fixtures"
TOOLS="$TOP/build/test"   # test/tools/*.c built by make check
BUSYBOX=${BUSYBOX:-/bin/busybox}
export OCIBOX PATH FIXTURES TOOLS

# ob ARGS... : ocibox with this test's private state root.
ob() {
	"$OCIBOX" --root "$OB_ROOT" "$@"
}

requires() {
	for need in "$@"; do
		case "$need" in
		root) [ "$(id -u)" -eq 0 ] || skip "needs root" ;;
		cgroup1) [ -n "$(cgroup_mount memory)" ] || skip "needs cgroup v1 controllers" ;;
		cgroup2) grep -q ' cgroup2 ' /proc/self/mountinfo || skip "needs a cgroup2 mount" ;;
		netns) ip netns list >/dev/null 2>&1 || skip "needs ip netns" ;;
		userns) [ -e /proc/self/ns/user ] && unshare -U true 2>/dev/null || skip "needs user namespaces" ;;
		hugetlb) [ -n "$(hugepage_sizes)" ] || skip "needs huge pages" ;;
		tool) ;; # "tool NAME": NAME is checked as a command by the next round
		*) command -v "$need" >/dev/null || skip "needs $need" ;;
		esac
	done
}

# hugepage_sizes: the huge page sizes this kernel has, named as hugetlb names them (2MB,
# 1GB), smallest first; read from /sys/kernel/mm/hugepages, never assumed.
hugepage_sizes() {
	local d kb
	for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[ -d "$d" ] || continue
		kb=${d##*/hugepages-}
		echo "${kb%kB}"
	done | sort -n | while read -r kb; do
		if [ $((kb % 1048576)) -eq 0 ]; then echo "$((kb / 1048576))GB"
		elif [ $((kb % 1024)) -eq 0 ]; then echo "$((kb / 1024))MB"
		else echo "${kb}KB"; fi
	done
}

# HP_SMALL, HP_BIG: the smallest and the largest huge page size (the same when the kernel
# has one); skips the test when it has none.
requires_hugepages() {
	local s
	s=($(hugepage_sizes))
	[ "${#s[@]}" -gt 0 ] || skip "the kernel has no huge pages (/sys/kernel/mm/hugepages)"
	HP_SMALL=${s[0]}
	HP_BIG=${s[${#s[@]} - 1]}
}

# defer CMD... : run CMD at teardown (last registered runs first). Failures are ignored.
defer() {
	printf '%s\n' "$*" >>"$BATS_TEST_TMPDIR/.deferred"
}

# make_rootfs DIR: a busybox-static root filesystem.
make_rootfs() {
	local r=$1
	mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,root,var,run,usr/bin,usr/sbin,home}
	cp "$BUSYBOX" "$r/bin/busybox"
	local a
	for a in $("$BUSYBOX" --list); do
		[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
	done
	cat >"$r/etc/passwd" <<-PW
	root:x:0:0:root:/root:/bin/sh
	daemon:x:1:1:daemon:/usr/sbin:/bin/false
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	tester:x:1000:1000:tester:/home:/bin/sh
	PW
	cat >"$r/etc/group" <<-GR
	root:x:0:
	daemon:x:1:
	audio:x:29:tester
	video:x:44:tester
	users:x:100:
	nogroup:x:65534:
	tester:x:1000:
	GR
	chmod 1777 "$r/tmp"
}

# make_bundle [DIR]: a bundle with a busybox rootfs and ocibox's default config.json;
# sets $BUNDLE. The process runs /bin/true unless the test changes it.
make_bundle() {
	BUNDLE=${1:-$BATS_TEST_TMPDIR/bundle}
	mkdir -p "$BUNDLE"
	make_rootfs "$BUNDLE/rootfs"
	"$OCIBOX" oci-spec -b "$BUNDLE"
	update_config '.process.terminal = false | .process.args = ["/bin/true"]'
}

# update_config JQ_FILTER [BUNDLE]: edit config.json in place.
update_config() {
	local b=${2:-$BUNDLE}
	jq "$1" "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# A unique short name for ids, veths, cgroups made by this test.
uniq_name() {
	echo "ob${1:-t}$$${BATS_TEST_NUMBER:-0}"
}

# make_fake_v2 [CONTROLLERS]: $FAKE, a fake cgroup v2 root: what a v2 host shows at
# /sys/fs/cgroup (the top files), for OCIBOX_CGROUP_ROOT (a back end of the test tools').
make_fake_v2() {
	FAKE="$BATS_TEST_TMPDIR/cgfs"
	mkdir -p "$FAKE"
	echo "${1:-cpuset cpu io memory hugetlb pids rdma misc}" >"$FAKE/cgroup.controllers"
	: >"$FAKE/cgroup.subtree_control"
	: >"$FAKE/cgroup.procs"
}

# cgroup_root DIR: this test's ocibox (`ob`, $OCIBOX) takes DIR as its cgroup root: the test
# build build/test/ocibox-cgroot (the product's objects plus test/tools/cgroot.c, which reads
# OCIBOX_CGROUP_ROOT; the product reads no environment for it). DIR: a cgroup mount (the
# unified one alone: v2 logic on a hybrid host) or a fake tree (make_fake_v2).
cgroup_root() {
	export OCIBOX_CGROUP_ROOT=$1
	OCIBOX="$TOOLS/ocibox-cgroot"
}

common_setup() {
	OB_ROOT="$BATS_TEST_TMPDIR/state"
	export OB_ROOT
	: >"$BATS_TEST_TMPDIR/.deferred"
}

common_teardown() {
	# Containers this test left: force-delete them.
	if [ -d "$OB_ROOT" ]; then
		local id
		for id in $(ls "$OB_ROOT" 2>/dev/null); do
			"$OCIBOX" --root "$OB_ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	if [ -s "$BATS_TEST_TMPDIR/.deferred" ]; then
		local cmd
		tac "$BATS_TEST_TMPDIR/.deferred" | while IFS= read -r cmd; do
			eval "$cmd" >/dev/null 2>&1 || true
		done
	fi
	# Mounts under this test's tmpdir (a failed test may leave one).
	local m
	for m in $(awk -v d="$BATS_TEST_TMPDIR" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}

# cgroup_mount CONTROLLER: where the cgroup v1 hierarchy holding CONTROLLER is mounted;
# cgroup_mount 2: the cgroup2 mount (mountinfo: fields after " - " are type, source,
# options). Nothing printed when there is none.
cgroup_mount() {
	awk -v want="$1" '{
		for (i = 7; $i != "-"; i++) ;
		if (want == 2 && $(i + 1) == "cgroup2") { print $5; exit }
		if (want != 2 && $(i + 1) == "cgroup") {
			n = split($(i + 3), o, ",")
			for (k = 1; k <= n; k++) if (o[k] == want) { print $5; exit }
		}
	}' /proc/self/mountinfo
}

# cgroup_v1_root: the folder the v1 hierarchies are mounted in (/sys/fs/cgroup).
cgroup_v1_root() {
	local m
	m=$(cgroup_mount memory)
	[ -z "$m" ] || dirname "$m"
}

# container_setup: the setup of a container test (root, a bundle running /bin/true).
container_setup() {
	common_setup
	requires root
	make_bundle
}

# retry N DELAY CMD...: run CMD until it succeeds, at most N times, DELAY seconds apart
# (runc's helpers.bash). Fails, saying so, when CMD never did.
retry() {
	local n=$1 delay=$2 i
	shift 2
	for ((i = 1; i <= n; i++)); do
		"$@" && return 0
		sleep "$delay"
	done
	echo "retry: \`$*\` failed $n times" >&2
	return 1
}

# retry_until N DELAY 'SHELL EXPRESSION': as retry, for a condition with command
# substitutions, which must be evaluated anew each time (retry's arguments are expanded
# once, by the caller): single-quote the expression (its $1, $2... are ours: expand them
# into it first).
retry_until() {
	# names of our own: the expression is evaluated here and sees the caller's variables
	local _ru_n=$1 _ru_delay=$2 _ru_i
	shift 2
	for ((_ru_i = 1; _ru_i <= _ru_n; _ru_i++)); do
		eval "$1" && return 0
		sleep "$_ru_delay"
	done
	echo "retry_until: \`$1\` failed $_ru_n times" >&2
	return 1
}

# status_is ID STATUS: oci-state shows STATUS.
status_is() {
	[ "$(ob state "$1" 2>/dev/null | jq -r .status)" = "$2" ]
}

# wait_for_status ID STATUS: oci-state shows STATUS within ~10s.
wait_for_status() {
	retry 100 0.1 status_is "$1" "$2" && return 0
	echo "container $1 never reached $2 (now: $(ob state "$1" 2>&1))"
	return 1
}

# create_status ID: oci-create with its output in a file, not a pipe: a created init keeps
# the runtime's stdio, which `run` would wait on. Sets $status and $output like `run`.
create_status() {
	status=0
	ob create -b "$BUNDLE" "$1" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/create.out")
	mapfile -t lines <<<"$output"
}

setup() { common_setup; }
teardown() { common_teardown; }
