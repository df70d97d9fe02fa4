#!/usr/bin/env bats
# veth-setup: pairs, addresses, routes, bridges, the hook form, the CNI form.
#
# Nothing is configured in the real host namespace: veth-setup runs inside a test-made
# namespace ($HNS, "the host") and puts the other end into a second one ($CNS).

load helpers
load container-helpers

setup() {
	common_setup
	requires root netns
	HNS=$(uniq_name h)
	CNS=$(uniq_name c)
	ip netns add "$HNS"
	defer "ip netns del $HNS"
	ip netns add "$CNS"
	defer "ip netns del $CNS"
	HIF=$(uniq_name v)
}

# in_host CMD...: run in the test's "host" namespace.
in_host() { ip netns exec "$HNS" "$@"; }
in_ctr() { ip netns exec "$CNS" "$@"; }

# links_in NS: the names of the links in a namespace, sorted, one line.
# in_netns_of_cns PID: PID's network namespace is $CNS.
in_netns_of_cns() { [ "$(readlink /proc/$1/ns/net)" = "$(ip netns exec "$CNS" readlink /proc/self/ns/net)" ]; }
links_in() { ip netns exec "$1" ip -j link show | jq -r '[.[].ifname] | sort | join(" ")'; }

@test "veth-setup add: pair, addresses, routes, MTU, MAC in both namespaces; ping; del leaves nothing" {
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --if eth0 \
		--addr 10.91.0.2/24 --addr fd00:91::2/64 --host-addr 10.91.0.1/24 --host-addr fd00:91::1/64 \
		--gateway 10.91.0.1 --route "10.92.0.0/16,via 10.91.0.1" --route fd00:93::/64 \
		--mtu 1400 --mac 02:aa:bb:cc:dd:01
	assert_success
	# The JSON names what was made.
	[ "$(jq -r .host.name <<<"$output")" = "$HIF" ]
	[ "$(jq -r .container.name <<<"$output")" = eth0 ]
	[ "$(jq -r .container.netns <<<"$output")" = "/run/netns/$CNS" ]
	[ "$(jq -r .container.mac <<<"$output")" = 02:aa:bb:cc:dd:01 ]

	# What the system shows, container side.
	run in_ctr ip -j addr show dev eth0
	assert_success
	[ "$(jq -r '.[0].mtu' <<<"$output")" = 1400 ]
	[ "$(jq -r '.[0].address' <<<"$output")" = 02:aa:bb:cc:dd:01 ]
	[ "$(jq -r '.[0].link_type' <<<"$output")" = ether ]
	jq -e '.[0].flags | index("UP")' <<<"$output"
	jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index("10.91.0.2/24") and index("fd00:91::2/64")' <<<"$output"
	run in_ctr ip -j link show lo
	jq -e '.[0].flags | index("UP")' <<<"$output"
	run in_ctr ip -j route show
	jq -e 'map(select(.dst == "default" and .gateway == "10.91.0.1" and .dev == "eth0")) | length == 1' <<<"$output"
	jq -e 'map(select(.dst == "10.92.0.0/16" and .gateway == "10.91.0.1")) | length == 1' <<<"$output"
	run in_ctr ip -j -6 route show
	jq -e 'map(select(.dst == "fd00:93::/64" and .dev == "eth0")) | length == 1' <<<"$output"

	# Host side: a veth whose peer is in the other namespace.
	run in_host ip -j -d addr show dev "$HIF"
	assert_success
	[ "$(jq -r '.[0].linkinfo.info_kind' <<<"$output")" = veth ]
	[ "$(jq -r '.[0].mtu' <<<"$output")" = 1400 ]
	jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index("10.91.0.1/24") and index("fd00:91::1/64")' <<<"$output"
	jq -e '.[0].flags | index("UP")' <<<"$output"
	[ "$(links_in "$HNS")" = "lo $HIF" ]

	# Traffic flows both ways, v4 and v6.
	in_host busybox ping -c 1 -W 1 10.91.0.2
	in_ctr busybox ping -c 1 -W 1 10.91.0.1
	in_host busybox ping -c 1 -W 1 fd00:91::2

	# show prints the same namespace as JSON.
	run in_host veth-setup show --netns "/run/netns/$CNS"
	assert_success
	jq -e '.links | map(.name) | sort == ["eth0", "lo"]' <<<"$output"
	jq -e '.links[] | select(.name == "eth0") | .addresses | map(.address) | index("10.91.0.2/24")' <<<"$output"
	jq -e '.routes | map(select(.dst == "default" and .gateway == "10.91.0.1")) | length == 1' <<<"$output"

	run in_host veth-setup del --host-if "$HIF"
	assert_success
	[ "$(links_in "$HNS")" = lo ]
	[ "$(links_in "$CNS")" = lo ]
	# del of what is gone is an error that names it.
	run in_host veth-setup del --host-if "$HIF"
	assert_failure 1
	assert_output "veth-setup: interface \`$HIF\` does not exist"
}

