/* cni.c - veth-setup as a CNI plugin (cni-spec SPEC.md, versions 0.3.0 to 1.1.0).
 *
 * Installed as a symlink named `veth-setup` in a CNI_PATH directory (the dispatcher picks
 * the applet by argv[0]); the network configuration uses "type": "veth-setup".
 * Plugin fields (all optional):
 *   "addresses": ["10.0.0.2/24", ...]   container end addresses (besides IPAM's)
 *   "hostAddresses": ["10.0.0.1/24"]    host end addresses
 *   "gateway": "10.0.0.1"               default route via it
 *   "routes": [{"dst": "10.1.0.0/16", "gw": "10.0.0.1"}]
 *   "mtu": 1400, "mac": "02:..."        (runtimeConfig.mac and CNI_ARGS MAC= too)
 *   "bridge": "cni0"                    enslave the host end (created when missing)
 *   "isGateway": true                   put IPAM's gateway addresses on the bridge
 *                                       (or the host end when there is no bridge)
 *   "ipam": {"type": "host-local", ...} delegated on CNI_PATH (SPEC.md section 4)
 *   "dns": {...}                        copied into the result
 * The host end is named "veth" + 8 hex digits of a hash of (CNI_CONTAINERID, CNI_IFNAME):
 * DEL finds it again without state, even when the namespace is gone.
 */
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../core/util.h"
#include "netutil.h"

static const char *const supported[] = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};

enum {
	CNI_ERR_VERSION = 1,
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_CONFIG = 7,
	CNI_ERR_AGAIN = 11,
	CNI_ERR_PLUGIN = 100, /* 100+: ours; 100 a network operation failed */
	CNI_ERR_IPAM = 101,   /* the IPAM plugin failed without an error object */
};

struct cni_err {
	int code;
	char msg[128];
	char details[512];
};

static int cerr(struct cni_err *e, int code, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cerr(struct cni_err *e, int code, const char *msg, const char *fmt, ...)
{
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->details, sizeof(e->details), fmt, ap);
	va_end(ap);
	return -1;
}

