/* veth-setup - a veth pair into a network namespace: as a command, as an OCI hook, and
 * as a CNI plugin (when CNI_COMMAND is set). All netlink work is in netutil/. */
#include <sys/random.h>

#include "../core/ns.h"
#include "../core/spec.h"
#include "../core/state.h"
#include "../netutil/netutil.h"
#include "applet.h"

const char veth_setup_usage[] =
    "Usage: veth-setup add (--netns PID|PATH | --container ID) [OPTIONS]\n"
    "       veth-setup del --host-if NAME | --netns PID|PATH --if NAME\n"
    "       veth-setup show --netns PID|PATH [--if NAME]\n"
    "       veth-setup move --netns PID|PATH --dev DEV [--if NAME] [--back]\n"
    "       CNI_COMMAND=ADD|DEL|CHECK|VERSION|GC|STATUS veth-setup < netconf.json\n\n"
    "Create a veth pair with one end in a network namespace, configure both ends, and\n"
    "print what was made as JSON. Any failure removes what was made.\n\n"
    "  --netns PID|PATH    the target namespace (/proc/PID/ns/net or a path, /run/netns/X)\n"
    "  --container ID      the namespace of the init of container ID (global --root)\n"
    "  --host-if NAME      host end (default: veth + 8 random hex digits)\n"
    "  --if NAME           end in the namespace (default eth0)\n"
    "  --addr CIDR         address of the namespace end (IPv4 or IPv6; repeatable)\n"
    "  --host-addr CIDR    address of the host end (repeatable)\n"
    "  --gateway IP        default route via IP in the namespace\n"
    "  --route CIDR[,via IP]  route in the namespace, via a gateway or on-link (repeatable)\n"
    "  --mtu N             MTU of both ends\n"
    "  --mac MAC           MAC address of the namespace end\n"
    "  --bridge BR         attach the host end to bridge BR\n"
    "  --bridge-create     create BR when it does not exist\n"
    "  --dev DEV, --back   move: host device DEV into the namespace as NAME (default DEV,\n"
    "                      \"%d\" lets the kernel number it) with its permanent addresses, as\n"
    "                      linux.netDevices; --back returns NAME to the host as DEV\n\n"
    "As an OCI hook (createRuntime): with no --netns and stdin not a terminal, the state\n"
    "JSON on stdin gives the pid. As a CNI plugin, install a symlink named veth-setup in a\n"
    "CNI_PATH directory and use \"type\": \"veth-setup\" (see netutil/cni.c for the fields).\n";

enum {
	OPT_NETNS = 256,
	OPT_CONTAINER,
	OPT_HOST_IF,
	OPT_IF,
	OPT_ADDR,
	OPT_HOST_ADDR,
	OPT_GATEWAY,
	OPT_ROUTE,
	OPT_MTU,
	OPT_MAC,
	OPT_BRIDGE,
	OPT_BRIDGE_CREATE,
	OPT_DEV,
	OPT_BACK
};

static const struct option longopts[] = {
    {"netns", required_argument, NULL, OPT_NETNS},
    {"container", required_argument, NULL, OPT_CONTAINER},
    {"host-if", required_argument, NULL, OPT_HOST_IF},
    {"if", required_argument, NULL, OPT_IF},
    {"addr", required_argument, NULL, OPT_ADDR},
    {"host-addr", required_argument, NULL, OPT_HOST_ADDR},
    {"gateway", required_argument, NULL, OPT_GATEWAY},
    {"route", required_argument, NULL, OPT_ROUTE},
    {"mtu", required_argument, NULL, OPT_MTU},
    {"mac", required_argument, NULL, OPT_MAC},
    {"bridge", required_argument, NULL, OPT_BRIDGE},
    {"bridge-create", no_argument, NULL, OPT_BRIDGE_CREATE},
    {"dev", required_argument, NULL, OPT_DEV},
    {"back", no_argument, NULL, OPT_BACK},
    {NULL, 0, NULL, 0},
};