@test "veth-setup add --netns PID, del --netns --if" {
	ip netns exec "$CNS" sleep 60 &
	local pid=$!
	defer "kill $pid"
	# wait until the child is in the namespace
	retry 50 0.1 in_netns_of_cns "$pid"
	run in_host veth-setup add --netns "$pid" --host-if "$HIF" --if ceth0 --addr 10.94.0.2/30
	assert_success
	[ "$(jq -r .container.netns <<<"$output")" = "/proc/$pid/ns/net" ]
	[ "$(links_in "$CNS")" = "ceth0 lo" ]
	run in_host veth-setup del --netns "$pid" --if ceth0
	assert_success
	[ "$(links_in "$CNS")" = lo ]
	[ "$(links_in "$HNS")" = lo ]
}

@test "veth-setup add: bridge attach, --bridge-create, and a link that is not a bridge" {
	local br=$(uniq_name b)
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --bridge "$br"
	assert_failure 1
	assert_output "veth-setup: bridge \`$br\` does not exist (--bridge-create makes it)"
	[ "$(links_in "$HNS")" = lo ]

	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --bridge "$br" --bridge-create --addr 10.95.0.2/24
	assert_success
	[ "$(jq -r .host.master <<<"$output")" = "$br" ]
	run in_host ip -j -d link show "$br"
	[ "$(jq -r '.[0].linkinfo.info_kind' <<<"$output")" = bridge ]
	run in_host ip -j link show "$HIF"
	[ "$(jq -r '.[0].master' <<<"$output")" = "$br" ]
	# A gateway address on the bridge: the container reaches it through the port.
	in_host ip addr add 10.95.0.1/24 dev "$br"
	in_ctr busybox ping -c 1 -W 1 10.95.0.1

	# An existing non-bridge link as --bridge: one error, nothing made.
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "${HIF}x" --if eth1 --bridge "$HIF"
	assert_failure 1
	assert_output "veth-setup: \`$HIF\` is not a bridge"
	[ "$(links_in "$CNS")" = "eth0 lo" ]

	run in_host veth-setup del --host-if "$HIF"
	assert_success
	[ "$(links_in "$HNS")" = "lo $br" ]
}

@test "veth-setup add: bad input is refused before anything is made" {
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --addr 10.1.2.300/24
	assert_failure 2
	assert_line --index 0 --partial "veth-setup: \`10.1.2.300/24\`: not an IP address"
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --addr 10.1.2.3
	assert_failure 2
	assert_line --index 0 --partial "veth-setup: \`10.1.2.3\`: needs a prefix length (ADDRESS/N)"
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --addr 10.1.2.3/33
	assert_failure 2
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --mac 01:00:5e:00:00:01
	assert_failure 2
	assert_line --index 0 --partial "a multicast MAC address"
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --mtu 12
	assert_failure 2
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if abcdefghijklmnop
	assert_failure 1
	assert_output "veth-setup: interface name \`abcdefghijklmnop\` is too long (16 bytes, at most 15)"
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --if "a/b"
	assert_failure 1
	assert_output "veth-setup: interface name \`a/b\`: \`/\` is not allowed"
	[ "$(links_in "$HNS")" = lo ]
	[ "$(links_in "$CNS")" = lo ]
}