static char *error_json(const char *version, const struct cni_err *e)
{
	json_t *o = json_pack("{s:s, s:i, s:s, s:s}", "cniVersion", version ? version : "1.1.0",
			      "code", e->code, "msg", e->msg, "details", e->details);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int version_cmp(const char *a, const char *b)
{
	unsigned x[3] = {0}, y[3] = {0};
	sscanf(a, "%u.%u.%u", &x[0], &x[1], &x[2]);
	sscanf(b, "%u.%u.%u", &y[0], &y[1], &y[2]);
	for (int i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* ---- the request ------------------------------------------------------------------------ */

#define MAX_IPS 16

struct cni_ip {
	struct ob_net_ip ip;
	bool has_gw;
	struct ob_net_ip gw;
};

struct cni_req {
	const char *cmd, *version, *containerid, *netns, *ifname, *path;
	json_t *conf; /* the whole stdin object (borrowed) */
	json_t *ipam; /* conf.ipam when it has a type */
	const char *ipam_type;
	const char *bridge;
	bool is_gateway;
	unsigned mtu;
	bool has_mac;
	uint8_t mac[6];
	struct cni_ip ips[MAX_IPS]; /* container end */
	size_t nips;
	struct ob_net_ip host_addrs[MAX_IPS];
	size_t nhost_addrs;
	struct ob_net_route_req routes[MAX_IPS * 2];
	size_t nroutes;
	char host_if[IFNAMSIZ];
};

static int parse_ip_field(json_t *v, const char *path, bool need_prefix, struct ob_net_ip *ret,
			  struct cni_err *e)
{
	struct ob_err oe = {0};
	if (!json_is_string(v))
		return cerr(e, CNI_ERR_CONFIG, "invalid network config", "%s: not a string", path);
	if (ob_net_parse_ip(json_string_value(v), need_prefix, ret, &oe) < 0)
		return cerr(e, CNI_ERR_CONFIG, "invalid network config", "%s: %s", path, oe.msg);
	return 0;
}

static int add_route(struct cni_req *q, json_t *rt, const char *path, struct cni_err *e)
{
	struct ob_err oe = {0};
	json_t *dst = json_object_get(rt, "dst"), *gw = json_object_get(rt, "gw");
	if (q->nroutes == ARRAY_SIZE(q->routes))
		return cerr(e, CNI_ERR_CONFIG, "invalid network config", "%s: too many routes",
			    path);
	struct ob_net_route_req *r = &q->routes[q->nroutes];
	memset(r, 0, sizeof(*r));
	if (!json_is_string(dst))
		return cerr(e, CNI_ERR_CONFIG, "invalid network config",
			    "%s.dst: missing or not a string", path);
	if (ob_net_parse_dst(json_string_value(dst), 0, &r->dst, &oe) < 0)
		return cerr(e, CNI_ERR_CONFIG, "invalid network config", "%s.dst: %s", path,
			    oe.msg);
	if (gw && !json_is_null(gw)) {
		char p2[96];
		snprintf(p2, sizeof(p2), "%s.gw", path);
		if (parse_ip_field(gw, p2, false, &r->gw, e) < 0)
			return -1;
		if (r->gw.family != r->dst.family)
			return cerr(e, CNI_ERR_CONFIG, "invalid network config",
				    "%s: dst and gw families differ", path);
		r->has_gw = true;
	}
	q->nroutes++;
	return 0;
}

/* Each route of the array arr (named name in errors). */
static int add_routes(struct cni_req *q, json_t *arr, const char *name, struct cni_err *e)
{
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item)
	{
		char path[48];
		snprintf(path, sizeof(path), "%s[%zu]", name, i);
		if (add_route(q, item, path, e) < 0)
			return -1;
	}
	return 0;
}

/* A container address ("10.0.0.2/24"), with its gateway when gw is a string. */
static int add_ip(struct cni_req *q, json_t *v, json_t *gw, const char *path, const char *too_many,
		  struct cni_err *e)
{
	if (q->nips == MAX_IPS)
		return cerr(e, CNI_ERR_CONFIG, "invalid network config", "%s", too_many);
	struct cni_ip *ip = &q->ips[q->nips];
	memset(ip, 0, sizeof(*ip));
	if (parse_ip_field(v, path, true, &ip->ip, e) < 0)
		return -1;
	if (gw && json_is_string(gw)) {
		if (parse_ip_field(gw, path, false, &ip->gw, e) < 0)
			return -1;
		ip->has_gw = true;
	}
	q->nips++;
	return 0;
}

static int parse_env(struct cni_req *q, bool need_netns, struct cni_err *e)
{
	q->containerid = getenv("CNI_CONTAINERID");
	q->netns = getenv("CNI_NETNS");
	q->ifname = getenv("CNI_IFNAME");
	q->path = getenv("CNI_PATH");
	char missing[96] = "";
	if (!q->containerid || !*q->containerid)
		strcat(missing, " CNI_CONTAINERID");
	if (need_netns && (!q->netns || !*q->netns))
		strcat(missing, " CNI_NETNS");
	if (!q->ifname || !*q->ifname)
		strcat(missing, " CNI_IFNAME");
	if (missing[0])
		return cerr(e, CNI_ERR_ENV, "missing environment variables",
			    "required but not set:%s", missing);
	struct ob_err oe = {0};
	if (ob_net_ifname_check(q->ifname, false, &oe) < 0)
		return cerr(e, CNI_ERR_ENV, "invalid CNI_IFNAME", "CNI_IFNAME: %s", oe.msg);
	/* CNI_ARGS: "K=V;K=V" - MAC= is ours; the rest is for IPAM (IP=) or ignored. */
	const char *args = getenv("CNI_ARGS");
	if (args && *args) {
		_cleanup_free_ char *copy = ob_xstrdup(args);
		char *save = NULL;
		for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
			char *eq = strchr(kv, '=');
			if (!eq || eq == kv)
				return cerr(e, CNI_ERR_ENV, "invalid CNI_ARGS",
					    "CNI_ARGS: `%s` is not KEY=VALUE", kv);
			*eq = '\0';
			if (streq(kv, "MAC")) {
				if (ob_net_parse_mac(eq + 1, q->mac, &oe) < 0)
					return cerr(e, CNI_ERR_ENV, "invalid CNI_ARGS",
						    "CNI_ARGS MAC: %s", oe.msg);
				q->has_mac = true;
			}
		}
	}
	/* A stable host-end name: FNV-1a of "containerid/ifname". */
	uint32_t h = 2166136261u;
	for (const char *p = q->containerid; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *p = q->ifname; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(q->host_if, sizeof(q->host_if), "veth%08x", h);
	return 0;
}

/* The plugin's own fields. */
static int parse_conf(struct cni_req *q, struct cni_err *e)
{
	json_t *c = q->conf, *v;
	struct ob_err oe = {0};
	if ((v = json_object_get(c, "mtu")) && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 68 ||
		    json_integer_value(v) > 65535)
			return cerr(e, CNI_ERR_CONFIG, "invalid network config",
				    "mtu: must be an integer in 68..65535");
		q->mtu = (unsigned)json_integer_value(v);
	}
	const char *mac = NULL;
	json_t *rc = json_object_get(c, "runtimeConfig");
	if ((v = json_object_get(rc, "mac")) && json_is_string(v))
		mac = json_string_value(v);
	else if ((v = json_object_get(c, "mac")) && json_is_string(v))
		mac = json_string_value(v);
	if (mac && !q->has_mac) {
		if (ob_net_parse_mac(mac, q->mac, &oe) < 0)
			return cerr(e, CNI_ERR_CONFIG, "invalid network config", "mac: %s", oe.msg);
		q->has_mac = true;
	}
	if ((v = json_object_get(c, "bridge")) && !json_is_null(v)) {
		if (!json_is_string(v) || ob_net_ifname_check(json_string_value(v), false, &oe) < 0)
			return cerr(e, CNI_ERR_CONFIG, "invalid network config", "bridge: %s",
				    json_is_string(v) ? oe.msg : "not a string");
		q->bridge = json_string_value(v);
	}
	q->is_gateway = json_is_true(json_object_get(c, "isGateway"));
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(c, "addresses"), i, item)
	{
		char path[32];
		snprintf(path, sizeof(path), "addresses[%zu]", i);
		if (add_ip(q, item, NULL, path, "addresses: too many", e) < 0)
			return -1;
	}
	json_array_foreach(json_object_get(c, "hostAddresses"), i, item)
	{
		char path[32];
		snprintf(path, sizeof(path), "hostAddresses[%zu]", i);
		if (q->nhost_addrs == MAX_IPS)
			return cerr(e, CNI_ERR_CONFIG, "invalid network config",
				    "hostAddresses: too many");
		if (parse_ip_field(item, path, true, &q->host_addrs[q->nhost_addrs++], e) < 0)
			return -1;
	}
	if ((v = json_object_get(c, "gateway")) && !json_is_null(v)) {
		struct ob_net_ip gw;
		if (parse_ip_field(v, "gateway", false, &gw, e) < 0)
			return -1;
		struct ob_net_route_req *r = &q->routes[q->nroutes++];
		memset(r, 0, sizeof(*r));
		r->dst.family = gw.family;
		r->gw = gw;
		r->has_gw = true;
	}
	if (add_routes(q, json_object_get(c, "routes"), "routes", e) < 0)
		return -1;
	json_t *ipam = json_object_get(c, "ipam");
	if (ipam && json_is_object(ipam) && json_object_size(ipam) > 0) {
		json_t *t = json_object_get(ipam, "type");
		if (!json_is_string(t) || !*json_string_value(t) ||
		    strchr(json_string_value(t), '/'))
			return cerr(e, CNI_ERR_CONFIG, "invalid network config",
				    "ipam.type: missing or not a plugin name");
		q->ipam = ipam;
		q->ipam_type = json_string_value(t);
	}
	return 0;
}