struct args {
	const char *netns, *container, *host_if, *ifname, *gateway, *mac, *bridge, *dev;
	bool bridge_create, back, if_given;
	unsigned mtu;
	struct ob_net_ip addrs[16], host_addrs[16];
	size_t naddrs, nhost_addrs;
	struct ob_net_route_req routes[32];
	size_t nroutes;
};

/* "CIDR", "CIDR,via IP", "CIDR,via=IP" or "CIDR,IP". */
static int parse_route(const char *s, struct ob_net_route_req *ret, struct ob_err *err)
{
	char buf[128];
	if (strlen(s) >= sizeof(buf))
		return ob_error_msg(err, EINVAL, "route `%s`: too long", s);
	strcpy(buf, s);
	char *via = strchr(buf, ',');
	if (via) {
		*via++ = '\0';
		if (startswith(via, "via ") || startswith(via, "via="))
			via += 4;
	}
	struct ob_net_route_req rt = {0};
	int r = ob_net_parse_dst(buf, 0, &rt.dst, err);
	if (r < 0)
		return ob_error_prefix(err, r, "--route");
	if (via) {
		if ((r = ob_net_parse_ip(via, false, &rt.gw, err)) < 0)
			return ob_error_prefix(err, r, "--route `%s` via", buf);
		if (streq(buf, "default"))
			rt.dst.family = rt.gw.family;
		if (rt.gw.family != rt.dst.family)
			return ob_error_msg(err, EINVAL,
					    "--route `%s`: destination and gateway families differ",
					    s);
		rt.has_gw = true;
	}
	*ret = rt;
	return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	struct ob_err err = {0};
	int c;
	a->ifname = "eth0";
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		int r = 0;
		switch (c) {
		case OPT_NETNS:
			a->netns = optarg;
			break;
		case OPT_CONTAINER:
			a->container = optarg;
			break;
		case OPT_HOST_IF:
			a->host_if = optarg;
			break;
		case OPT_IF:
			a->ifname = optarg;
			a->if_given = true;
			break;
		case OPT_DEV:
			a->dev = optarg;
			break;
		case OPT_BACK:
			a->back = true;
			break;
		case OPT_GATEWAY:
			a->gateway = optarg;
			break;
		case OPT_MAC:
			a->mac = optarg;
			break;
		case OPT_BRIDGE:
			a->bridge = optarg;
			break;
		case OPT_BRIDGE_CREATE:
			a->bridge_create = true;
			break;
		case OPT_ADDR:
			if (a->naddrs == ARRAY_SIZE(a->addrs))
				return ob_usage_error("too many --addr");
			r = ob_net_parse_ip(optarg, true, &a->addrs[a->naddrs++], &err);
			break;
		case OPT_HOST_ADDR:
			if (a->nhost_addrs == ARRAY_SIZE(a->host_addrs))
				return ob_usage_error("too many --host-addr");
			r = ob_net_parse_ip(optarg, true, &a->host_addrs[a->nhost_addrs++], &err);
			break;
		case OPT_ROUTE:
			if (a->nroutes == ARRAY_SIZE(a->routes))
				return ob_usage_error("too many --route");
			r = parse_route(optarg, &a->routes[a->nroutes++], &err);
			break;
		case OPT_MTU: {
			uint32_t v;
			if (ob_parse_uint32(optarg, &v) < 0 || v < 68 || v > 65535)
				return ob_usage_error("--mtu `%s`: not a number in 68..65535",
						      optarg);
			a->mtu = v;
			break;
		}
		default:
			return ob_usage_error("unknown option");
		}
		if (r < 0)
			return ob_usage_error("%s", err.msg);
	}
	if (a->netns && a->container)
		return ob_usage_error("--netns and --container exclude each other");
	return -1;
}

