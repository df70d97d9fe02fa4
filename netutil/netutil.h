/* netutil.h - network plumbing on libnl-3 / libnl-route-3.
 *
 * netutil/ is the only code that includes <netlink/...>; everything here speaks plain C
 * types (names, CIDR strings, fds). A `struct ob_nl` is a route socket bound to one
 * network namespace: it is created by a short-lived thread that joins the namespace, so
 * the caller's thread never changes namespace (setns(2) is per thread for CLONE_NEWNET,
 * and a netlink socket stays in the namespace it was created in, see netlink(7)).
 *
 * Functions return >= 0 or -errno and fill struct ob_err (core/err.h); nothing logs.
 * Link names are checked against IFNAMSIZ before any change is made.
 */
#ifndef OB_NETUTIL_H
#define OB_NETUTIL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/err.h"

/* ---- namespaces and sockets ------------------------------------------------------- */

/* Open a network namespace given as a PID (all digits: /proc/PID/ns/net) or a path
 * (/run/netns/NAME, /proc/PID/ns/net). The fd is checked to be a network namespace. */
int ob_netns_open(const char *pid_or_path, int *ret_fd, struct ob_err *err);

struct ob_nl; /* NETLINK_ROUTE socket bound to one netns (opaque) */

/* Connect a route socket inside nsfd (-1: the caller's own namespace). The ob_nl keeps
 * its own fd of the namespace (for moves and for peers born there). */
int ob_nl_open(int nsfd, struct ob_nl **ret, struct ob_err *err);
void ob_nl_close(struct ob_nl *nl);
static inline void ob_nl_closep(struct ob_nl **nl)
{
	if (*nl)
		ob_nl_close(*nl);
}
#define _cleanup_nl_ __attribute__((cleanup(ob_nl_closep)))

/* ---- parsing (no side effects) ---------------------------------------------------- */

/* A valid interface name: 1..IFNAMSIZ-1 bytes, no '/', ':' or whitespace, not "." "..".
 * allow_template accepts one "%d" (the kernel picks the number). */
int ob_net_ifname_check(const char *name, bool allow_template, struct ob_err *err);

struct ob_net_ip {
	int family;	    /* AF_INET or AF_INET6 */
	unsigned prefixlen; /* 32/128 when the text had no /N */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	} a;
};
/* "10.0.0.2/24", "fd00::2/64"; need_prefix: the "/N" is required. */
int ob_net_parse_ip(const char *s, bool need_prefix, struct ob_net_ip *ret, struct ob_err *err);
/* "default", "0.0.0.0/0", "::/0", or a CIDR; host bits must be zero. */
int ob_net_parse_dst(const char *s, int family_hint, struct ob_net_ip *ret, struct ob_err *err);
/* "02:11:22:33:44:55": 6 bytes, unicast. */
int ob_net_parse_mac(const char *s, uint8_t ret[6], struct ob_err *err);
/* Text form of an ip: "10.0.0.2/24" (with_prefix) or "10.0.0.2". */
void ob_net_ip_format(const struct ob_net_ip *ip, bool with_prefix, char *buf, size_t len);

/* ---- links ------------------------------------------------------------------------- */

/* ret_ifindex (optional) of link name: returns 1 found, 0 missing, -errno on error. */
int ob_net_link_index(struct ob_nl *nl, const char *name, int *ret_ifindex, struct ob_err *err);
/* Delete a link (for a veth: both ends). -ENODEV (with err) when it does not exist. */
int ob_net_link_del(struct ob_nl *nl, const char *name, struct ob_err *err);
/* Set MTU (0: leave), MAC (NULL: leave) and IFF_UP (up) of a link in one request. */
int ob_net_link_set(struct ob_nl *nl, const char *name, unsigned mtu, const uint8_t *mac, bool up,
		    struct ob_err *err);
int ob_net_link_up(struct ob_nl *nl, const char *name, struct ob_err *err);

/* 1 when name is a bridge, 0 when no link has that name; -ENOTTY with
 * "`br0` is not a bridge" when the link exists with another kind. */
int ob_net_bridge_check(struct ob_nl *nl, const char *name, struct ob_err *err);
/* Create a bridge and bring it up. */
int ob_net_bridge_add(struct ob_nl *nl, const char *name, struct ob_err *err);

struct ob_veth_req {
	const char *host_if;	 /* the end in host's namespace */
	const char *peer_if;	 /* the end created in peer's namespace */
	unsigned mtu;		 /* 0: kernel default; set on both ends */
	const uint8_t *peer_mac; /* NULL: kernel's random one */
	const char *master;	 /* bridge for the host end, NULL: none */
};
/* Create a veth pair in one RTM_NEWLINK, then set both ends up: the peer is born in its namespace
 * with its final name (no move or rename step to fail half-way). Names are checked first:
 * "interface `eth0` already exists in the target namespace". */
int ob_net_veth_add(struct ob_nl *host, struct ob_nl *peer, const struct ob_veth_req *req,
		    struct ob_err *err);

/* Move link name from `from` into the namespace of `to`,
 * named new_name there (NULL: same name; "%d" template: the kernel picks; the name it got
 * goes to ret_name). Permanent global-scope addresses (IFA_F_PERMANENT, RT_SCOPE_UNIVERSE;
 * runtime-spec config-linux.md "Network Devices") are read before the move and added
 * again after it; the link is then set up when up. Used for linux.netDevices (into the
 * container) and to return a device (to the host). On failure after the move the device
 * is moved back with its old name. */
