/* addr.c - addresses, routes, and the "show" dump of a namespace. */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "../core/util.h"
#include "nl_priv.h"

static int ifindex_of(struct ob_nl *nl, const char *ifname, int *ret, struct ob_err *err)
{
	int r = ob_net_link_index(nl, ifname, ret, err);
	if (r < 0)
		return r;
	if (r == 0)
		return ob_error_msg(err, ENODEV, "interface `%s` does not exist", ifname);
	return 0;
}

int ob_net_addr_add(struct ob_nl *nl, const char *ifname, const struct ob_net_ip *ip,
		    struct ob_err *err)
{
	int idx, r;
	if ((r = ifindex_of(nl, ifname, &idx, err)) < 0)
		return r;
	char text[INET6_ADDRSTRLEN + 5];
	ob_net_ip_format(ip, true, text, sizeof(text));
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = obnl_addr(ip);
	rtnl_addr_set_ifindex(a, idx);
	rtnl_addr_set_family(a, ip->family);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, (int)ip->prefixlen);
	if (ip->family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	obnl_reset(nl);
	r = rtnl_addr_add(nl->sk, a, NLM_F_EXCL);
	nl_addr_put(local);
	rtnl_addr_put(a);
	if (r < 0)
		return obnl_fail(nl, r, err, "add address %s to `%s`", text, ifname);
	return 0;
}

int ob_net_addr_has(struct ob_nl *nl, const char *ifname, const struct ob_net_ip *ip,
		    struct ob_err *err)
{
	int idx, r;
	if ((r = ifindex_of(nl, ifname, &idx, err)) < 0)
		return r;
	struct nl_cache *cache = NULL;
	obnl_reset(nl);
	if ((r = rtnl_addr_alloc_cache(nl->sk, &cache)) < 0)
		return obnl_fail(nl, r, err, "list addresses");
	int found = 0;
	for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);
		if (rtnl_addr_get_ifindex(a) == idx && rtnl_addr_get_family(a) == ip->family &&
		    local && (unsigned)rtnl_addr_get_prefixlen(a) == ip->prefixlen &&
		    memcmp(nl_addr_get_binary_addr(local), ip->a.raw,
			   ip->family == AF_INET ? 4 : 16) == 0)
			found = 1;
	}
	nl_cache_free(cache);
	return found;
}

int ob_net_route_add(struct ob_nl *nl, const struct ob_net_ip *dst, const struct ob_net_ip *gw,
		     const char *ifname, struct ob_err *err)
{
	int idx, r;
	char dtext[INET6_ADDRSTRLEN + 5], gtext[INET6_ADDRSTRLEN] = "";
	if (dst->prefixlen == 0)
		snprintf(dtext, sizeof(dtext), "default");
	else
		ob_net_ip_format(dst, true, dtext, sizeof(dtext));
	if (gw) {
		ob_net_ip_format(gw, false, gtext, sizeof(gtext));
		if (gw->family != dst->family)
			return ob_error_msg(err, EINVAL, "route %s via %s: address families differ",
					    dtext, gtext);
	}
	if ((r = ifindex_of(nl, ifname, &idx, err)) < 0)
		return r;
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *d = obnl_addr(dst);
	rtnl_route_set_family(rt, (uint8_t)dst->family);
	rtnl_route_set_dst(rt, d);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_BOOT);
	rtnl_route_set_type(rt, RTN_UNICAST);
	rtnl_route_set_scope(rt, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	rtnl_route_nh_set_ifindex(nh, idx);
	struct nl_addr *g = NULL;
	if (gw) {
		g = obnl_addr(gw);
		nl_addr_set_prefixlen(g, gw->family == AF_INET ? 32 : 128);
		rtnl_route_nh_set_gateway(nh, g);
	}
	rtnl_route_add_nexthop(rt, nh); /* rt owns nh now */
	obnl_reset(nl);
	r = rtnl_route_add(nl->sk, rt, NLM_F_EXCL);
	nl_addr_put(d);
	if (g)
		nl_addr_put(g);
	rtnl_route_put(rt);
	if (r < 0) {
		if (gw)
			return obnl_fail(nl, r, err, "add route %s via %s dev `%s`", dtext, gtext,
					 ifname);
		return obnl_fail(nl, r, err, "add route %s dev `%s`", dtext, ifname);
	}
	return 0;
}

/* ---- show ------------------------------------------------------------------------------ */

static const char *scope_name(int scope)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE:
		return "global";
	case RT_SCOPE_SITE:
		return "site";
	case RT_SCOPE_LINK:
		return "link";
	case RT_SCOPE_HOST:
		return "host";
	default:
		return "nowhere";
	}
}

static void addr_text(struct nl_addr *a, bool with_prefix, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN] = "";
	int fam = nl_addr_get_family(a);
	if (fam == AF_INET || fam == AF_INET6)
		inet_ntop(fam, nl_addr_get_binary_addr(a), s, sizeof(s));
	if (with_prefix)
		snprintf(buf, len, "%s/%u", s, nl_addr_get_prefixlen(a));
	else
		snprintf(buf, len, "%s", s);
}

static void name_of(struct nl_cache *links, int idx, char buf[IFNAMSIZ])
{
	buf[0] = '\0';
	if (idx > 0)
		rtnl_link_i2name(links, idx, buf, IFNAMSIZ);
}