static int open_target(const struct args *a, int *ret_fd, char **ret_name, struct ob_err *err)
{
	if (a->container) {
		_cleanup_state_ struct ob_state *st = NULL;
		int r = ob_state_load(ob_opts.root, a->container, &st, err);
		if (r < 0)
			return r;
		if (!ob_state_init_alive(st))
			return ob_error_msg(err, ESRCH,
					    "container `%s` is %s: it has no network namespace",
					    a->container, ob_status_name(ob_state_status(st)));
		r = ob_ns_open_pid(st->pid, OB_NS_NETWORK, ret_fd, err);
		/* the pid could have died and been reused between the check and the open */
		if (r >= 0 && !ob_state_init_alive(st)) {
			close(*ret_fd);
			return ob_error_msg(err, ESRCH, "container `%s` stopped", a->container);
		}
		if (r >= 0)
			*ret_name = ob_xasprintf("/proc/%d/ns/net", (int)st->pid);
		return r;
	}
	int r = ob_netns_open(a->netns, ret_fd, err);
	if (r < 0)
		return r;
	bool digits = strspn(a->netns, "0123456789") == strlen(a->netns);
	*ret_name = digits ? ob_xasprintf("/proc/%s/ns/net", a->netns) : ob_xstrdup(a->netns);
	return 0;
}

static int fail(struct ob_err *err)
{
	ob_log_error("%s", err->msg);
	return OB_EXIT_FAIL;
}

static int cmd_add(struct args *a)
{
	struct ob_err err = {0};
	char pidbuf[16];
	if (!a->netns && !a->container) {
		if (isatty(STDIN_FILENO))
			return ob_usage_error(
			    "add needs --netns or --container (or the OCI state on stdin)");
		_cleanup_free_ char *state = NULL;
		pid_t pid;
		if (ob_read_fd(STDIN_FILENO, &state, NULL, &err) < 0 ||
		    ob_oci_state_pid(state, &pid, &err) < 0)
			return fail(&err);
		snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
		a->netns = pidbuf;
	}
	char host_if[IFNAMSIZ];
	if (!a->host_if) {
		uint32_t rnd;
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)getpid() ^ (uint32_t)ob_now_ns();
		snprintf(host_if, sizeof(host_if), "veth%08x", rnd);
		a->host_if = host_if;
	}
	struct ob_net_ip gw;
	if (a->gateway) {
		if (ob_net_parse_ip(a->gateway, false, &gw, &err) < 0)
			return ob_usage_error("--gateway: %s", err.msg);
		if (a->nroutes == ARRAY_SIZE(a->routes))
			return ob_usage_error("too many routes");
		struct ob_net_route_req *rt = &a->routes[a->nroutes++];
		memset(rt, 0, sizeof(*rt));
		rt->dst.family = gw.family;
		rt->gw = gw;
		rt->has_gw = true;
	}
	uint8_t mac[6];
	if (a->mac && ob_net_parse_mac(a->mac, mac, &err) < 0)
		return ob_usage_error("--mac: %s", err.msg);

	_cleanup_close_ int nsfd = -1;
	_cleanup_free_ char *nsname = NULL;
	if (open_target(a, &nsfd, &nsname, &err) < 0)
		return fail(&err);
	struct ob_veth_setup s = {
	    .host_nsfd = -1,
	    .ctr_nsfd = nsfd,
	    .host_if = a->host_if,
	    .ctr_if = a->ifname,
	    .addrs = a->addrs,
	    .naddrs = a->naddrs,
	    .host_addrs = a->host_addrs,
	    .nhost_addrs = a->nhost_addrs,
	    .routes = a->routes,
	    .nroutes = a->nroutes,
	    .mtu = a->mtu,
	    .mac = a->mac ? mac : NULL,
	    .bridge = a->bridge,
	    .bridge_create = a->bridge_create,
	};
	if (ob_veth_setup(&s, &err) < 0)
		return fail(&err);

	_cleanup_nl_ struct ob_nl *hnl = NULL, *cnl = NULL;
	struct ob_net_info hi = {0}, ci = {0};
	if (ob_nl_open(-1, &hnl, &err) < 0 || ob_nl_open(nsfd, &cnl, &err) < 0 ||
	    ob_net_show(hnl, a->host_if, &hi, &err) < 0 ||
	    ob_net_show(cnl, a->ifname, &ci, &err) < 0) {
		ob_net_info_free(&hi);
		return fail(&err);
	}
	_cleanup_free_ char *json = ob_veth_json(&hi, NULL, &ci, nsname);
	printf("%s\n", json);
	ob_net_info_free(&hi);
	ob_net_info_free(&ci);
	return OB_EXIT_OK;
}