int ob_net_link_move(struct ob_nl *from, const char *name, struct ob_nl *to, const char *new_name,
		     bool up, char ret_name[IFNAMSIZ], struct ob_err *err);

/* ---- linux.netDevices (runtime-spec 1.3 config-linux.md "Network Devices") ------------- */

struct ob_net_device; /* core/spec.h: host_name, name (NULL: keep) */

/* Move each device from the caller's namespace into ctr_nsfd, renamed to its name, with
 * its permanent global addresses, and up. Everything is checked first (the device exists,
 * the name is free there unless it holds "%d"); a failure moves back the ones moved. */
int ob_net_devices_move_in(int ctr_nsfd, const struct ob_net_device *devs, size_t n,
			   struct ob_err *err);
/* The reverse, into the caller's namespace under the host names; devices no longer in
 * ctr_nsfd are skipped. The spec says the runtime MUST NOT do this before the namespace
 * is deleted (the kernel returns physical devices itself): for tools and hooks. */
int ob_net_devices_move_out(int ctr_nsfd, const struct ob_net_device *devs, size_t n,
			    struct ob_err *err);

/* ---- addresses and routes ------------------------------------------------------------ */

/* Add an address (IPv6 without DAD: a fresh veth has no one to conflict with). */
int ob_net_addr_add(struct ob_nl *nl, const char *ifname, const struct ob_net_ip *ip,
		    struct ob_err *err);
/* 1 when ifname carries ip (same prefix length), 0 when not. */
int ob_net_addr_has(struct ob_nl *nl, const char *ifname, const struct ob_net_ip *ip,
		    struct ob_err *err);
/* Route dst (prefixlen 0: default) via gw (NULL: on-link, scope link) out of ifname. */
int ob_net_route_add(struct ob_nl *nl, const struct ob_net_ip *dst, const struct ob_net_ip *gw,
		     const char *ifname, struct ob_err *err);

/* ---- show ---------------------------------------------------------------------------- */

struct ob_net_addr_info {
	char addr[INET6_ADDRSTRLEN + 5]; /* "10.0.0.2/24" */
	int family;
	char scope[12]; /* global, link, host, site */
	bool permanent;
};
struct ob_net_link_info {
	int index;
	char name[IFNAMSIZ];
	char kind[24]; /* "veth", "bridge", "" (physical/loopback) */
	char mac[24];
	unsigned mtu;
	bool up; /* IFF_UP */
	char master[IFNAMSIZ];
	size_t naddrs;
	struct ob_net_addr_info *addrs;
};
struct ob_net_route_info {
	int family;
	char dst[INET6_ADDRSTRLEN + 5]; /* "default" or CIDR */
	char gateway[INET6_ADDRSTRLEN]; /* "" when on-link */
	char dev[IFNAMSIZ];
	char scope[12];
	unsigned table;
};
struct ob_net_info {
	size_t nlinks;
	struct ob_net_link_info *links;
	size_t nroutes;
	struct ob_net_route_info *routes; /* main table */
};
/* Links (only_if: just that one; -ENODEV when missing), their addresses, and the main
 * table routes (only those out of only_if when given) of nl's namespace. */
int ob_net_show(struct ob_nl *nl, const char *only_if, struct ob_net_info *ret, struct ob_err *err);
void ob_net_info_free(struct ob_net_info *info);

/* ---- veth-setup: the whole job, all or nothing --------------------------------------- */

struct ob_net_route_req {
	struct ob_net_ip dst; /* prefixlen 0: default */
	bool has_gw;
	struct ob_net_ip gw;
};
struct ob_veth_setup {
	int host_nsfd; /* -1: the caller's namespace */
	int ctr_nsfd;  /* the container's netns (required) */
	const char *host_if, *ctr_if;
	const struct ob_net_ip *addrs; /* on the container end */
	size_t naddrs;
	const struct ob_net_ip *host_addrs;
	size_t nhost_addrs;
	const struct ob_net_route_req *routes; /* in the container; gateway -> default route */
	size_t nroutes;
	unsigned mtu;
	const uint8_t *mac; /* container end */
	const char *bridge;
	bool bridge_create;
};
/* Check the names, bridge and routes, create the pair, add addresses on both ends, bring
 * both ends and the container's lo up, add the routes, enslave the host end. Any failure
 * deletes what was made (the pair, a bridge it created). */
int ob_veth_setup(const struct ob_veth_setup *s, struct ob_err *err);

/* ---- JSON (netutil/cni*.c: the JSON boundary of netutil) ------------------------------ */

/* {"links":[...],"routes":[...]} */
char *ob_net_info_json(const struct ob_net_info *info);
/* {"host":{link..., "netns":...},"container":{link..., "netns":..., "routes":[...]}} */
char *ob_veth_json(const struct ob_net_info *host, const char *host_netns,
		   const struct ob_net_info *ctr, const char *ctr_netns);
/* The "pid" of an OCI state document (a hook's stdin). */
int ob_oci_state_pid(const char *json, pid_t *ret_pid, struct ob_err *err);

/* CNI plugin (SPEC.md): run CNI_COMMAND from the environment with the network config in
 * stdin_data. Returns the process exit status; *ret_out (malloc'd, may be NULL) is what to
 * print on stdout: the result, the version object, or the error object. */
int ob_cni_run(const char *stdin_data, char **ret_out);

#endif
