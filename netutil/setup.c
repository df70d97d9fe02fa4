/* setup.c - veth-setup's whole job, all or nothing. */
#include <stdio.h>

#include "../core/util.h"
#include "netutil.h"

int ob_veth_setup(const struct ob_veth_setup *s, struct ob_err *err)
{
	_cleanup_nl_ struct ob_nl *host = NULL, *ctr = NULL;
	bool made_pair = false, made_bridge = false;
	struct ob_err e2;
	int r;

	if ((r = ob_net_ifname_check(s->host_if, false, err)) < 0 ||
	    (r = ob_net_ifname_check(s->ctr_if, false, err)) < 0)
		return r;
	if (s->bridge && (r = ob_net_ifname_check(s->bridge, false, err)) < 0)
		return r;
	if ((r = ob_nl_open(s->host_nsfd, &host, err)) < 0)
		return ob_error_prefix(err, r, "host network namespace");
	if ((r = ob_nl_open(s->ctr_nsfd, &ctr, err)) < 0)
		return ob_error_prefix(err, r, "container network namespace");

	if (s->bridge) {
		r = ob_net_bridge_check(host, s->bridge, err);
		if (r < 0)
			return r;
		if (r == 0 && !s->bridge_create)
			return ob_error_msg(err, ENODEV,
					    "bridge `%s` does not exist (--bridge-create makes it)",
					    s->bridge);
		if (r == 0) {
			if ((r = ob_net_bridge_add(host, s->bridge, err)) < 0)
				return r;
			made_bridge = true;
		}
	}

	struct ob_veth_req req = {
	    .host_if = s->host_if,
	    .peer_if = s->ctr_if,
	    .mtu = s->mtu,
	    .peer_mac = s->mac,
	    .master = s->bridge,
	};
	if ((r = ob_net_veth_add(host, ctr, &req, err)) < 0)
		goto fail;
	made_pair = true;

	for (size_t i = 0; i < s->nhost_addrs; i++)
		if ((r = ob_net_addr_add(host, s->host_if, &s->host_addrs[i], err)) < 0)
			goto fail;
	for (size_t i = 0; i < s->naddrs; i++)
		if ((r = ob_net_addr_add(ctr, s->ctr_if, &s->addrs[i], err)) < 0)
			goto fail;
	if ((r = ob_net_link_up(ctr, "lo", err)) < 0)
		goto fail;
	for (size_t i = 0; i < s->nroutes; i++) {
		const struct ob_net_route_req *rt = &s->routes[i];
		if ((r = ob_net_route_add(ctr, &rt->dst, rt->has_gw ? &rt->gw : NULL, s->ctr_if,
					  err)) < 0)
			goto fail;
	}
	return 0;

fail:
	/* Deleting one end of a veth deletes both, wherever the peer is. */
	if (made_pair)
		ob_net_link_del(host, s->host_if, &e2);
	if (made_bridge)
		ob_net_link_del(host, s->bridge, &e2);
	return r;
}
