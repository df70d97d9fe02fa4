/* nl.c - route sockets bound to a network namespace, error mapping, name and address
 * parsing. */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "../core/ns.h"
#include "../core/util.h"
#include "nl_priv.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int ob_netns_open(const char *pid_or_path, int *ret_fd, struct ob_err *err)
{
	if (!pid_or_path || !*pid_or_path)
		return ob_error_msg(err, EINVAL, "empty network namespace");
	bool digits = true;
	for (const char *p = pid_or_path; *p; p++)
		if (!isdigit((unsigned char)*p))
			digits = false;
	if (digits) {
		uint32_t pid;
		if (ob_parse_uint32(pid_or_path, &pid) < 0 || pid == 0)
			return ob_error_msg(err, EINVAL, "`%s`: not a pid", pid_or_path);
		return ob_ns_open_pid((pid_t)pid, OB_NS_NETWORK, ret_fd, err);
	}
	return ob_ns_open(pid_or_path, OB_NS_NETWORK, ret_fd, err);
}

/* Record the kernel's errno and extended ack message (NETLINK_EXT_ACK, netlink(7));
 * libnl would fold errnos it does not know (ENETUNREACH, ...) into NLE_FAILURE. */
static int err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct ob_nl *nl = arg;
	nl->kerr = -e->error;
	nl->kmsg[0] = '\0';
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	size_t off = sizeof(*e);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (hdr->nlmsg_len < NLMSG_HDRLEN + off)
		return NL_STOP;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      (int)(hdr->nlmsg_len - NLMSG_HDRLEN - off), NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->kmsg, sizeof(nl->kmsg), "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_EXIST:
		return EEXIST;
	case NLE_NODEV:
		return ENODEV;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_INVAL:
		return EINVAL;
	case NLE_RANGE:
		return ERANGE;
	case NLE_BUSY:
		return EBUSY;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_NOADDR:
		return EADDRNOTAVAIL;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH:
		return EPROTONOSUPPORT;
	default:
		return EIO;
	}
}

int obnl_fail(struct ob_nl *nl, int nle, struct ob_err *err, const char *fmt, ...)
{
	char what[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	int code = nl && nl->kerr ? nl->kerr : nle_errno(nle);
	if (nl && nl->kmsg[0])
		return ob_error_msg(err, code, "%s: %s (%s)", what, strerror(code), nl->kmsg);
	return ob_error(err, code, "%s", what);
}

struct open_req {
	int nsfd;
	struct nl_sock *sk;
	int err;	  /* errno */
	const char *step; /* what failed */
};

static void *open_in_ns(void *arg)
{
	struct open_req *o = arg;
	/* setns(2) with CLONE_NEWNET changes only this thread; the socket created below stays
	 * bound to that namespace after the thread is gone. */
	if (o->nsfd >= 0 && setns(o->nsfd, CLONE_NEWNET) < 0) {
		o->err = errno;
		o->step = "setns";
		return NULL;
	}
	o->sk = nl_socket_alloc();
	if (!o->sk) {
		o->err = ENOMEM;
		o->step = "netlink socket";
		return NULL;
	}
	int r = nl_connect(o->sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(o->sk);
		o->sk = NULL;
		o->err = nle_errno(r);
		o->step = "netlink connect";
	}
	return NULL;
}

int ob_nl_open(int nsfd, struct ob_nl **ret, struct ob_err *err)
{
	struct open_req o = {.nsfd = nsfd};
	_cleanup_close_ int own = -1;
	if (nsfd >= 0) {
		pthread_t t;
		int r = pthread_create(&t, NULL, open_in_ns, &o);
		if (r != 0)
			return ob_error(err, r, "start a thread to enter the network namespace");
		pthread_join(t, NULL);
		own = fcntl(nsfd, F_DUPFD_CLOEXEC, 3);
	} else {
		open_in_ns(&o);
		own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	}
	if (!o.sk)
		return ob_error(err, o.err, "%s", o.step);
	if (own < 0) {
		int e = errno;
		nl_socket_free(o.sk);
		return ob_error(err, e, "keep the network namespace fd");
	}
	struct ob_nl *nl = ob_xcalloc(1, sizeof(*nl));
	nl->sk = o.sk;
	nl->nsfd = TAKE_FD(own);
	int one = 1;
	/* Extended acks give the kernel's reason ("Invalid prefix for given prefix length"). */
	(void)setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, err_cb, nl);
	*ret = nl;
	return 0;
}

void ob_nl_close(struct ob_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	if (nl->nsfd >= 0)
		close(nl->nsfd);
	free(nl);
}

/* ---- parsing ---------------------------------------------------------------------------- */

