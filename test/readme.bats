#!/usr/bin/env bats
# Every ```sh block of README.md runs, in a scratch directory and a network namespace this
# test makes (an example's "host" addresses exist only there), with the built applets on
# PATH. An example that stops working fails here.

load helpers

# blocks: README.md's sh blocks, one file each: $BATS_TEST_TMPDIR/blocks/N.sh
blocks() {
	mkdir -p "$BATS_TEST_TMPDIR/blocks"
	awk -v d="$BATS_TEST_TMPDIR/blocks" '/^```sh$/ { n++; on = 1; next } /^```$/ { on = 0 }
		on { print > (d "/" n ".sh") }' "$TOP/README.md"
	ls "$BATS_TEST_TMPDIR/blocks"/*.sh | sort -V
}

# run_block FILE: the block under bash -e in a scratch dir inside a fresh netns (nsenter:
# `ip netns exec` would mount a /sys without the cgroup mounts), with
# build/ocibox and the build/bin applet links first on PATH (as installed). `make`
# is the tree's; `make check` there is the suite this test is part of, so it runs one
# small file (the target works; the whole suite is what runs this).
run_block() {
	local ns n=${1##*/}
	ns=$(uniq_name "rd${n%.sh}")
	ip netns add "$ns"
	defer "ip netns del $ns"
	mkdir -p "$BATS_TEST_TMPDIR/work"
	run nsenter --net="/run/netns/$ns" env -C "$BATS_TEST_TMPDIR/work" TOP="$TOP" PATH="$TOP/build:$PATH" bash -ec '
		make() {
			if [ "$1" = check ] && [ $# -eq 1 ]; then set -- check TESTS=test/ocibox.bats; fi
			command make -s --no-print-directory -C "$TOP" "$@"
		}
		export -f make
		. "$1"' _ "$1"
}

@test "README: every sh block runs (quick start, pipeline)" {
	requires root netns
	defer "$OCIBOX delete --force web1"
	n=0
	for b in $(blocks); do
		n=$((n + 1))
		echo "--- block $n: $(head -n 1 "$b")"
		run_block "$b"
		echo "$output"
		assert_success
		case "$(head -n 1 "$b")" in
		"make demo"*)
			assert_line "demo: the container exited with status 0; state left: 0"
			assert_line --regexp '^[0-9]+ passed, 0 failed, [0-9]+ skipped$'
			;;
		"mkdir -p web/rootfs"*)
			assert_line "hello from web1"
			refute_output --partial '"interfaces"' # the hook's JSON stays with ocibox
			run "$OCIBOX" state web1
			assert_failure
			;;
		*) fail "README block $n is not known to this test: add what it must show" ;;
		esac
	done
	[ "$n" -eq 2 ]
}
