/* link.c - links: lookup, veth pairs, bridges, set/up/delete, moves between namespaces. */
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "../core/util.h"
#include "nl_priv.h"

int obnl_get_link(struct ob_nl *nl, const char *name, struct rtnl_link **ret, struct ob_err *err)
{
	obnl_reset(nl);
	int r = rtnl_link_get_kernel(nl->sk, 0, name, ret);
	if (r < 0) {
		if (nl->kerr == ENODEV || r == -NLE_NODEV || r == -NLE_OBJ_NOTFOUND)
			return ob_error_msg(err, ENODEV, "interface `%s` does not exist", name);
		return obnl_fail(nl, r, err, "look up interface `%s`", name);
	}
	return 0;
}

/* The link named name: 1 (in *ret), 0 when there is none, or -errno. */
static int find_link(struct ob_nl *nl, const char *name, struct rtnl_link **ret, struct ob_err *err)
{
	int r = obnl_get_link(nl, name, ret, err);
	return r == -ENODEV ? 0 : r < 0 ? r : 1;
}

int ob_net_link_index(struct ob_nl *nl, const char *name, int *ret_ifindex, struct ob_err *err)
{
	struct rtnl_link *link = NULL;
	int r = find_link(nl, name, &link, err);
	if (r <= 0)
		return r;
	if (ret_ifindex)
		*ret_ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return 1;
}

int ob_net_link_del(struct ob_nl *nl, const char *name, struct ob_err *err)
{
	struct rtnl_link *link = NULL;
	int r = obnl_get_link(nl, name, &link, err);
	if (r < 0)
		return r;
	obnl_reset(nl);
	r = rtnl_link_delete(nl->sk, link);
	rtnl_link_put(link);
	if (r < 0)
		return obnl_fail(nl, r, err, "delete interface `%s`", name);
	return 0;
}

/* Apply the changes ch to orig; both are released. "VERB interface `NAME`: ..." */
static int link_change(struct ob_nl *nl, struct rtnl_link *orig, struct rtnl_link *ch,
		       const char *verb, const char *name, struct ob_err *err)
{
	obnl_reset(nl);
	int r = rtnl_link_change(nl->sk, orig, ch, 0);
	rtnl_link_put(ch);
	rtnl_link_put(orig);
	if (r < 0)
		return obnl_fail(nl, r, err, "%s interface `%s`", verb, name);
	return 0;
}

int ob_net_link_set(struct ob_nl *nl, const char *name, unsigned mtu, const uint8_t *mac, bool up,
		    struct ob_err *err)
{
	struct rtnl_link *orig = NULL;
	int r = obnl_get_link(nl, name, &orig, err);
	if (r < 0)
		return r;
	struct rtnl_link *ch = rtnl_link_alloc();
	if (mtu)
		rtnl_link_set_mtu(ch, mtu);
	if (mac) {
		struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
		rtnl_link_set_addr(ch, a);
		nl_addr_put(a);
	}
	if (up)
		rtnl_link_set_flags(ch, IFF_UP);
	return link_change(nl, orig, ch, "configure", name, err);
}

int ob_net_link_up(struct ob_nl *nl, const char *name, struct ob_err *err)
{
	return ob_net_link_set(nl, name, 0, NULL, true, err);
}

int ob_net_bridge_check(struct ob_nl *nl, const char *name, struct ob_err *err)
{
	struct rtnl_link *link = NULL;
	int r = find_link(nl, name, &link, err);
	if (r <= 0)
		return r;
	const char *type = rtnl_link_get_type(link);
	bool is_bridge = type && streq(type, "bridge");
	rtnl_link_put(link);
	if (!is_bridge)
		return ob_error_msg(err, ENOTTY, "`%s` is not a bridge", name);
	return 1;
}