@test "veth-setup add: a namespace that is gone, names that exist" {
	run in_host veth-setup add --netns "/run/netns/${CNS}gone" --host-if "$HIF"
	assert_failure 1
	assert_output "veth-setup: cannot open /run/netns/${CNS}gone: No such file or directory"
	run in_host veth-setup add --netns /proc/self/status --host-if "$HIF"
	assert_failure 1
	assert_output "veth-setup: /proc/self/status: not a namespace file"

	in_ctr ip link add eth0 type veth peer name eth0p
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --if eth0
	assert_failure 1
	assert_output "veth-setup: interface \`eth0\` already exists in the target namespace"
	in_host ip link add "$HIF" type veth peer name "${HIF}p"
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --if eth1
	assert_failure 1
	assert_output "veth-setup: interface \`$HIF\` already exists in the host namespace"
	[ "$(links_in "$HNS")" = "lo $HIF ${HIF}p" ]
	[ "$(links_in "$CNS")" = "eth0 eth0p lo" ]
}

@test "veth-setup add: a step failing after the pair exists deletes the pair" {
	# The gateway is not on any connected subnet: the route fails after the pair was made.
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --addr 10.96.0.2/24 --gateway 10.97.0.1
	assert_failure 1
	assert_output --regexp "^veth-setup: add route default via 10.97.0.1 dev \`eth0\`: Network is unreachable"
	[ "$(links_in "$HNS")" = lo ]
	[ "$(links_in "$CNS")" = lo ]
	# Same with a bridge it created: the bridge goes too.
	local br=$(uniq_name b)
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --bridge "$br" --bridge-create \
		--addr 10.96.0.2/24 --route "10.98.0.0/16,via 10.97.0.1"
	assert_failure 1
	[ "$(links_in "$HNS")" = lo ]
	[ "$(links_in "$CNS")" = lo ]
	# An address the kernel refuses (the same address twice).
	run in_host veth-setup add --netns "/run/netns/$CNS" --host-if "$HIF" --addr 10.96.0.2/24 --addr 10.96.0.2/24
	assert_failure 1
	assert_output --partial "add address 10.96.0.2/24 to \`eth0\`: File exists"
	[ "$(links_in "$HNS")" = lo ]
	[ "$(links_in "$CNS")" = lo ]
}

@test "veth-setup as an OCI hook: the pid comes from the state on stdin" {
	ip netns exec "$CNS" sleep 60 &
	local pid=$!
	defer "kill $pid"
	retry 50 0.1 in_netns_of_cns "$pid"
	local state='{"ociVersion":"1.3.0","id":"c1","status":"creating","pid":'$pid',"bundle":"/nonexistent"}'
	run in_host veth-setup add --host-if "$HIF" --addr 10.99.0.2/24 <<<"$state"
	assert_success
	[ "$(jq -r .container.netns <<<"$output")" = "/proc/$pid/ns/net" ]
	run in_ctr ip -j addr show dev eth0
	jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index("10.99.0.2/24")' <<<"$output"

	run in_host veth-setup add --host-if "${HIF}b" <<<'{"ociVersion":"1.3.0","id":"c1"}'
	assert_failure 1
	assert_output "veth-setup: state on stdin: pid: missing or not a positive integer"
}

remove_libpod_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		[ -d "$d" ] || continue
		rmdir "$d/conmon" 2>/dev/null || true
		rmdir "$d" 2>/dev/null || true
	done
}

# --- CNI ------------------------------------------------------------------------------------

cni_setup() {
	CNIDIR=$BATS_TEST_TMPDIR/cni
	mkdir -p "$CNIDIR"
	ln -s "$OCIBOX" "$CNIDIR/veth-setup"
	ln -s /usr/lib/cni/host-local "$CNIDIR/host-local"
	export CNI_PATH=$CNIDIR CNI_CONTAINERID=$(uniq_name id) CNI_NETNS=/run/netns/$CNS CNI_IFNAME=eth0
	BR=$(uniq_name b)
	cat >"$BATS_TEST_TMPDIR/conf.json" <<-EOF
	{"cniVersion": "1.0.0", "name": "obtest", "type": "veth-setup", "bridge": "$BR", "isGateway": true,
	 "mtu": 1450,
	 "ipam": {"type": "host-local", "dataDir": "$BATS_TEST_TMPDIR/ipam",
	          "ranges": [[{"subnet": "10.101.0.0/24", "gateway": "10.101.0.1"}]],
	          "routes": [{"dst": "0.0.0.0/0"}]}}
	EOF
}

