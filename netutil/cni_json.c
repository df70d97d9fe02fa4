/* cni_json.c - netutil's JSON output (show, what veth-setup made) and the OCI state a
 * hook reads on stdin. netutil/cni*.c are the only netutil files that include jansson. */
#include <jansson.h>
#include <sys/socket.h>

#include "../core/util.h"
#include "netutil.h"

static json_t *link_json(const struct ob_net_link_info *l)
{
	json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:i, s:b}", "name", l->name, "index", l->index,
			      "kind", l->kind, "mac", l->mac, "mtu", (int)l->mtu, "up", l->up);
	if (l->master[0])
		json_object_set_new(o, "master", json_string(l->master));
	json_t *a = json_array();
	for (size_t i = 0; i < l->naddrs; i++) {
		const struct ob_net_addr_info *ai = &l->addrs[i];
		json_array_append_new(a,
				      json_pack("{s:s, s:s, s:s, s:b}", "address", ai->addr,
						"family", ai->family == AF_INET ? "inet" : "inet6",
						"scope", ai->scope, "permanent", ai->permanent));
	}
	json_object_set_new(o, "addresses", a);
	return o;
}

static json_t *routes_json(const struct ob_net_info *info)
{
	json_t *a = json_array();
	for (size_t i = 0; i < info->nroutes; i++) {
		const struct ob_net_route_info *r = &info->routes[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "dst", r->dst, "family",
				      r->family == AF_INET ? "inet" : "inet6", "dev", r->dev,
				      "scope", r->scope);
		if (r->gateway[0])
			json_object_set_new(o, "gateway", json_string(r->gateway));
		json_array_append_new(a, o);
	}
	return a;
}

static char *dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		abort();
	return s;
}

char *ob_net_info_json(const struct ob_net_info *info)
{
	json_t *links = json_array();
	for (size_t i = 0; i < info->nlinks; i++)
		json_array_append_new(links, link_json(&info->links[i]));
	return dump(json_pack("{s:o, s:o}", "links", links, "routes", routes_json(info)));
}

static json_t *end_json(const struct ob_net_info *info, const char *netns, bool routes)
{
	json_t *o = info->nlinks ? link_json(&info->links[0]) : json_object();
	json_object_set_new(o, "netns", netns ? json_string(netns) : json_null());
	if (routes)
		json_object_set_new(o, "routes", routes_json(info));
	return o;
}

char *ob_veth_json(const struct ob_net_info *host, const char *host_netns,
		   const struct ob_net_info *ctr, const char *ctr_netns)
{
	return dump(json_pack("{s:o, s:o}", "host", end_json(host, host_netns, false), "container",
			      end_json(ctr, ctr_netns, true)));
}

int ob_oci_state_pid(const char *text, pid_t *ret_pid, struct ob_err *err)
{
	json_error_t je;
	json_t *root = json_loads(text, 0, &je);
	if (!root)
		return ob_error_msg(err, EINVAL, "state on stdin:%d:%d: %s", je.line, je.column,
				    je.text);
	json_t *pid = json_object_get(root, "pid");
	int r = 0;
	if (!json_is_integer(pid) || json_integer_value(pid) <= 0)
		r = ob_error_msg(err, EINVAL,
				 "state on stdin: pid: missing or not a positive integer");
	else
		*ret_pid = (pid_t)json_integer_value(pid);
	json_decref(root);
	return r;
}