static int cmd_del(struct args *a)
{
	struct ob_err err = {0};
	_cleanup_close_ int nsfd = -1;
	_cleanup_free_ char *nsname = NULL;
	const char *name = a->host_if;
	if (a->netns || a->container) {
		if (open_target(a, &nsfd, &nsname, &err) < 0)
			return fail(&err);
		if (!a->host_if)
			name = a->ifname;
		else
			nsfd = (close(nsfd), -1); /* --host-if names the end in our namespace */
	} else if (!name) {
		return ob_usage_error("del needs --host-if NAME or --netns ... --if NAME");
	}
	_cleanup_nl_ struct ob_nl *nl = NULL;
	if (ob_net_ifname_check(name, false, &err) < 0 || ob_nl_open(nsfd, &nl, &err) < 0 ||
	    ob_net_link_del(nl, name, &err) < 0)
		return fail(&err);
	return OB_EXIT_OK;
}

static int cmd_show(struct args *a, bool only_if)
{
	struct ob_err err = {0};
	_cleanup_close_ int nsfd = -1;
	_cleanup_free_ char *nsname = NULL;
	if ((a->netns || a->container) && open_target(a, &nsfd, &nsname, &err) < 0)
		return fail(&err);
	_cleanup_nl_ struct ob_nl *nl = NULL;
	struct ob_net_info info = {0};
	if (ob_nl_open(nsfd, &nl, &err) < 0 ||
	    ob_net_show(nl, only_if ? a->ifname : NULL, &info, &err) < 0)
		return fail(&err);
	_cleanup_free_ char *json = ob_net_info_json(&info);
	printf("%s\n", json);
	ob_net_info_free(&info);
	return OB_EXIT_OK;
}

static int cmd_move(struct args *a)
{
	struct ob_err err = {0};
	if (!a->dev || (!a->netns && !a->container))
		return ob_usage_error("move needs --netns (or --container) and --dev");
	_cleanup_close_ int nsfd = -1;
	_cleanup_free_ char *nsname = NULL;
	if (open_target(a, &nsfd, &nsname, &err) < 0)
		return fail(&err);
	struct ob_net_device d = {.host_name = (char *)a->dev,
				  .name = a->if_given ? (char *)a->ifname : NULL};
	int r = a->back ? ob_net_devices_move_out(nsfd, &d, 1, &err)
			: ob_net_devices_move_in(nsfd, &d, 1, &err);
	return r < 0 ? fail(&err) : OB_EXIT_OK;
}

int veth_setup_main(int argc, char **argv)
{
	const char *cni = getenv("CNI_COMMAND");
	if (cni && *cni) {
		_cleanup_free_ char *in = NULL;
		struct ob_err err = {0};
		/* VERSION may come with an empty stdin; the plugin code decides. */
		if (ob_read_fd(STDIN_FILENO, &in, NULL, &err) < 0)
			in = NULL;
		_cleanup_free_ char *out = NULL;
		int status = ob_cni_run(in, &out);
		if (out) {
			fputs(out, stdout);
			fputc('\n', stdout);
		}
		return status;
	}
	if (argc < 2)
		return ob_usage_error("missing command (add, del, show or move)");
	const char *verb = argv[1];
	struct args a = {0};
	int r = parse_args(argc - 1, argv + 1, &a);
	if (r >= 0)
		return r;
	if (optind + 1 < argc)
		return ob_usage_error("unexpected argument `%s`", argv[optind + 1]);
	if (streq(verb, "add"))
		return cmd_add(&a);
	if (streq(verb, "del"))
		return cmd_del(&a);
	if (streq(verb, "show"))
		return cmd_show(&a, a.if_given);
	if (streq(verb, "move"))
		return cmd_move(&a);
	return ob_usage_error("unknown command `%s` (add, del, show or move)", verb);
}
