#!/usr/bin/env bats
# User namespaces run as root: the id maps written by the parent, the view from inside and
# from the host, bad maps refused with nothing left.

load helpers

# userns_bundle: a bundle with a new user namespace, container 0-65535 -> host 100000-165535.
# The bundle lives outside the bats tree (0700, root's): the mapped ids must reach it.
userns_bundle() {
	local dir
	dir=$(mktemp -d /tmp/ocibox-userns.XXXXXX)
	defer "rm -rf $dir"
	chmod 755 "$dir"
	make_bundle "$dir/bundle"
	update_config '.root.readonly = false'
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "userns: the maps are written, the process is root inside and 100000 outside" {
	requires root userns
	userns_bundle
	update_config '.process.args = ["/bin/sh", "-c",
		"awk \"{print \\$1, \\$2, \\$3}\" /proc/self/uid_map /proc/self/gid_map; id -u; id -g; touch /tmp/made"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output $'0 100000 65536\n0 100000 65536\n0\n0'
	# What the container created belongs to the mapped ids on the host.
	run stat -c '%u:%g' "$BUNDLE/rootfs/tmp/made"
	assert_output "100000:100000"
	# The user namespace is a new one.
	update_config '.process.args = ["/bin/readlink", "/proc/self/ns/user"]'
	run ob run -b "$BUNDLE" "$(uniq_name)b"
	assert_success
	[ "$output" != "$(readlink /proc/self/ns/user)" ]
}

@test "userns: several ranges, and a process user that is not root" {
	requires root userns
	userns_bundle
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
					  {"containerID": 1000, "hostID": 201000, "size": 1000}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 2000}]
		| .process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["/bin/sh", "-c", "wc -l < /proc/self/uid_map; id -u; touch /tmp/u"]'
	run ob run -b "$BUNDLE" "$(uniq_name)"
	assert_success
	assert_output $'2\n1000'
	run stat -c '%u:%g' "$BUNDLE/rootfs/tmp/u"
	assert_output "201000:101000"
}

@test "userns: the init is not dumpable before exec (its /proc files stay host root's)" {
	requires root userns
	userns_bundle
	update_config '.process.args = ["/bin/sleep", "100"]'
	local id pid
	id=$(uniq_name)
	ob create -b "$BUNDLE" "$id"
	pid=$(ob state "$id" | jq .pid)
	# proc(5): the files of a non-dumpable process belong to root; once the user process
	# runs (execve makes it dumpable) they belong to its uid, 100000 on the host.
	run stat -c %u "/proc/$pid/status"
	assert_output "0"
	ob start "$id"
	run stat -c %u "/proc/$pid/status"
	assert_output "100000"
}

@test "userns: overlapping or empty maps are refused at create, nothing left" {
	requires root userns
	userns_bundle
	local id
	id=$(uniq_name)
	update_config '.linux.uidMappings += [{"containerID": 1000, "hostID": 300000, "size": 10}]'
	create_status "$id"
	assert_failure 1
	assert_output --partial "linux.uidMappings[1]: containerID range 1000-1009 overlaps linux.uidMappings[0]"
	[ ! -e "$OB_ROOT/$id" ]

	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 10},
					  {"containerID": 10, "hostID": 100005, "size": 10}]'
	create_status "$id"
	assert_failure 1
	assert_output --partial "linux.uidMappings[1]: hostID range 100005-100014 overlaps linux.uidMappings[0]"
	[ ! -e "$OB_ROOT/$id" ]
	run pgrep -f "ocibox.*$id"
	assert_failure
}