int ob_net_bridge_add(struct ob_nl *nl, const char *name, struct ob_err *err)
{
	int r = ob_net_ifname_check(name, false, err);
	if (r < 0)
		return r;
	struct rtnl_link *link = rtnl_link_alloc();
	rtnl_link_set_name(link, name);
	r = rtnl_link_set_type(link, "bridge");
	if (r >= 0) {
		rtnl_link_set_flags(link, IFF_UP);
		obnl_reset(nl);
		r = rtnl_link_add(nl->sk, link, NLM_F_CREATE | NLM_F_EXCL);
	}
	rtnl_link_put(link);
	if (r < 0)
		return obnl_fail(nl, r, err, "create bridge `%s`", name);
	return 0;
}

/* A link name must be free in the namespace it is going to. */
static int name_free(struct ob_nl *nl, const char *name, const char *where, struct ob_err *err)
{
	int r = ob_net_link_index(nl, name, NULL, err);
	if (r < 0)
		return r;
	if (r > 0)
		return ob_error_msg(err, EEXIST, "interface `%s` already exists in %s", name,
				    where);
	return 0;
}

int ob_net_veth_add(struct ob_nl *host, struct ob_nl *peer, const struct ob_veth_req *req,
		    struct ob_err *err)
{
	int r;
	if ((r = ob_net_ifname_check(req->host_if, false, err)) < 0 ||
	    (r = ob_net_ifname_check(req->peer_if, false, err)) < 0)
		return r;
	if (peer == host && streq(req->host_if, req->peer_if))
		return ob_error_msg(err, EINVAL, "both ends of the pair are named `%s`",
				    req->host_if);
	if ((r = name_free(host, req->host_if, "the host namespace", err)) < 0 ||
	    (r = name_free(peer, req->peer_if, "the target namespace", err)) < 0)
		return r;
	int midx = 0;
	if (req->master) {
		r = ob_net_bridge_check(host, req->master, err);
		if (r < 0)
			return r;
		if (r == 0)
			return ob_error_msg(err, ENODEV, "bridge `%s` does not exist", req->master);
		ob_net_link_index(host, req->master, &midx, err);
	}

	struct rtnl_link *link = rtnl_link_veth_alloc();
	if (!link)
		return ob_error(err, ENOMEM, "veth");
	struct rtnl_link *p = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, req->host_if);
	rtnl_link_set_name(p, req->peer_if);
	/* The peer is created directly in its namespace (IFLA_NET_NS_FD inside
	 * VETH_INFO_PEER), so it never exists under its name in ours. */
	if (peer != host)
		rtnl_link_set_ns_fd(p, peer->nsfd);
	if (req->mtu) {
		rtnl_link_set_mtu(link, req->mtu);
		rtnl_link_set_mtu(p, req->mtu);
	}
	if (req->peer_mac) {
		struct nl_addr *a = nl_addr_build(AF_LLC, req->peer_mac, 6);
		rtnl_link_set_addr(p, a);
		nl_addr_put(a);
	}
	if (midx)
		rtnl_link_set_master(link, midx);
	obnl_reset(host);
	r = rtnl_link_add(host->sk, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(p);
	rtnl_link_veth_release(link);
	if (r < 0)
		return obnl_fail(host, r, err, "create veth pair `%s`/`%s`", req->host_if,
				 req->peer_if);
	/* Up only now: IFF_UP in the create request opens an end before its peer is linked
	 * (veth_open: ENOTCONN). */
	struct ob_err e2;
	if ((r = ob_net_link_up(host, req->host_if, err)) < 0 ||
	    (r = ob_net_link_up(peer, req->peer_if, err)) < 0) {
		ob_net_link_del(host, req->host_if, &e2);
		return r;
	}
	return 0;
}

/* The addresses a moved device keeps: permanent and global scope (runtime-spec
 * config-linux.md "Network Devices", RFC 3549 2.3.3.2). */