cni() { # cni COMMAND CONFIG_FILE
	CNI_COMMAND=$1 ip netns exec "$HNS" "$CNIDIR/veth-setup" <"$2"
}

@test "CNI: ADD result, CHECK, DEL twice; host-local IPAM; VERSION" {
	requires tool jq
	[ -x /usr/lib/cni/host-local ] || skip "needs containernetworking-plugins"
	cni_setup
	run cni ADD "$BATS_TEST_TMPDIR/conf.json"
	assert_success
	local res=$output
	jq -e '.cniVersion == "1.0.0"' <<<"$res"
	jq -e --arg br "$BR" '.interfaces | length == 3 and .[0].name == $br and (.[1].name | startswith("veth"))' <<<"$res"
	jq -e --arg ns "$CNI_NETNS" '.interfaces[2] | .name == "eth0" and .sandbox == $ns and .mtu == 1450' <<<"$res"
	jq -e '.ips == [{"address": "10.101.0.2/24", "gateway": "10.101.0.1", "interface": 2}]' <<<"$res"
	jq -e '.routes == [{"dst": "0.0.0.0/0", "gw": "10.101.0.1"}]' <<<"$res"
	local hostif=$(jq -r '.interfaces[1].name' <<<"$res")
	local mac=$(jq -r '.interfaces[2].mac' <<<"$res")

	# The system agrees with the result.
	run in_ctr ip -j addr show dev eth0
	[ "$(jq -r '.[0].address' <<<"$output")" = "$mac" ]
	jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index("10.101.0.2/24")' <<<"$output"
	run in_ctr ip -j route show default
	[ "$(jq -r '.[0].gateway' <<<"$output")" = 10.101.0.1 ]
	run in_host ip -j link show "$hostif"
	[ "$(jq -r '.[0].master' <<<"$output")" = "$BR" ]
	run in_host ip -j addr show dev "$BR"
	jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index("10.101.0.1/24")' <<<"$output"
	in_host busybox ping -c 1 -W 1 10.101.0.2
	# host-local recorded the lease in the test's dataDir.
	[ "$(head -1 "$BATS_TEST_TMPDIR/ipam/obtest/10.101.0.2" | tr -d "\r")" = "$CNI_CONTAINERID" ]

	# CHECK with the result as prevResult.
	jq --argjson r "$res" '. + {prevResult: $r}' "$BATS_TEST_TMPDIR/conf.json" >"$BATS_TEST_TMPDIR/check.json"
	run cni CHECK "$BATS_TEST_TMPDIR/check.json"
	assert_success
	assert_output ""
	# CHECK notices a missing address.
	in_ctr ip addr del 10.101.0.2/24 dev eth0
	run cni CHECK "$BATS_TEST_TMPDIR/check.json"
	assert_failure
	jq -e '.code == 100 and (.details | contains("does not have 10.101.0.2/24"))' <<<"$output"

	# ADD again for the same attachment: the interface exists -> error JSON, nothing changed.
	run cni ADD "$BATS_TEST_TMPDIR/conf.json"
	assert_failure
	jq -e '.code == 100 and (.details | contains("already exists"))' <<<"$output"
	[ -e "$BATS_TEST_TMPDIR/ipam/obtest/10.101.0.2" ]
	[ ! -e "$BATS_TEST_TMPDIR/ipam/obtest/10.101.0.3" ]

	run cni DEL "$BATS_TEST_TMPDIR/conf.json"
	assert_success
	assert_output ""
	[ "$(links_in "$CNS")" = lo ]
	[ "$(links_in "$HNS")" = "lo $BR" ]
	[ ! -e "$BATS_TEST_TMPDIR/ipam/obtest/10.101.0.2" ]
	# DEL is idempotent, also when the namespace is gone.
	run cni DEL "$BATS_TEST_TMPDIR/conf.json"
	assert_success
	ip netns del "$CNS"
	run cni DEL "$BATS_TEST_TMPDIR/conf.json"
	assert_success

	run env CNI_COMMAND=VERSION "$CNIDIR/veth-setup" <<<'{"cniVersion": "0.4.0"}'
	assert_success
	jq -e '.cniVersion == "0.4.0" and (.supportedVersions | index("0.4.0") and index("1.0.0") and index("1.1.0"))' <<<"$output"
}