int ob_net_show(struct ob_nl *nl, const char *only_if, struct ob_net_info *ret, struct ob_err *err)
{
	struct nl_cache *links = NULL, *addrs = NULL, *routes = NULL;
	struct ob_net_info info = {0};
	int r, only_idx = 0;
	obnl_reset(nl);
	if ((r = rtnl_link_alloc_cache(nl->sk, AF_UNSPEC, &links)) < 0) {
		r = obnl_fail(nl, r, err, "list links");
		goto out;
	}
	if (only_if) {
		only_idx = rtnl_link_name2i(links, only_if);
		if (only_idx <= 0) {
			r = ob_error_msg(err, ENODEV, "interface `%s` does not exist", only_if);
			goto out;
		}
	}
	obnl_reset(nl);
	if ((r = rtnl_addr_alloc_cache(nl->sk, &addrs)) < 0) {
		r = obnl_fail(nl, r, err, "list addresses");
		goto out;
	}
	obnl_reset(nl);
	if ((r = rtnl_route_alloc_cache(nl->sk, AF_UNSPEC, 0, &routes)) < 0) {
		r = obnl_fail(nl, r, err, "list routes");
		goto out;
	}
	for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		int idx = rtnl_link_get_ifindex(l);
		if (only_idx && idx != only_idx)
			continue;
		info.links = ob_xrealloc(info.links, (info.nlinks + 1) * sizeof(*info.links));
		struct ob_net_link_info *li = &info.links[info.nlinks++];
		memset(li, 0, sizeof(*li));
		li->index = idx;
		snprintf(li->name, sizeof(li->name), "%s", rtnl_link_get_name(l));
		const char *kind = rtnl_link_get_type(l);
		snprintf(li->kind, sizeof(li->kind), "%s", kind ? kind : "");
		struct nl_addr *mac = rtnl_link_get_addr(l);
		if (mac && nl_addr_get_len(mac) == 6) {
			const uint8_t *m = nl_addr_get_binary_addr(mac);
			snprintf(li->mac, sizeof(li->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
				 m[1], m[2], m[3], m[4], m[5]);
		}
		li->mtu = rtnl_link_get_mtu(l);
		li->up = rtnl_link_get_flags(l) & IFF_UP;
		name_of(links, rtnl_link_get_master(l), li->master);
		for (struct nl_object *ao = nl_cache_get_first(addrs); ao;
		     ao = nl_cache_get_next(ao)) {
			struct rtnl_addr *a = (struct rtnl_addr *)ao;
			if (rtnl_addr_get_ifindex(a) != idx || !rtnl_addr_get_local(a))
				continue;
			int fam = rtnl_addr_get_family(a);
			if (fam != AF_INET && fam != AF_INET6)
				continue;
			li->addrs = ob_xrealloc(li->addrs, (li->naddrs + 1) * sizeof(*li->addrs));
			struct ob_net_addr_info *ai = &li->addrs[li->naddrs++];
			memset(ai, 0, sizeof(*ai));
			ai->family = fam;
			char s[INET6_ADDRSTRLEN + 5];
			addr_text(rtnl_addr_get_local(a), false, s, sizeof(s));
			snprintf(ai->addr, sizeof(ai->addr), "%s/%d", s,
				 rtnl_addr_get_prefixlen(a));
			snprintf(ai->scope, sizeof(ai->scope), "%s",
				 scope_name(rtnl_addr_get_scope(a)));
			ai->permanent = rtnl_addr_get_flags(a) & IFA_F_PERMANENT;
		}
	}
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		int fam = rtnl_route_get_family(rt);
		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    (fam != AF_INET && fam != AF_INET6) || rtnl_route_get_type(rt) != RTN_UNICAST)
			continue;
		struct rtnl_nexthop *nh =
		    rtnl_route_get_nnexthops(rt) > 0 ? rtnl_route_nexthop_n(rt, 0) : NULL;
		int oif = nh ? rtnl_route_nh_get_ifindex(nh) : 0;
		if (only_idx && oif != only_idx)
			continue;
		info.routes = ob_xrealloc(info.routes, (info.nroutes + 1) * sizeof(*info.routes));
		struct ob_net_route_info *ri = &info.routes[info.nroutes++];
		memset(ri, 0, sizeof(*ri));
		ri->family = fam;
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		if (!dst || nl_addr_get_prefixlen(dst) == 0)
			snprintf(ri->dst, sizeof(ri->dst), "default");
		else
			addr_text(dst, true, ri->dst, sizeof(ri->dst));
		if (nh && rtnl_route_nh_get_gateway(nh))
			addr_text(rtnl_route_nh_get_gateway(nh), false, ri->gateway,
				  sizeof(ri->gateway));
		name_of(links, oif, ri->dev);
		snprintf(ri->scope, sizeof(ri->scope), "%s", scope_name(rtnl_route_get_scope(rt)));
		ri->table = rtnl_route_get_table(rt);
	}
	*ret = info;
	memset(&info, 0, sizeof(info));
	r = 0;
out:
	ob_net_info_free(&info);
	if (links)
		nl_cache_free(links);
	if (addrs)
		nl_cache_free(addrs);
	if (routes)
		nl_cache_free(routes);
	return r;
}

void ob_net_info_free(struct ob_net_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->nlinks; i++)
		free(info->links[i].addrs);
	free(info->links);
	free(info->routes);
	memset(info, 0, sizeof(*info));
}
