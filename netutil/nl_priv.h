/* nl_priv.h - what the netutil sources share: the socket object and error mapping. */
#ifndef OB_NL_PRIV_H
#define OB_NL_PRIV_H

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "netutil.h"

struct ob_nl {
	struct nl_sock *sk;
	int nsfd;	/* the namespace the socket lives in (owned) */
	int kerr;	/* errno of the last NLMSG_ERROR (0: none) */
	char kmsg[160]; /* its extended ack message, when the kernel gave one */
};

/* Before a request: forget the last kernel error. */
static inline void obnl_reset(struct ob_nl *nl)
{
	nl->kerr = 0;
	nl->kmsg[0] = '\0';
}

/* Turn a libnl return (-NLE_*) into -errno with "<what>: <strerror> (<kernel msg>)". */
int obnl_fail(struct ob_nl *nl, int nle, struct ob_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The link named name (a reference: rtnl_link_put it). 0, or -ENODEV / -errno. */
int obnl_get_link(struct ob_nl *nl, const char *name, struct rtnl_link **ret, struct ob_err *err);

struct nl_addr *obnl_addr(const struct ob_net_ip *ip);

#endif