@test "CNI: 0.4.0 result carries ip versions; 1.1.0 without IPAM; prevResult is kept" {
	cni_setup
	cat >"$BATS_TEST_TMPDIR/c04.json" <<-EOF
	{"cniVersion": "0.4.0", "name": "ob04", "type": "veth-setup",
	 "addresses": ["10.102.0.2/24", "fd00:102::2/64"], "hostAddresses": ["10.102.0.1/24"],
	 "gateway": "10.102.0.1",
	 "prevResult": {"cniVersion": "0.4.0", "interfaces": [{"name": "lo0"}], "ips": [], "dns": {"nameservers": ["10.0.0.53"]}}}
	EOF
	run cni ADD "$BATS_TEST_TMPDIR/c04.json"
	assert_success
	jq -e '.cniVersion == "0.4.0" and .interfaces[0].name == "lo0" and .interfaces[2].name == "eth0"' <<<"$output"
	jq -e '.ips == [{"address": "10.102.0.2/24", "interface": 2, "version": "4"}, {"address": "fd00:102::2/64", "interface": 2, "version": "6"}]' <<<"$output"
	jq -e '.routes == [{"dst": "0.0.0.0/0", "gw": "10.102.0.1"}] and .dns.nameservers == ["10.0.0.53"]' <<<"$output"
	in_host busybox ping -c 1 -W 1 10.102.0.2
	run cni DEL "$BATS_TEST_TMPDIR/c04.json"
	assert_success
	[ "$(links_in "$CNS")" = lo ]
	[ "$(links_in "$HNS")" = lo ]

	jq '.cniVersion = "1.1.0" | del(.prevResult)' "$BATS_TEST_TMPDIR/c04.json" >"$BATS_TEST_TMPDIR/c11.json"
	run cni ADD "$BATS_TEST_TMPDIR/c11.json"
	assert_success
	jq -e '.cniVersion == "1.1.0" and (.ips | map(has("version")) | any | not)' <<<"$output"
	run cni STATUS "$BATS_TEST_TMPDIR/c11.json"
	assert_success
	run cni DEL "$BATS_TEST_TMPDIR/c11.json"
	assert_success
	[ "$(links_in "$CNS")" = lo ]
}

@test "CNI: errors are JSON with the spec's codes, and nothing is left" {
	cni_setup
	run cni ADD <(echo '{"name": "x", "type": "veth-setup"}')
	assert_failure 1
	jq -e '.code == 7 and .msg == "invalid network config" and (.details | startswith("cniVersion: missing"))' <<<"$output"
	run cni ADD <(echo '{"cniVersion": "9.9.9", "name": "x", "type": "veth-setup"}')
	assert_failure 1
	jq -e '.code == 1' <<<"$output"
	run cni ADD <(echo '{"cniVersion": "1.0.0", "name": ')
	assert_failure 1
	jq -e '.code == 6 and (.details | startswith("stdin:"))' <<<"$output"
	run env -u CNI_NETNS CNI_COMMAND=ADD "$CNIDIR/veth-setup" <"$BATS_TEST_TMPDIR/conf.json"
	assert_failure 1
	jq -e '.code == 4 and (.details | contains("CNI_NETNS"))' <<<"$output"
	run cni ADD <(echo '{"cniVersion": "1.0.0", "name": "x", "type": "veth-setup", "addresses": ["10.0.0.300/24"]}')
	assert_failure 1
	jq -e '.code == 7 and .details == "addresses[0]: `10.0.0.300/24`: not an IP address"' <<<"$output"
	run cni BOGUS "$BATS_TEST_TMPDIR/conf.json"
	assert_failure 1
	jq -e '.code == 4' <<<"$output"
	# A late failure (gateway not reachable) releases the IPAM lease and the pair.
	jq '.ipam.routes = [{"dst": "10.200.0.0/16", "gw": "10.199.0.1"}]' "$BATS_TEST_TMPDIR/conf.json" >"$BATS_TEST_TMPDIR/bad.json"
	run cni ADD "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 1
	jq -e '.code == 100 and (.details | contains("Network is unreachable"))' <<<"$output"
	[ "$(links_in "$CNS")" = lo ]
	[ ! -e "$BATS_TEST_TMPDIR/ipam/obtest/10.101.0.2" ]
}