/* ---- delegation (SPEC.md section 4) -------------------------------------------------------- */

/* Run the IPAM plugin with cmd, the same environment, and the whole config on stdin.
 * ret_result: its parsed stdout on success (ADD), NULL otherwise. */
static int ipam_exec(struct cni_req *q, const char *cmd, const char *conf_text, json_t **ret_result,
		     struct cni_err *e)
{
	if (ret_result)
		*ret_result = NULL;
	if (!q->path || !*q->path)
		return cerr(e, CNI_ERR_ENV, "missing environment variables",
			    "CNI_PATH is needed to find IPAM plugin `%s`", q->ipam_type);
	_cleanup_free_ char *bin = NULL;
	_cleanup_free_ char *dirs = ob_xstrdup(q->path);
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d && !bin; d = strtok_r(NULL, ":", &save)) {
		char *p = ob_xasprintf("%s/%s", d, q->ipam_type);
		if (access(p, X_OK) == 0)
			bin = p;
		else
			free(p);
	}
	if (!bin)
		return cerr(e, CNI_ERR_CONFIG, "failed to find plugin",
			    "IPAM plugin `%s` not found in CNI_PATH %s", q->ipam_type, q->path);

	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return cerr(e, CNI_ERR_IO, "I/O failure", "pipe: %s", strerror(errno));
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return cerr(e, CNI_ERR_IO, "I/O failure", "pipe: %s", strerror(errno));
	}
	pid_t pid = fork();
	if (pid < 0) {
		int er = errno;
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return cerr(e, CNI_ERR_IO, "I/O failure", "fork: %s", strerror(er));
	}
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		setenv("CNI_COMMAND", cmd, 1);
		execl(bin, q->ipam_type, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	/* The plugin reads all of stdin before it writes: write first, then read. */
	signal(SIGPIPE, SIG_IGN);
	ob_write_all(in[1], conf_text, strlen(conf_text));
	close(in[1]);
	_cleanup_free_ char *output = NULL;
	struct ob_err oe = {0};
	ob_read_fd(out[0], &output, NULL, &oe);
	close(out[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	json_t *res = output && *output ? json_loads(output, 0, NULL) : NULL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		json_t *code = json_object_get(res, "code"), *msg = json_object_get(res, "msg"),
		       *det = json_object_get(res, "details");
		if (json_is_integer(code))
			cerr(e, (int)json_integer_value(code),
			     json_is_string(msg) ? json_string_value(msg) : "IPAM failed",
			     "IPAM plugin `%s` %s: %s", q->ipam_type, cmd,
			     json_is_string(det) ? json_string_value(det) : "");
		else
			cerr(e, CNI_ERR_IPAM, "IPAM failed",
			     "IPAM plugin `%s` %s exited with status %d: %s", q->ipam_type, cmd,
			     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			     output ? output : "");
		json_decref(res);
		return -1;
	}
	if (ret_result) {
		if (!json_is_object(res)) {
			json_decref(res);
			return cerr(e, CNI_ERR_DECODE, "failed to decode IPAM result",
				    "IPAM plugin `%s`: not a JSON object: %s", q->ipam_type,
				    output ? output : "");
		}
		*ret_result = res;
	} else {
		json_decref(res);
	}
	return 0;
}

/* Take ips and routes from an IPAM (or prev) result into the request. */
static int take_ipam(struct cni_req *q, json_t *res, struct cni_err *e)
{
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(res, "ips"), i, item)
	{
		char path[48];
		snprintf(path, sizeof(path), "IPAM result ips[%zu]", i);
		if (add_ip(q, json_object_get(item, "address"), json_object_get(item, "gateway"),
			   path, "too many addresses", e) < 0)
			return -1;
	}
	return add_routes(q, json_object_get(res, "routes"), "IPAM result routes", e);
}

