#!/usr/bin/env bats
# The multicall binary: dispatch by symlink, by applet name and by runc verb; global
# options in both spellings; --list, --help, --version; json log lines.

load helpers

listed_applets() {
	awk '!/^[[:space:]]*(#|$)/ {print $1}' "$TOP/applets.list"
}

@test "--list prints exactly the applets of applets.list, one a line" {
	run "$OCIBOX" --list
	assert_success
	assert_output "$(listed_applets)"
}

@test "every listed applet has a symlink in build/bin and answers --help with its usage" {
	for a in $(listed_applets); do
		[ "$(readlink "$(dirname "$OCIBOX")/bin/$a")" = ../ocibox ]
		run "$(dirname "$OCIBOX")/bin/$a" --help
		assert_success
		assert_line --index 0 --partial "Usage:"
		assert_output --partial "$a"
	done
}

@test "--help names each applet with its summary and runc alias" {
	run "$OCIBOX" --help
	assert_success
	while IFS= read -r line; do
		case "$line" in '#'* | '') continue ;; esac
		name=$(awk -F'\t+|  +' '{print $1}' <<<"$line")
		alias=$(awk -F'\t+|  +' '{print $2}' <<<"$line")
		summary=$(awk -F'\t+|  +' '{print $4}' <<<"$line")
		if [ "$alias" = - ]; then
			assert_line --regexp "^  $name +$(printf '%s' "$summary" | sed 's/[][().*+?^$|\\]/\\&/g')\$"
		else
			assert_line --regexp "^  $name \\[$alias\\] +$(printf '%s' "$summary" | sed 's/[][().*+?^$|\\]/\\&/g')\$"
		fi
	done <"$TOP/applets.list"
}

@test "--version prints runc's three-line layout" {
	run "$OCIBOX" --version
	assert_success
	assert_line --index 0 --regexp '^ocibox version [0-9]+\.[0-9]+\.[0-9]+$'
	assert_line --index 1 --regexp '^commit: [0-9a-f]{7,}|unknown$'
	assert_line --index 2 'spec: 1.3.0'
	[ "${#lines[@]}" -eq 3 ]
	run "$OCIBOX" version
	assert_success
	assert_line --index 2 'spec: 1.3.0'
}

@test "the same applet by symlink, by name and by runc verb gives the same output" {
	run "$(dirname "$OCIBOX")/bin/oci-spec" -o -
	assert_success
	by_link=$output
	echo "$by_link" | jq -e '.ociVersion == "1.3.0"'
	run "$OCIBOX" oci-spec -o -
	assert_success
	[ "$output" = "$by_link" ]
	run "$OCIBOX" spec -o -
	assert_success
	[ "$output" = "$by_link" ]
	# a symlink with another directory and name prefix still selects by basename
	ln -s "$OCIBOX" "$BATS_TEST_TMPDIR/oci-spec"
	run "$BATS_TEST_TMPDIR/oci-spec" -o -
	assert_success
	[ "$output" = "$by_link" ]
}

@test "an unknown applet: one line on stderr, exit 2" {
	run --separate-stderr "$OCIBOX" no-such-applet
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "ocibox: unknown applet or command \`no-such-applet\` (see 'ocibox --help')" ]
}

@test "an unknown global option: one line on stderr, exit 2" {
	run --separate-stderr "$OCIBOX" --no-such-option spec
	[ "$status" -eq 2 ]
	[ "$stderr" = "ocibox: unknown global option \`--no-such-option\` (see 'ocibox --help')" ]
}

@test "an unknown applet option: one line on stderr, exit 2" {
	run --separate-stderr "$OCIBOX" oci-spec --no-such-option
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == oci-spec:* ]]
}