@test "veth-setup move: a device into a namespace with its permanent addresses, renamed, up; and back" {
	in_host ip link add "$HIF" type veth peer name "${HIF}p"
	in_host ip addr add 10.103.0.1/24 dev "$HIF"
	in_host ip addr add fd00:103::1/64 dev "$HIF"
	# not permanent (a lifetime): the spec keeps only IFA_F_PERMANENT global addresses
	in_host ip addr add 10.104.0.1/24 dev "$HIF" valid_lft 300 preferred_lft 300
	run in_host veth-setup move --netns "/run/netns/$CNS" --dev "$HIF" --if ctr0
	assert_success
	[ "$(links_in "$CNS")" = "ctr0 lo" ]
	run in_ctr ip -j addr show dev ctr0
	jq -e '.[0].flags | index("UP")' <<<"$output"
	[ "$(jq -c '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"] | sort' <<<"$output")" = '["10.103.0.1/24","fd00:103::1/64"]' ]

	# The name is taken in the container now: the next one is refused before any move.
	in_host ip link add "${HIF}b" type veth peer name "${HIF}c"
	run in_host veth-setup move --netns "/run/netns/$CNS" --dev "${HIF}b" --if ctr0
	assert_failure 1
	assert_output "veth-setup: linux.netDevices.${HIF}b: interface \`ctr0\` already exists in the container namespace"
	# ... unless it is a template.
	run in_host veth-setup move --netns "/run/netns/$CNS" --dev "${HIF}b" --if "ctr%d"
	assert_success
	[ "$(links_in "$CNS")" = "ctr0 ctr1 lo" ]
	run in_host veth-setup move --netns "/run/netns/$CNS" --dev nosuchdev
	assert_failure 1
	assert_output "veth-setup: linux.netDevices.nosuchdev: interface \`nosuchdev\` does not exist"

	run in_host veth-setup move --netns "/run/netns/$CNS" --dev "$HIF" --if ctr0 --back
	assert_success
	[ "$(links_in "$CNS")" = "ctr1 lo" ]
	run in_host ip -j addr show dev "$HIF"
	[ "$(jq -c '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"] | sort' <<<"$output")" = '["10.103.0.1/24","fd00:103::1/64"]' ]
}