/* ---- the result ----------------------------------------------------------------------------- */

static json_t *ip_json(const struct ob_net_ip *ip, bool with_prefix)
{
	char s[INET6_ADDRSTRLEN + 5];
	ob_net_ip_format(ip, with_prefix, s, sizeof(s));
	return json_string(s);
}

static json_t *iface_json(struct ob_nl *nl, const char *name, const char *sandbox)
{
	struct ob_net_info info = {0};
	struct ob_err oe;
	json_t *o = json_pack("{s:s}", "name", name);
	if (ob_net_show(nl, name, &info, &oe) == 0 && info.nlinks == 1) {
		json_object_set_new(o, "mac", json_string(info.links[0].mac));
		json_object_set_new(o, "mtu", json_integer(info.links[0].mtu));
	}
	ob_net_info_free(&info);
	if (sandbox)
		json_object_set_new(o, "sandbox", json_string(sandbox));
	return o;
}

static json_t *build_result(struct cni_req *q, struct ob_nl *host, struct ob_nl *ctr,
			    json_t *ipam_res)
{
	json_t *prev = json_object_get(q->conf, "prevResult");
	json_t *res = json_is_object(prev) ? json_deep_copy(prev) : json_object();
	json_object_set_new(res, "cniVersion", json_string(q->version));
	json_t *ifs = json_object_get(res, "interfaces");
	if (!json_is_array(ifs)) {
		ifs = json_array();
		json_object_set_new(res, "interfaces", ifs);
	}
	if (q->bridge)
		json_array_append_new(ifs, iface_json(host, q->bridge, NULL));
	json_array_append_new(ifs, iface_json(host, q->host_if, NULL));
	size_t ctr_index = json_array_size(ifs);
	json_array_append_new(ifs, iface_json(ctr, q->ifname, q->netns));

	json_t *ips = json_object_get(res, "ips");
	if (!json_is_array(ips)) {
		ips = json_array();
		json_object_set_new(res, "ips", ips);
	}
	bool old = version_cmp(q->version, "1.0.0") < 0;
	for (size_t i = 0; i < q->nips; i++) {
		json_t *o = json_pack("{s:o, s:i}", "address", ip_json(&q->ips[i].ip, true),
				      "interface", (int)ctr_index);
		if (q->ips[i].has_gw)
			json_object_set_new(o, "gateway", ip_json(&q->ips[i].gw, false));
		if (old) /* 0.3.x/0.4.0 results carry the family as "version" */
			json_object_set_new(
			    o, "version", json_string(q->ips[i].ip.family == AF_INET ? "4" : "6"));
		json_array_append_new(ips, o);
	}
	json_t *routes = json_object_get(res, "routes");
	if (!json_is_array(routes)) {
		routes = json_array();
		json_object_set_new(res, "routes", routes);
	}
	for (size_t i = 0; i < q->nroutes; i++) {
		const struct ob_net_route_req *r = &q->routes[i];
		json_t *o = json_pack("{s:o}", "dst", ip_json(&r->dst, true));
		if (r->has_gw)
			json_object_set_new(o, "gw", ip_json(&r->gw, false));
		json_array_append_new(routes, o);
	}
	json_t *dns = json_object_get(q->conf, "dns");
	if (!json_is_object(dns) || json_object_size(dns) == 0)
		dns = json_object_get(ipam_res, "dns");
	if (json_is_object(dns) && !json_object_get(res, "dns"))
		json_object_set(res, "dns", dns);
	else if (!json_object_get(res, "dns"))
		json_object_set_new(res, "dns", json_object());
	return res;
}

