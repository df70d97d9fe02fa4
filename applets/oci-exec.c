/* oci-exec - run another process in a container (runc exec): core/exec.c's work. */
#include "applet.h"
#include "../core/exec.h"

const char oci_exec_usage[] =
    "Usage: oci-exec [options] ID [COMMAND [ARG...]]\n"
    "\n"
    "Run a process in a created or running container: join its namespaces (and cgroup),\n"
    "apply the container's process settings (or --process FILE's), exec COMMAND.\n"
    "\n"
    "Options:\n"
    "  -p, --process FILE      the process as a spec `process` object (JSON); COMMAND\n"
    "                          then is optional\n"
    "  -t, --tty               a new pty of the container (its master sent to\n"
    "                          --console-socket, or copied to and from our stdio)\n"
    "      --console-socket S  AF_UNIX socket that receives the pty master\n"
    "  -d, --detach            return once the process runs\n"
    "      --pid-file F        write the process's pid to F (atomically)\n"
    "      --cwd DIR           working directory in the container\n"
    "  -e, --env K=V           set an environment variable (repeatable)\n"
    "  -u, --user U[:G]        uid (or a name in the container's /etc/passwd), gid\n"
    "  -g, --additional-gids G add a supplementary group (repeatable)\n"
    "  -c, --cap CAP           add a capability (repeatable)\n"
    "      --no-new-privs      set no_new_privs\n"
    "      --apparmor P        AppArmor profile\n"
    "      --process-label L   SELinux label\n"
    "      --preserve-fds N    pass fds 3 .. 3+N-1 on\n"
    "      --ignore-paused     exec even in a paused container\n"
    "      --cgroup [CTRL[,CTRL]:]PATH\n"
    "                          run in PATH, an existing sub-cgroup of the container's\n"
    "                          (in CTRL's hierarchies only; repeatable with CTRL)\n"
    "\n"
    "Exit status: the process's (128+N when killed by signal N); 126 when it cannot run,\n"
    "127 when it is not found; 1 on failure, 2 on usage errors; with --detach 0.\n";

int oci_exec_main(int argc, char **argv)
{
	/* long-only options: letters that are not in the optstring (a short -C is unknown) */
	static const struct option longopts[] = {
	    {"process", required_argument, NULL, 'p'},
	    {"tty", no_argument, NULL, 't'},
	    {"console-socket", required_argument, NULL, 'C'},
	    {"detach", no_argument, NULL, 'd'},
	    {"pid-file", required_argument, NULL, 'P'},
	    {"cwd", required_argument, NULL, 'w'},
	    {"env", required_argument, NULL, 'e'},
	    {"user", required_argument, NULL, 'u'},
	    {"additional-gids", required_argument, NULL, 'g'},
	    {"cap", required_argument, NULL, 'c'},
	    {"no-new-privs", no_argument, NULL, 'N'},
	    {"apparmor", required_argument, NULL, 'A'},
	    {"process-label", required_argument, NULL, 'L'},
	    {"preserve-fds", required_argument, NULL, 'F'},
	    {"ignore-paused", no_argument, NULL, 'I'},
	    {"cgroup", required_argument, NULL, 'G'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct ob_exec_opts o = {.root = ob_opts.root};
	_cleanup_strv_ char **env = NULL, **gids = NULL, **caps = NULL, **cgroups = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hp:tde:u:g:c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return ob_print_usage();
		case 'p':
			o.process_file = optarg;
			break;
		case 't':
			o.tty = true;
			break;
		case 'C':
			o.console_socket = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case 'P':
			o.pid_file = optarg;
			break;
		case 'w':
			o.cwd = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return ob_usage_error("--env: `%s` is not KEY=VALUE", optarg);
			env = ob_strv_push(env, optarg);
			break;
		case 'u':
			if (!*optarg || optarg[0] == ':')
				return ob_usage_error("--user: `%s` is not UID[:GID]", optarg);
			o.user = optarg;
			break;
		case 'g':
			gids = ob_strv_push(gids, optarg);
			break;
		case 'c':
			caps = ob_strv_push(caps, optarg);
			break;
		case 'N':
			o.no_new_privs = true;
			break;
		case 'A':
			o.apparmor = optarg;
			break;
		case 'L':
			o.label = optarg;
			break;
		case 'F': {
			uint32_t n;
			if (ob_parse_uint32(optarg, &n) < 0 || n > 4096)
				return ob_usage_error("--preserve-fds: `%s` is not a number of fds",
						      optarg);
			o.preserve_fds = (int)n;
			break;
		}
		case 'I':
			o.ignore_paused = true;
			break;
		case 'G':
			cgroups = ob_strv_push(cgroups, optarg);
			break;
		case ':':
			return ob_usage_error("option `%s` requires an argument", argv[optind - 1]);
		default:
			return ob_usage_error("unknown option `%s`", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return ob_usage_error("needs a container ID");
	if (!o.process_file && optind + 1 >= argc)
		return ob_usage_error("needs a COMMAND after the ID, or --process FILE");
	if (o.detach && o.tty && !o.console_socket)
		return ob_usage_error("--detach --tty needs --console-socket");
	o.id = argv[optind];
	o.args = argv + optind + 1;
	o.env = env;
	o.additional_gids = gids;
	o.caps = caps;
	o.cgroups = cgroups;
	struct ob_err err = {0};
	int status;
	if (ob_container_exec(&o, &status, &err) < 0) {
		ob_log_error("%s", err.msg);
		return ob_err_exit_code(&err);
	}
	return status;
}