@test "CNI with podman 4.3 (runtime ocibox): a container on a veth-setup + host-local + portmap network, reached from the host" {
	requires podman conmon
	[ -x /usr/lib/cni/portmap ] || skip "needs containernetworking-plugins"
	command -v iptables >/dev/null || skip "needs iptables (portmap)"
	local T=$BATS_TEST_TMPDIR/pod br=$(uniq_name b)
	mkdir -p "$T/cni" "$T/net.d"
	ln -s "$OCIBOX" "$T/cni/veth-setup"
	for p in host-local portmap loopback; do ln -s "/usr/lib/cni/$p" "$T/cni/$p"; done
	cat >"$T/containers.conf" <<-EOF
	[containers]
	default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$T/events.log"
	runtime = "ocibox"
	[engine.runtimes]
	ocibox = ["$OCIBOX"]
	[network]
	network_backend = "cni"
	cni_plugin_dirs = ["$T/cni"]
	network_config_dir = "$T/net.d"
	EOF
	cat >"$T/net.d/obnet.conflist" <<-EOF
	{"cniVersion": "1.0.0", "name": "obnet", "plugins": [
	  {"type": "veth-setup", "bridge": "$br", "isGateway": true,
	   "ipam": {"type": "host-local", "dataDir": "$T/ipam",
	            "ranges": [[{"subnet": "10.105.0.0/24", "gateway": "10.105.0.1"}]],
	            "routes": [{"dst": "0.0.0.0/0"}]}},
	  {"type": "portmap", "capabilities": {"portMappings": true}}]}
	EOF
	make_rootfs "$T/rootfs"
	tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
	# libcni keeps its result cache in /var/lib/cni, podman's cgroupfs manager makes
	# libpod_parent/ in every hierarchy: remove what this test creates there.
	[ -e /var/lib/cni ] || defer "rmdir /var/lib/cni/results /var/lib/cni"
	[ -e /sys/fs/cgroup/memory/libpod_parent ] || [ -e /sys/fs/cgroup/libpod_parent ] || defer remove_libpod_cgroups
	# podman runs in the test's "host" namespace (network only: its netns bind mounts
	# must stay visible to the next podman command), so the bridge, the host end and the
	# portmap rules exist only there.
	pod() {
		nsenter --net="/run/netns/$HNS" env CONTAINERS_CONF="$T/containers.conf" \
			podman --root "$T/storage" --runroot "$T/runroot" --tmpdir "$T/libpod" --storage-driver vfs "$@"
	}
	defer "nsenter --net=/run/netns/$HNS env CONTAINERS_CONF=$T/containers.conf podman --root $T/storage --runroot $T/runroot --tmpdir $T/libpod --storage-driver vfs rm -f -t 0 obweb"
	run pod import "$T/rootfs.tar" localhost/obbusybox:latest
	assert_success
	run pod run -d --name obweb --network obnet -p 18080:8080 localhost/obbusybox:latest \
		sh -c 'echo hello-ocibox > /tmp/index.html; exec httpd -f -p 8080 -h /tmp'
	assert_success
	run pod inspect obweb --format '{{.OCIRuntime}} {{.NetworkSettings.Networks.obnet.IPAddress}}'
	assert_output "ocibox 10.105.0.2"
	# The veth-setup host end is on the bridge in the "host" namespace.
	run in_host ip -j link show master "$br"
	jq -e 'length == 1 and (.[0].ifname | startswith("veth"))' <<<"$output"
	# Reached from the host: directly, and through portmap's DNAT on the gateway address.
	local reply
	served() {
		reply=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | timeout 2 ip netns exec "$HNS" busybox nc "$1" "$2" | tail -1) || true
		[ "$reply" = hello-ocibox ]
	}
	retry 30 0.2 served 10.105.0.2 8080
	reply=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | timeout 2 ip netns exec "$HNS" busybox nc 10.105.0.1 18080 | tail -1)
	[ "$reply" = hello-ocibox ]

	run pod rm -f -t 0 obweb
	assert_success
	# CNI DEL ran: no veth left, the lease released, no DNAT chain left.
	run in_host ip -j link show master "$br"
	assert_output "[]"
	[ ! -e "$T/ipam/obnet/10.105.0.2" ]
	run ip netns exec "$HNS" iptables -t nat -S
	refute_output --partial "CNI-DN-"
}

# --- inside real ocibox containers -------------------------------------------------------------

# hob ARGS...: ocibox in the test's "host" namespace (network only: mounts and cgroups are
# the real ones), stdio on a file (a created init keeps its stdio until it execs).
hob() {
	nsenter --net="/run/netns/$HNS" "$OCIBOX" --root "$OB_ROOT" "$@" >"$BATS_TEST_TMPDIR/.hob" 2>&1 </dev/null
	local s=$?
	cat "$BATS_TEST_TMPDIR/.hob"
	return $s
}