/* ---- commands -------------------------------------------------------------------------------- */

/* CNI_NETNS, and a netlink socket on each side of the pair: the host's, the container's. */
static int open_sides(struct cni_req *q, int *nsfd, struct ob_nl **host, struct ob_nl **ctr,
		      struct cni_err *e)
{
	struct ob_err oe = {0};
	if (ob_netns_open(q->netns, nsfd, &oe) < 0)
		return cerr(e, CNI_ERR_PLUGIN, "failed to open netns", "CNI_NETNS: %s", oe.msg);
	if (ob_nl_open(-1, host, &oe) < 0 || ob_nl_open(*nsfd, ctr, &oe) < 0)
		return cerr(e, CNI_ERR_PLUGIN, "netlink", "%s", oe.msg);
	return 0;
}

static int cmd_add(struct cni_req *q, const char *conf_text, char **ret_out, struct cni_err *e)
{
	struct ob_err oe = {0};
	_cleanup_close_ int nsfd = -1;
	_cleanup_nl_ struct ob_nl *host = NULL, *ctr = NULL;
	if (open_sides(q, &nsfd, &host, &ctr, e) < 0)
		return -1;
	/* Before IPAM: a second ADD must fail without touching the first one's lease. */
	int r = ob_net_link_index(ctr, q->ifname, NULL, &oe);
	if (r > 0)
		return cerr(e, CNI_ERR_PLUGIN, "failed to set up the veth pair",
			    "interface `%s` already exists in the target namespace", q->ifname);
	if (r == 0 && (r = ob_net_link_index(host, q->host_if, NULL, &oe)) > 0)
		return cerr(e, CNI_ERR_PLUGIN, "failed to set up the veth pair",
			    "interface `%s` already exists in the host namespace", q->host_if);
	if (r < 0)
		return cerr(e, CNI_ERR_PLUGIN, "netlink", "%s", oe.msg);
	json_t *ipam_res = NULL;
	if (q->ipam) {
		if (ipam_exec(q, "ADD", conf_text, &ipam_res, e) < 0)
			return -1;
		if (take_ipam(q, ipam_res, e) < 0)
			goto fail_ipam;
	}
	/* A route without gw goes via the gateway of an address of its family (SPEC.md
	 * section 5, routes.gw); without one it is on-link. */
	for (size_t i = 0; i < q->nroutes; i++) {
		struct ob_net_route_req *r = &q->routes[i];
		for (size_t k = 0; k < q->nips && !r->has_gw; k++)
			if (q->ips[k].has_gw && q->ips[k].gw.family == r->dst.family) {
				r->gw = q->ips[k].gw;
				r->has_gw = true;
			}
	}
	struct ob_net_ip addrs[MAX_IPS];
	for (size_t i = 0; i < q->nips; i++)
		addrs[i] = q->ips[i].ip;
	struct ob_veth_setup s = {
	    .host_nsfd = -1,
	    .ctr_nsfd = nsfd,
	    .host_if = q->host_if,
	    .ctr_if = q->ifname,
	    .addrs = addrs,
	    .naddrs = q->nips,
	    .host_addrs = q->host_addrs,
	    .nhost_addrs = q->nhost_addrs,
	    .routes = q->routes,
	    .nroutes = q->nroutes,
	    .mtu = q->mtu,
	    .mac = q->has_mac ? q->mac : NULL,
	    .bridge = q->bridge,
	    .bridge_create = true,
	};
	if (ob_veth_setup(&s, &oe) < 0) {
		cerr(e, CNI_ERR_PLUGIN, "failed to set up the veth pair", "%s", oe.msg);
		goto fail_ipam;
	}
	if (q->is_gateway) {
		const char *gw_if = q->bridge ? q->bridge : q->host_if;
		for (size_t i = 0; i < q->nips; i++) {
			if (!q->ips[i].has_gw)
				continue;
			struct ob_net_ip g = q->ips[i].gw;
			g.prefixlen = q->ips[i].ip.prefixlen;
			r = ob_net_addr_has(host, gw_if, &g, &oe);
			if (r == 0)
				r = ob_net_addr_add(host, gw_if, &g, &oe);
			if (r < 0) {
				cerr(e, CNI_ERR_PLUGIN, "failed to set the gateway address", "%s",
				     oe.msg);
				goto fail_pair;
			}
		}
	}
	json_t *res = build_result(q, host, ctr, ipam_res);
	*ret_out = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	json_decref(ipam_res);
	return 0;

fail_pair:
	ob_net_link_del(host, q->host_if, &oe);
fail_ipam:
	if (q->ipam) {
		struct cni_err e2;
		ipam_exec(q, "DEL", conf_text, NULL, &e2);
	}
	json_decref(ipam_res);
	return -1;
}

