/* static-nss.c - what libnl's name-service calls become in the static binary.
 *
 * libnl-3 references getaddrinfo (nl_addr_info), getnameinfo (nl_addr_resolve) and
 * getprotobyname/getprotobynumber (the fallback of nl_str2ip_proto/nl_ip_proto2str).
 * ocibox calls none of these paths: it never resolves a host name. In a static link they
 * would still pull in glibc's NSS, resolver and dlopen (about 130 KB of a 1.6 MB binary,
 * and the linker's warning that they need glibc's shared libraries at run time). The
 * static build links with -Wl,--wrap=NAME for each (Makefile), so libnl's references land
 * here: a lookup that finds nothing, which libnl already handles. The shared-library build
 * does not use this file.
 */
#include <netdb.h>
#include <stddef.h>
#include <sys/socket.h>

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);
int __wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		       char *serv, socklen_t servlen, int flags);
struct protoent *__wrap_getprotobyname(const char *name);
struct protoent *__wrap_getprotobynumber(int proto);

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	return EAI_NONAME;
}

int __wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		       char *serv, socklen_t servlen, int flags)
{
	return EAI_NONAME;
}

struct protoent *__wrap_getprotobyname(const char *name)
{
	return NULL;
}

struct protoent *__wrap_getprotobynumber(int proto)
{
	return NULL;
}