@test "veth-setup as a createRuntime hook of an ocibox container; --container" {
	make_bundle
	set_cmd 'sleep 100'
	oci-spec -i "$BUNDLE/config.json" -o "$BUNDLE/config.json" -f \
		--hook "createRuntime:$(dirname "$OCIBOX")/bin/veth-setup:veth-setup:add:--host-if:$HIF:--addr:10.106.0.2/24:--host-addr:10.106.0.1/24:--gateway:10.106.0.1"
	run hob create -b "$BUNDLE" c1
	assert_success
	local pid=$(ob state c1 | jq .pid)
	[ "$(readlink /proc/$pid/ns/net)" != "$(ip netns exec "$HNS" readlink /proc/self/ns/net)" ]
	run nsenter -t "$pid" -n ip -j addr show dev eth0
	assert_success
	jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index("10.106.0.2/24")' <<<"$output"
	run nsenter -t "$pid" -n ip -j route show default
	[ "$(jq -r '.[0].gateway' <<<"$output")" = 10.106.0.1 ]
	in_host busybox ping -c 1 -W 1 10.106.0.2

	# --container ID (with the global --root) finds the init's namespace.
	run in_host veth-setup --root "$OB_ROOT" show --container c1 --if eth0
	assert_success
	jq -e '.links[0].addresses | map(.address) | index("10.106.0.2/24")' <<<"$output"
	run in_host veth-setup --root "$OB_ROOT" add --container c1 --host-if "${HIF}b" --if eth1 \
		--addr 10.108.0.2/24 --host-addr 10.108.0.1/24
	assert_success
	[ "$(jq -r .container.netns <<<"$output")" = "/proc/$pid/ns/net" ]
	in_host busybox ping -c 1 -W 1 10.108.0.2

	run hob delete --force c1
	assert_success
	# The container's namespace is gone, and the veths with it.
	[ "$(links_in "$HNS")" = lo ]
	run in_host veth-setup --root "$OB_ROOT" show --container c1
	assert_failure 1
	assert_output --partial "c1"
	assert_nothing_left c1
}

@test "linux.netDevices: oci-create moves a device in (renamed, permanent addresses, up); a failed create gives it back" {
	make_bundle
	set_cmd 'sleep 100'
	in_host ip link add "$HIF" type veth peer name "${HIF}p"
	in_host ip addr add 10.107.0.1/24 dev "$HIF"
	in_host ip addr add fd00:107::1/64 dev "$HIF"
	update_config ".linux.netDevices = {\"$HIF\": {\"name\": \"ctr0\"}}"
	run hob create -b "$BUNDLE" c2
	assert_success
	local pid=$(ob state c2 | jq .pid)
	run nsenter -t "$pid" -n ip -j addr show dev ctr0
	assert_success
	jq -e '.[0].flags | index("UP")' <<<"$output"
	[ "$(jq -c '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"] | sort' <<<"$output")" = '["10.107.0.1/24","fd00:107::1/64"]' ]
	[ "$(links_in "$HNS")" = "lo ${HIF}p" ]
	run hob delete --force c2
	assert_success
	# runtime-spec: the runtime does not move it out before the namespace goes; the kernel
	# destroys a virtual device (and its veth peer) with the namespace.
	[ "$(links_in "$HNS")" = lo ]

	# The name is taken in the container (lo): refused before anything moves.
	in_host ip link add "$HIF" type veth peer name "${HIF}p"
	in_host ip addr add 10.107.0.1/24 dev "$HIF"
	update_config ".linux.netDevices = {\"$HIF\": {\"name\": \"lo\"}}"
	run hob create -b "$BUNDLE" c3
	assert_failure 1
	assert_output "oci-create: linux.netDevices.$HIF: interface \`lo\` already exists in the container namespace"
	[ "$(links_in "$HNS")" = "lo $HIF ${HIF}p" ]
	assert_nothing_left c3
	# A device that does not exist.
	update_config ".linux.netDevices = {\"${HIF}x\": {}}"
	run hob create -b "$BUNDLE" c3
	assert_failure 1
	assert_output "oci-create: linux.netDevices.${HIF}x: interface \`${HIF}x\` does not exist"
	assert_nothing_left c3

	# A createRuntime hook failing after the move: the device comes back, name and addresses.
	update_config ".linux.netDevices = {\"$HIF\": {\"name\": \"ctr0\"}}"
	oci-spec -i "$BUNDLE/config.json" -o "$BUNDLE/config.json" -f --hook "createRuntime:/bin/false"
	run hob create -b "$BUNDLE" c4
	assert_failure
	[ "$(links_in "$HNS")" = "lo $HIF ${HIF}p" ]
	run in_host ip -j addr show dev "$HIF"
	jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | index("10.107.0.1/24")' <<<"$output"
	assert_nothing_left c4
}