static int cmd_del(struct cni_req *q, const char *conf_text, struct cni_err *e)
{
	struct ob_err oe = {0};
	/* IPAM first: its release must not depend on the namespace still being there. */
	if (q->ipam && ipam_exec(q, "DEL", conf_text, NULL, e) < 0)
		return -1;
	_cleanup_nl_ struct ob_nl *host = NULL;
	if (ob_nl_open(-1, &host, &oe) < 0)
		return cerr(e, CNI_ERR_PLUGIN, "netlink", "%s", oe.msg);
	int r = ob_net_link_del(host, q->host_if, &oe);
	if (r < 0 && r != -ENODEV)
		return cerr(e, CNI_ERR_PLUGIN, "failed to delete the veth pair", "%s", oe.msg);
	if (r == -ENODEV && q->netns && *q->netns) {
		/* Our host end is gone; remove a veth of that name left in the namespace. */
		_cleanup_close_ int nsfd = -1;
		_cleanup_nl_ struct ob_nl *ctr = NULL;
		struct ob_net_info info = {0};
		if (ob_netns_open(q->netns, &nsfd, &oe) == 0 && ob_nl_open(nsfd, &ctr, &oe) == 0 &&
		    ob_net_show(ctr, q->ifname, &info, &oe) == 0 && info.nlinks == 1 &&
		    streq(info.links[0].kind, "veth"))
			ob_net_link_del(ctr, q->ifname, &oe);
		ob_net_info_free(&info);
	}
	return 0;
}