int ob_net_ifname_check(const char *name, bool allow_template, struct ob_err *err)
{
	if (!name || !*name)
		return ob_error_msg(err, EINVAL, "empty interface name");
	size_t len = strlen(name);
	if (len >= IFNAMSIZ)
		return ob_error_msg(err, EINVAL,
				    "interface name `%s` is too long (%zu bytes, at most %d)", name,
				    len, IFNAMSIZ - 1);
	if (streq(name, ".") || streq(name, ".."))
		return ob_error_msg(err, EINVAL, "`%s` is not a valid interface name", name);
	int templates = 0;
	for (const char *p = name; *p; p++) {
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return ob_error_msg(err, EINVAL, "interface name `%s`: `%c` is not allowed",
					    name, *p);
		if (*p == '%') {
			if (!allow_template || p[1] != 'd')
				return ob_error_msg(err, EINVAL,
						    "interface name `%s`: `%%` is not allowed%s",
						    name, allow_template ? " (only one %d)" : "");
			templates++;
		}
	}
	if (templates > 1)
		return ob_error_msg(err, EINVAL, "interface name `%s`: only one %%d", name);
	return 0;
}

int ob_net_parse_ip(const char *s, bool need_prefix, struct ob_net_ip *ret, struct ob_err *err)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct ob_net_ip ip = {0};
	if (!s || strlen(s) >= sizeof(buf))
		return ob_error_msg(err, EINVAL, "`%s`: not an IP address", s ? s : "");
	strcpy(buf, s);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &ip.a.v4) == 1)
		ip.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &ip.a.v6) == 1)
		ip.family = AF_INET6;
	else
		return ob_error_msg(err, EINVAL, "`%s`: not an IP address", s);
	unsigned max = ip.family == AF_INET ? 32 : 128;
	ip.prefixlen = max;
	if (slash) {
		uint32_t n;
		if (!isdigit((unsigned char)*slash) || ob_parse_uint32(slash, &n) < 0 || n > max)
			return ob_error_msg(err, EINVAL, "`%s`: prefix length must be 0..%u", s,
					    max);
		ip.prefixlen = n;
	} else if (need_prefix) {
		return ob_error_msg(err, EINVAL, "`%s`: needs a prefix length (ADDRESS/N)", s);
	}
	*ret = ip;
	return 0;
}

int ob_net_parse_dst(const char *s, int family_hint, struct ob_net_ip *ret, struct ob_err *err)
{
	struct ob_net_ip ip = {0};
	if (s && streq(s, "default")) {
		ip.family = family_hint ? family_hint : AF_INET;
		*ret = ip;
		return 0;
	}
	int r = ob_net_parse_ip(s, true, &ip, err);
	if (r < 0)
		return r;
	size_t bytes = ip.family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < bytes; i++) {
		unsigned bit0 = (unsigned)i * 8;
		uint8_t mask = bit0 >= ip.prefixlen ? 0xff
			       : ip.prefixlen - bit0 >= 8
				   ? 0
				   : (uint8_t)(0xff >> (ip.prefixlen - bit0));
		if (ip.a.raw[i] & mask)
			return ob_error_msg(err, EINVAL,
					    "`%s`: host bits set in a route destination", s);
	}
	*ret = ip;
	return 0;
}

int ob_net_parse_mac(const char *s, uint8_t ret[6], struct ob_err *err)
{
	uint8_t m[6];
	int n = 0;
	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5], &n) != 6 ||
	    n != 17)
		return ob_error_msg(err, EINVAL, "`%s`: not a MAC address (xx:xx:xx:xx:xx:xx)",
				    s ? s : "");
	for (int i = 2; i < 17; i += 3)
		if (s[i] != ':')
			return ob_error_msg(err, EINVAL,
					    "`%s`: not a MAC address (xx:xx:xx:xx:xx:xx)", s);
	if (m[0] & 1)
		return ob_error_msg(err, EINVAL,
				    "`%s`: a multicast MAC address cannot be an interface's", s);
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return ob_error_msg(err, EINVAL, "`%s`: the all-zero MAC address", s);
	memcpy(ret, m, 6);
	return 0;
}

void ob_net_ip_format(const struct ob_net_ip *ip, bool with_prefix, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(ip->family, ip->a.raw, a, sizeof(a));
	if (with_prefix)
		snprintf(buf, len, "%s/%u", a, ip->prefixlen);
	else
		snprintf(buf, len, "%s", a);
}

struct nl_addr *obnl_addr(const struct ob_net_ip *ip)
{
	struct nl_addr *a = nl_addr_build(ip->family, ip->a.raw, ip->family == AF_INET ? 4 : 16);
	if (!a)
		abort(); /* out of memory, as ob_xmalloc */
	nl_addr_set_prefixlen(a, (int)ip->prefixlen);
	return a;
}