@test "global options take both --opt value and --opt=value, before the applet" {
	mkdir -p "$BATS_TEST_TMPDIR/b1" "$BATS_TEST_TMPDIR/b2"
	echo '{' >"$BATS_TEST_TMPDIR/bad.json"
	run "$OCIBOX" --root "$BATS_TEST_TMPDIR/r1" --log "$BATS_TEST_TMPDIR/l1" --log-format json --debug \
		spec --validate "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 1
	run "$OCIBOX" --root="$BATS_TEST_TMPDIR/r2" --log="$BATS_TEST_TMPDIR/l2" --log-format=json \
		spec --validate "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 1
	# both spellings reached the log file with the same error
	[ "$(jq -r .msg "$BATS_TEST_TMPDIR/l1" | grep -c 'bad.json:')" -ge 1 ]
	[ "$(jq -r .msg "$BATS_TEST_TMPDIR/l2")" = "$(jq -r .msg "$BATS_TEST_TMPDIR/l1" | grep 'bad.json:' | tail -1)" ]
	# a missing value and a bad format are usage errors
	run "$OCIBOX" --root
	assert_failure 2
	assert_output "ocibox: option --root needs a value"
	run "$OCIBOX" --log-format=yaml spec
	assert_failure 2
	assert_output --partial "unknown format \`yaml\`"
	run "$OCIBOX" --cgroup-manager nope spec
	assert_failure 2
	run "$OCIBOX" --rootless=maybe spec
	assert_failure 2
}

@test "runc-style applets take global options after the symlink name too" {
	echo '[' >"$BATS_TEST_TMPDIR/bad.json"
	run "$(dirname "$OCIBOX")/bin/oci-spec" --log "$BATS_TEST_TMPDIR/log" --log-format=json --validate "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 1
	jq -e 'select(.level == "error") | .msg | test("bad.json:[0-9]+:[0-9]+")' "$BATS_TEST_TMPDIR/log"
}

@test "json log lines parse with jq and carry level, msg and time; errors still reach stderr" {
	echo '{"ociVersion": "1.0.0", "root": {"path": 3}}' >"$BATS_TEST_TMPDIR/c.json"
	run --separate-stderr "$OCIBOX" --log "$BATS_TEST_TMPDIR/log" --log-format json spec --validate "$BATS_TEST_TMPDIR/c.json"
	assert_failure 1
	[[ "$stderr" == *"root.path: expected string, got integer"* ]]
	run jq -r '[.level, .msg, (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"))] | @tsv' "$BATS_TEST_TMPDIR/log"
	assert_success
	assert_output "$(printf 'error\t%s\ttrue' "$BATS_TEST_TMPDIR/c.json: root.path: expected string, got integer")"
	# without --log, json lines go to stderr
	run --separate-stderr "$OCIBOX" --log-format json spec --validate "$BATS_TEST_TMPDIR/c.json"
	assert_failure 1
	echo "$stderr" | grep '^{' | jq -e '.level == "error"'
}

@test "a log file that cannot be opened is one clear error" {
	run "$OCIBOX" --log /nonexistent/dir/log spec -o -
	assert_failure 1
	assert_output "oci-spec: open log file \`/nonexistent/dir/log\`: No such file or directory"
}

@test "the build fails when applets.list and applets/ disagree" {
	cp -r "$TOP/Makefile" "$TOP/applets.list" "$TOP/applets" "$BATS_TEST_TMPDIR/"
	mkdir -p "$BATS_TEST_TMPDIR/core"
	printf 'oci-ghost  -  g  a ghost\n' >>"$BATS_TEST_TMPDIR/applets.list"
	run make -C "$BATS_TEST_TMPDIR" build/gen/applets.h
	assert_failure
	assert_output --partial "applets.list names oci-ghost but applets/oci-ghost.c is missing"
	cp "$TOP/applets.list" "$BATS_TEST_TMPDIR/applets.list"
	echo 'int x;' >"$BATS_TEST_TMPDIR/applets/oci-stray.c"
	run make -C "$BATS_TEST_TMPDIR" build/gen/applets.h
	assert_failure
	assert_output --partial "applets/oci-stray.c is not listed in applets.list"
}

@test "README's applet table names exactly the applets of applets.list" {
	run sh -c "awk '/^## /{in_applets = (\$0 == \"## Applets\")} in_applets' '$TOP/README.md' |
		grep -oE '^\| \`[a-z0-9-]+\` \|' | tr -d '|\` '"
	assert_success
	assert_output "$(listed_applets)"
}