static int cmd_check(struct cni_req *q, const char *conf_text, struct cni_err *e)
{
	struct ob_err oe = {0};
	json_t *prev = json_object_get(q->conf, "prevResult");
	if (!json_is_object(prev))
		return cerr(e, CNI_ERR_CONFIG, "invalid network config", "CHECK needs prevResult");
	_cleanup_close_ int nsfd = -1;
	_cleanup_nl_ struct ob_nl *host = NULL, *ctr = NULL;
	if (open_sides(q, &nsfd, &host, &ctr, e) < 0)
		return -1;
	struct ob_net_info hi = {0}, ci = {0};
	int r = 0;
	if (ob_net_show(host, q->host_if, &hi, &oe) < 0)
		r = cerr(e, CNI_ERR_PLUGIN, "host interface missing", "%s", oe.msg);
	else if (ob_net_show(ctr, q->ifname, &ci, &oe) < 0)
		r = cerr(e, CNI_ERR_PLUGIN, "container interface missing", "%s in %s", oe.msg,
			 q->netns);
	else if (!hi.links[0].up || !ci.links[0].up)
		r = cerr(e, CNI_ERR_PLUGIN, "interface down", "`%s` or `%s` is not up", q->host_if,
			 q->ifname);
	else if (!streq(ci.links[0].kind, "veth"))
		r = cerr(e, CNI_ERR_PLUGIN, "not a veth", "`%s` in %s is a `%s`, not a veth",
			 q->ifname, q->netns, ci.links[0].kind);
	else if (q->bridge && !streq(hi.links[0].master, q->bridge))
		r = cerr(e, CNI_ERR_PLUGIN, "not on the bridge",
			 "`%s` is not attached to bridge `%s`", q->host_if, q->bridge);
	if (r == 0) {
		/* Every address prevResult lists for our container interface is on it. */
		json_t *ifs = json_object_get(prev, "interfaces"), *ip;
		size_t i;
		json_array_foreach(json_object_get(prev, "ips"), i, ip)
		{
			json_t *idx = json_object_get(ip, "interface");
			json_t *itf = json_is_integer(idx)
					  ? json_array_get(ifs, (size_t)json_integer_value(idx))
					  : NULL;
			json_t *name = json_object_get(itf, "name"),
			       *sb = json_object_get(itf, "sandbox");
			if (!json_is_string(name) || !streq(json_string_value(name), q->ifname) ||
			    !json_is_string(sb) || !*json_string_value(sb))
				continue;
			struct ob_net_ip want;
			char path[48];
			snprintf(path, sizeof(path), "prevResult.ips[%zu].address", i);
			if (parse_ip_field(json_object_get(ip, "address"), path, true, &want, e) <
			    0) {
				r = -1;
				break;
			}
			int has = ob_net_addr_has(ctr, q->ifname, &want, &oe);
			if (has <= 0) {
				r = cerr(e, CNI_ERR_PLUGIN, "address missing",
					 "`%s` in %s does not have %s", q->ifname, q->netns,
					 json_string_value(json_object_get(ip, "address")));
				break;
			}
		}
	}
	ob_net_info_free(&hi);
	ob_net_info_free(&ci);
	if (r == 0 && q->ipam)
		r = ipam_exec(q, "CHECK", conf_text, NULL, e);
	return r;
}