static int keepable_addrs(struct ob_nl *nl, int ifindex, struct ob_net_ip **ret, size_t *ret_n,
			  struct ob_err *err)
{
	struct nl_cache *cache = NULL;
	obnl_reset(nl);
	int r = rtnl_addr_alloc_cache(nl->sk, &cache);
	if (r < 0)
		return obnl_fail(nl, r, err, "list addresses");
	struct ob_net_ip *v = NULL;
	size_t n = 0;
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_ifindex(a) != ifindex ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
		    !(rtnl_addr_get_flags(a) & IFA_F_PERMANENT))
			continue;
		struct nl_addr *local = rtnl_addr_get_local(a);
		int fam = rtnl_addr_get_family(a);
		if (!local || (fam != AF_INET && fam != AF_INET6))
			continue;
		v = ob_xrealloc(v, (n + 1) * sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		v[n].family = fam;
		v[n].prefixlen = (unsigned)rtnl_addr_get_prefixlen(a);
		memcpy(v[n].a.raw, nl_addr_get_binary_addr(local), fam == AF_INET ? 4 : 16);
		n++;
	}
	nl_cache_free(cache);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* One RTM_NEWLINK that moves and renames (do_setlink: the namespace change takes the
 * name as a pattern, then the device is renamed): no window with a half-moved device. */
static int move_link(struct ob_nl *from, int ifindex, const char *name, struct ob_nl *to,
		     const char *new_name, struct ob_err *err)
{
	struct rtnl_link *orig = NULL;
	obnl_reset(from);
	int r = rtnl_link_get_kernel(from->sk, ifindex, NULL, &orig);
	if (r < 0)
		return obnl_fail(from, r, err, "look up interface `%s`", name);
	struct rtnl_link *ch = rtnl_link_alloc();
	rtnl_link_set_ns_fd(ch, to->nsfd);
	if (new_name)
		rtnl_link_set_name(ch, new_name);
	return link_change(from, orig, ch, "move", name, err);
}

int ob_net_link_move(struct ob_nl *from, const char *name, struct ob_nl *to, const char *new_name,
		     bool up, char ret_name[IFNAMSIZ], struct ob_err *err)
{
	int r;
	const char *target = new_name ? new_name : name;
	if ((r = ob_net_ifname_check(target, true, err)) < 0)
		return r;
	int ifindex = 0;
	r = ob_net_link_index(from, name, &ifindex, err);
	if (r < 0)
		return r;
	if (r == 0)
		return ob_error_msg(err, ENODEV, "interface `%s` does not exist", name);
	if (!strchr(target, '%') && (r = name_free(to, target, "the target namespace", err)) < 0)
		return r;
	_cleanup_free_ struct ob_net_ip *addrs = NULL;
	size_t naddrs = 0;
	if ((r = keepable_addrs(from, ifindex, &addrs, &naddrs, err)) < 0)
		return r;

	if ((r = move_link(from, ifindex, name, to, new_name, err)) < 0)
		return r;

	/* Its name there: for a template the kernel chose; the ifindex is kept unless taken. */
	char got[IFNAMSIZ];
	snprintf(got, sizeof(got), "%s", target);
	if (strchr(target, '%')) {
		struct rtnl_link *l = NULL;
		obnl_reset(to);
		if (rtnl_link_get_kernel(to->sk, ifindex, NULL, &l) < 0) {
			r = ob_error_msg(err, ENODEV,
					 "interface `%s` moved, but not found by index %d", name,
					 ifindex);
			goto out;
		}
		snprintf(got, sizeof(got), "%s", rtnl_link_get_name(l));
		rtnl_link_put(l);
	}
	for (size_t i = 0; i < naddrs; i++) {
		r = ob_net_addr_add(to, got, &addrs[i], err);
		if (r < 0 && r != -EEXIST)
			goto fail;
	}
	if (up && (r = ob_net_link_up(to, got, err)) < 0)
		goto fail;
	if (ret_name)
		memcpy(ret_name, got, IFNAMSIZ);
	return 0;

fail : {
	struct ob_err e2;
	int idx = 0;
	if (ob_net_link_index(to, got, &idx, &e2) > 0 &&
	    move_link(to, idx, got, from, name, &e2) == 0) {
		for (size_t i = 0; i < naddrs; i++)
			ob_net_addr_add(from, name, &addrs[i], &e2);
	}
}
out:
	return ob_error_prefix(err, r, "move interface `%s`", name);
}
