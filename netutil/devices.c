/* devices.c - linux.netDevices: host devices moved into the container's namespace. */
#include <stdio.h>
#include <string.h>

#include "../core/spec.h"
#include "../core/util.h"
#include "netutil.h"

static const char *inner_name(const struct ob_net_device *d)
{
	return d->name && *d->name ? d->name : d->host_name;
}

int ob_net_devices_move_in(int ctr_nsfd, const struct ob_net_device *devs, size_t n,
			   struct ob_err *err)
{
	if (n == 0)
		return 0;
	_cleanup_nl_ struct ob_nl *host = NULL, *ctr = NULL;
	int r;
	if ((r = ob_nl_open(-1, &host, err)) < 0 || (r = ob_nl_open(ctr_nsfd, &ctr, err)) < 0)
		return ob_error_prefix(err, r, "linux.netDevices");
	/* Check all before moving any (config-linux.md: "MUST check if moving the network
	 * interface to the container namespace is possible"). */
	for (size_t i = 0; i < n; i++) {
		const char *to = inner_name(&devs[i]);
		if ((r = ob_net_ifname_check(devs[i].host_name, false, err)) < 0 ||
		    (r = ob_net_ifname_check(to, true, err)) < 0)
			return ob_error_prefix(err, r, "linux.netDevices.%s", devs[i].host_name);
		r = ob_net_link_index(host, devs[i].host_name, NULL, err);
		if (r == 0)
			r = ob_error_msg(err, ENODEV, "interface `%s` does not exist",
					 devs[i].host_name);
		if (r < 0)
			return ob_error_prefix(err, r, "linux.netDevices.%s", devs[i].host_name);
		if (!strchr(to, '%')) {
			r = ob_net_link_index(ctr, to, NULL, err);
			if (r > 0)
				r = ob_error_msg(
				    err, EEXIST,
				    "interface `%s` already exists in the container namespace", to);
			if (r < 0)
				return ob_error_prefix(err, r, "linux.netDevices.%s",
						       devs[i].host_name);
		}
		for (size_t k = 0; k < i; k++)
			if (!strchr(to, '%') && streq(to, inner_name(&devs[k])))
				return ob_error_msg(err, EEXIST,
						    "linux.netDevices.%s: name `%s` is used twice",
						    devs[i].host_name, to);
	}
	char(*moved)[IFNAMSIZ] = ob_xcalloc(n, IFNAMSIZ);
	size_t done = 0;
	for (; done < n; done++) {
		r = ob_net_link_move(host, devs[done].host_name, ctr, inner_name(&devs[done]), true,
				     moved[done], err);
		if (r < 0) {
			ob_error_prefix(err, r, "linux.netDevices.%s", devs[done].host_name);
			break;
		}
	}
	if (done < n) {
		struct ob_err e2;
		while (done-- > 0)
			ob_net_link_move(ctr, moved[done], host, devs[done].host_name, true, NULL,
					 &e2);
	}
	free(moved);
	return r < 0 ? r : 0;
}

int ob_net_devices_move_out(int ctr_nsfd, const struct ob_net_device *devs, size_t n,
			    struct ob_err *err)
{
	if (n == 0)
		return 0;
	_cleanup_nl_ struct ob_nl *host = NULL, *ctr = NULL;
	int r, ret = 0;
	if ((r = ob_nl_open(-1, &host, err)) < 0 || (r = ob_nl_open(ctr_nsfd, &ctr, err)) < 0)
		return ob_error_prefix(err, r, "linux.netDevices");
	for (size_t i = 0; i < n; i++) {
		const char *in = inner_name(&devs[i]);
		if (strchr(in, '%'))
			continue; /* the kernel's pick is not known here */
		r = ob_net_link_index(ctr, in, NULL, err);
		if (r <= 0)
			continue;
		r = ob_net_link_move(ctr, in, host, devs[i].host_name, true, NULL, err);
		if (r < 0 && ret == 0)
			ret = ob_error_prefix(err, r, "linux.netDevices.%s", devs[i].host_name);
	}
	return ret;
}