int ob_cni_run(const char *in, char **ret_out)
{
	struct cni_req q = {0};
	struct cni_err e = {0};
	*ret_out = NULL;
	q.cmd = getenv("CNI_COMMAND");
	json_error_t je;
	json_t *conf = in && *in ? json_loads(in, 0, &je) : NULL;
	int r = -1;

	if (conf && json_is_string(json_object_get(conf, "cniVersion")))
		q.version = json_string_value(json_object_get(conf, "cniVersion"));
	if (streq(q.cmd, "VERSION")) {
		json_t *v = json_array();
		for (size_t i = 0; i < ARRAY_SIZE(supported); i++)
			json_array_append_new(v, json_string(supported[i]));
		json_t *o = json_pack("{s:s, s:o}", "cniVersion", q.version ? q.version : "1.1.0",
				      "supportedVersions", v);
		*ret_out = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		json_decref(conf);
		return 0;
	}
	if (!in || !*in) {
		cerr(&e, CNI_ERR_IO, "I/O failure", "no network configuration on stdin");
		goto out;
	}
	if (!conf) {
		cerr(&e, CNI_ERR_DECODE, "failed to decode the network configuration",
		     "stdin:%d:%d: %s", je.line, je.column, je.text);
		goto out;
	}
	if (!json_is_object(conf)) {
		cerr(&e, CNI_ERR_DECODE, "failed to decode the network configuration",
		     "stdin: not a JSON object");
		goto out;
	}
	q.conf = conf;
	if (!q.version) {
		cerr(&e, CNI_ERR_CONFIG, "invalid network config",
		     "cniVersion: missing (this plugin speaks 0.3.0 to 1.1.0)");
		goto out;
	}
	bool known = false;
	for (size_t i = 0; i < ARRAY_SIZE(supported); i++)
		known |= streq(q.version, supported[i]);
	if (!known) {
		cerr(&e, CNI_ERR_VERSION, "incompatible CNI versions",
		     "config is `%s`, plugin supports [\"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" "
		     "\"1.1.0\"]",
		     q.version);
		goto out;
	}
	if (!json_is_string(json_object_get(conf, "name"))) {
		cerr(&e, CNI_ERR_CONFIG, "invalid network config", "name: missing or not a string");
		goto out;
	}
	if (parse_conf(&q, &e) < 0)
		goto out;

	if (streq(q.cmd, "ADD")) {
		if (parse_env(&q, true, &e) == 0)
			r = cmd_add(&q, in, ret_out, &e);
	} else if (streq(q.cmd, "DEL")) {
		if (parse_env(&q, false, &e) == 0)
			r = cmd_del(&q, in, &e);
	} else if (streq(q.cmd, "CHECK")) {
		if (version_cmp(q.version, "0.4.0") < 0)
			cerr(&e, CNI_ERR_VERSION, "incompatible CNI versions",
			     "CHECK needs cniVersion 0.4.0 or later, config is `%s`", q.version);
		else if (parse_env(&q, true, &e) == 0)
			r = cmd_check(&q, in, &e);
	} else if (streq(q.cmd, "GC") || streq(q.cmd, "STATUS")) {
		if (version_cmp(q.version, "1.1.0") < 0) {
			cerr(&e, CNI_ERR_VERSION, "incompatible CNI versions",
			     "%s needs cniVersion 1.1.0, config is `%s`", q.cmd, q.version);
		} else {
			q.path = getenv("CNI_PATH");
			/* Nothing of ours outlives a DEL; the IPAM plugin holds the state. */
			r = q.ipam ? ipam_exec(&q, q.cmd, in, NULL, &e) : 0;
		}
	} else {
		cerr(&e, CNI_ERR_ENV, "invalid CNI_COMMAND",
		     "CNI_COMMAND: unknown command `%s` (ADD, DEL, CHECK, GC, STATUS, VERSION)",
		     q.cmd);
	}
out:
	if (r < 0)
		*ret_out = error_json(q.version, &e);
	json_decref(conf);
	return r < 0 ? 1 : 0;
}
