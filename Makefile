# ocibox - one hand-written Makefile. `make`, `make check`, `make demo`, `make STATIC=1`.
#
# Knobs: STATIC=1 (a static binary in build/static/), SANITIZE=1 (ASan+UBSan in
# build/sanitize/; `make check SANITIZE=1` runs the suite against it), V=1 (show the
# commands), WERROR=0|1 (-Werror; on by default in a git checkout, off in a release tree),
# CC, CFLAGS, CPPFLAGS, LDFLAGS from the environment (Debian's hardening flags: make deb
# passes dpkg-buildflags).
# Install: PREFIX, DESTDIR, BINDIR, LIBEXECDIR, CNIDIR, MANDIR, BASHCOMPDIR, INSTALL_GENERIC=1.

CC      ?= cc
.DEFAULT_GOAL := all
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/ocibox
CNIDIR  ?= $(PREFIX)/lib/cni
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
INSTALL_GENERIC ?= 0
PKGS    := jansson libcap libseccomp libnl-3.0 libnl-route-3.0
VERSION := 0.1.0
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

# A static build has a build directory of its own, so switching STATIC relinks and never
# leaves one kind of object in the other's binary.
ifeq ($(STATIC),1)
B       ?= build/static
else ifeq ($(SANITIZE),1)
B       ?= build/sanitize
else
B       ?= build
endif
# make SANITIZE=1 [check]: ocibox with AddressSanitizer and UndefinedBehaviorSanitizer (any
# report is an error); the test tools, not the product, come from the plain build.
ifeq ($(SANITIZE),1)
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif

ifeq ($(V),1)
Q       :=
msg     := :
else
Q       := @
msg     := $(if $(findstring s,$(firstword -$(MAKEFLAGS))),:,printf '  %-7s %s\n')
endif

WERROR  ?= $(if $(wildcard .git),1,0)
# The static binary is the initramfs/embedded one: optimised for size (-Os keeps it under
# 1.5 MiB stripped; the container start is syscalls, not our code's speed).
ifeq ($(STATIC),1)
CFLAGS  ?= -Os -g
else
CFLAGS  ?= -O2 -g
endif
OB_CFLAGS := -std=gnu11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -Wno-unused-parameter \
	-Wno-format-truncation -ffunction-sections -fdata-sections -D_GNU_SOURCE -I$(B)/gen -I. \
	$(SAN)
OB_LDFLAGS := -Wl,--gc-sections $(SAN)
# Static: libnl's name-service references go to netutil/static-nss.c (no NSS, no dlopen),
# and a link map for `make size`.
ifeq ($(STATIC),1)
OB_LDFLAGS += -static -Wl,--wrap=getaddrinfo,--wrap=getnameinfo,--wrap=getprotobyname \
	-Wl,--wrap=getprotobynumber
STATIC_OBJS := $(B)/netutil/static-nss.o
OB_MAP = -Wl,-Map=$@.map
endif

# pkg-config runs when a recipe first needs the flags, never when make reads this file: on a
# fresh machine `make demo` installs the -dev packages (and pkg-config) first.
PKG_MISSING := build dependencies missing: run `make deps` as root (packaging/install-deps.sh)
# The systemd cgroup driver (core/cgroup/systemd.c, sd-bus) where libsystemd is: the dynamic
# build. Debian ships no static libsystemd, so the static build has no driver and says so.
HAVE_SYSTEMD = $(eval HAVE_SYSTEMD := $$(if $$(filter 1,$$(STATIC)),,$$(shell \
	pkg-config --exists libsystemd 2>/dev/null && echo y)))$(HAVE_SYSTEMD)
ALL_PKGS = $(PKGS) $(if $(HAVE_SYSTEMD),libsystemd)
pkgconf = $(or $(shell pkg-config $(1) $(ALL_PKGS) 2>/dev/null),$(error pkg-config $(1): $(PKG_MISSING)))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkgconf,--cflags) $$(if $$(HAVE_SYSTEMD),-DOB_HAVE_SYSTEMD))$(PKG_CFLAGS)
LIBS = $(eval LIBS := $$(call pkgconf,$(if $(filter 1,$(STATIC)),--static) --libs))$(LIBS)

APPLET_NAMES := $(shell awk '!/^[[:space:]]*(\#|$$)/ {print $$1}' applets.list)
APPLET_SRCS  := $(wildcard applets/*.c)
CORE_SRCS    := $(wildcard core/*.c core/*/*.c)
NET_SRCS     := $(filter-out netutil/static-nss.c,$(wildcard netutil/*.c))
CORE_OBJS    := $(CORE_SRCS:%.c=$(B)/%.o)
NET_OBJS     := $(NET_SRCS:%.c=$(B)/%.o)
APPLET_OBJS  := $(APPLET_SRCS:%.c=$(B)/%.o)
LINKS        := $(APPLET_NAMES:%=$(B)/bin/%)
# Small C programs the tests use (a console-socket receiver, ...): test/tools/*.c; cgroot.c
# (the cgroup root test hook and fake back end) is linked into cgtool and ocibox-cgroot.
TEST_TOOLS   := $(patsubst test/tools/%.c,$(B)/test/%,$(filter-out test/tools/cgroot.c,\
	$(wildcard test/tools/*.c))) $(B)/test/ocibox-cgroot

# version.h is rewritten only when the version or commit changes, so exactly the files
# that include it are rebuilt.
$(B)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define OB_VERSION "%s"\n#define OB_COMMIT "%s"\n' '$(VERSION)' '$(COMMIT)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# The compiler and flags as of the last build: a change (CFLAGS=..., WERROR=...) rebuilds.
$(B)/gen/flags: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(CC) $(CPPFLAGS) $(CFLAGS) $(OB_CFLAGS)' '$(LDFLAGS) $(OB_LDFLAGS)' \
		'systemd: $(HAVE_SYSTEMD)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

FORCE:

.PHONY: FORCE all check test demo install uninstall deps size clean bench format format-check \
	lint man completion deb initramfs conformance criu

all: $(B)/ocibox $(LINKS)

# The one list generates the dispatch table; the list and applets/ must agree.
$(B)/gen/applets.h: applets.list $(APPLET_SRCS) Makefile
	@mkdir -p $(@D)
	@for a in $(APPLET_NAMES); do [ -f applets/$$a.c ] || { echo "applets.list names $$a but applets/$$a.c is missing" >&2; exit 1; }; done
	@for f in $(APPLET_SRCS); do n=$$(basename $$f .c); echo " $(APPLET_NAMES) " | grep -q " $$n " || { echo "$$f is not listed in applets.list" >&2; exit 1; }; done
	@awk -F'\t+|  +' '!/^[[:space:]]*(#|$$)/ { c=$$1; gsub("-","_",c); \
		printf "APPLET(%s, \"%s\", \"%s\", \"%s\", \"%s\")\n", c, $$1, $$2, $$3, $$4 }' applets.list > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; touch $@; else mv $@.tmp $@; fi

# The generated headers only have to exist first: -MMD records who includes them, so a new
# commit (version.h) rebuilds the files that print it, not the tree.
$(B)/%.o: %.c $(B)/gen/flags | $(B)/gen/applets.h $(B)/gen/version.h
	@mkdir -p $(@D)
	@$(msg) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(OB_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

# The default seccomp profile is data in the tree, embedded with .incbin (core/seccomp.c).
$(B)/core/seccomp.o: packaging/seccomp-default.json

$(B)/libocibox.a: $(CORE_OBJS) $(NET_OBJS)
	@rm -f $@
	@$(msg) AR $@
	$(Q)$(AR) rcs $@ $^

$(B)/ocibox: $(B)/main.o $(APPLET_OBJS) $(STATIC_OBJS) $(B)/libocibox.a $(B)/gen/flags
	@$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(OB_LDFLAGS) $(OB_MAP) -o $@ \
		$(B)/main.o $(APPLET_OBJS) $(STATIC_OBJS) $(B)/libocibox.a $(LIBS)

$(B)/bin/%: | $(B)/ocibox
	@mkdir -p $(@D)
	@ln -sf ../ocibox $@

# Test tools link the library the binary is made of (no copy compiled differently).
$(B)/test/%: test/tools/%.c $(B)/libocibox.a $(STATIC_OBJS) $(B)/gen/flags
	@mkdir -p $(@D)
	@$(msg) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(OB_CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) $(OB_LDFLAGS) -o $@ $< \
		$(filter $(B)/test/%.o,$^) $(STATIC_OBJS) $(B)/libocibox.a $(LIBS)

# The test tools with the cgroup root hook (OCIBOX_CGROUP_ROOT, the fake tree's back end):
# cgtool, and ocibox-cgroot, the product's objects plus that hook; the product has neither.
$(B)/test/cgtool: $(B)/test/cgroot.o
$(B)/test/cgroot.o: test/tools/cgroot.c $(B)/gen/flags | $(B)/gen/applets.h $(B)/gen/version.h
	@mkdir -p $(@D)
	@$(msg) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(OB_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(B)/test/ocibox-cgroot: $(B)/main.o $(APPLET_OBJS) $(STATIC_OBJS) $(B)/test/cgroot.o \
		$(B)/libocibox.a $(B)/gen/flags
	@$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(OB_LDFLAGS) -o $@ $(B)/main.o $(APPLET_OBJS) \
		$(STATIC_OBJS) $(B)/test/cgroot.o $(B)/libocibox.a $(LIBS)

# Tools copied into a busybox rootfs run without the host's libraries: linked statically.
$(B)/test/sysno: test/tools/sysno.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -static -o $@ $<

# runs inside the tests' busybox rootfs: static, libc only
$(B)/test/tiocsti: test/tools/tiocsti.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -static -o $@ $<

ifeq ($(SAN),)
check: all $(TEST_TOOLS)
	@test/run $(TESTS)
else
# The suite against build/sanitize (helpers.bash reads OB_BUILD); the reports go to
# $(B)/san/, and any report fails the check. The tests' own makes must not inherit
# SANITIZE=1 (command-line variables are in MAKEFLAGS and the environment).
check: all
	@$(MAKE) --no-print-directory SANITIZE= B=build $(TEST_TOOLS:$(B)/%=build/%)
	@rm -rf $(B)/san && mkdir -p $(B)/san
	@MAKEFLAGS= SANITIZE= OB_BUILD=$(B) ASAN_OPTIONS=log_path=$(CURDIR)/$(B)/san/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(B)/san/ubsan test/run $(TESTS); \
	  s=$$?; if ls $(B)/san | grep -q .; then head -n 40 $(B)/san/*; exit 1; fi; exit $$s
endif

test: check

# Dependencies first, then a make of its own: its flags come from the packages just installed.
demo:
	@packaging/install-deps.sh
	@$(MAKE) --no-print-directory all
	@packaging/demo.sh

deps:
	@packaging/install-deps.sh

# Man pages (section 8; 1 for nsenter and cgexec, as util-linux's and libcgroup's) and the
# bash completion, both generated from `ocibox APPLET --help`: the binary's own text.
MAN_STAMP := $(B)/man/.stamp
$(MAN_STAMP): $(B)/ocibox packaging/gen-man.sh
	@$(msg) MAN $(B)/man
	$(Q)packaging/gen-man.sh $(B)/ocibox $(B)/man
	@touch $@
man: $(MAN_STAMP)

$(B)/completion/ocibox: $(B)/ocibox packaging/gen-completion.sh
	@mkdir -p $(@D)
	@$(msg) GEN $@
	$(Q)packaging/gen-completion.sh $(B)/ocibox > $@.tmp && mv $@.tmp $@
completion: $(B)/completion/ocibox

# ocibox in BINDIR, the oci-* links beside it, the generic names (nsenter, cgexec,
# pivot-helper, veth-setup) in LIBEXECDIR unless INSTALL_GENERIC=1; an existing file that
# is not a link to ocibox is never replaced, and uninstall removes only links to ocibox.
INSTALL_ENV = DESTDIR='$(DESTDIR)' BINDIR='$(BINDIR)' LIBEXECDIR='$(LIBEXECDIR)' \
	CNIDIR='$(CNIDIR)' DATADIR='$(DATADIR)' MANDIR='$(MANDIR)' BASHCOMPDIR='$(BASHCOMPDIR)' \
	INSTALL_GENERIC='$(INSTALL_GENERIC)' B='$(B)'
install: all man completion
	@$(INSTALL_ENV) packaging/install.sh install $(APPLET_NAMES)

uninstall:
	@$(INSTALL_ENV) packaging/install.sh uninstall $(APPLET_NAMES)

# build/ocibox_VERSION_ARCH.deb with dpkg-deb, built with Debian's hardening flags (all).
DEB_MAKE = DEB_BUILD_MAINT_OPTIONS=hardening=+all $(MAKE) --no-print-directory B=build/deb/obj WERROR=0 \
	CFLAGS="$$(dpkg-buildflags --get CFLAGS)" CPPFLAGS="$$(dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)"
deb:
	@rm -rf build/deb/root
	@$(DEB_MAKE) install PREFIX=/usr DESTDIR=$(CURDIR)/build/deb/root >/dev/null
	@packaging/deb/build.sh build/deb/root $(VERSION) build

# A bootable initramfs: the static ocibox, busybox-static, a container bundle, a second root.
initramfs:
	@$(MAKE) --no-print-directory STATIC=1 build/static/ocibox
	@packaging/initramfs/build.sh build/static/ocibox build/initramfs

# The stripped size of the static binary and what weighs most in it.
size:
	@$(MAKE) --no-print-directory STATIC=1 build/static/ocibox
	@packaging/size.sh build/static/ocibox

bench: all
	@$(MAKE) --no-print-directory STATIC=1 build/static/ocibox
	@bench/run $(N)

# The OCI runtime-tools validation suite (test/conformance/run), built once from the
# unmodified snapshot in THIRD_PARTY (../shared/third_party beside the checkout) into
# build/third_party/ (Debian's golang-go, offline:
# vendored modules). RUNTIMES="ocibox crun runc" measures them side by side.
THIRD_PARTY ?= $(or $(firstword $(wildcard ../shared/third_party /work/shared/third_party)),../shared/third_party)
RT_TOOLS    := runtime-tools-260e151
RUNTIMES    ?= ocibox
$(B)/third_party/$(RT_TOOLS)/.built: $(THIRD_PARTY)/$(RT_TOOLS).tar.gz
	@rm -rf $(@D) && mkdir -p $(B)/third_party
	tar xzf $< -C $(B)/third_party
	cd $(@D) && GOFLAGS=-mod=vendor GOPROXY=off GOCACHE=$(abspath $(B))/third_party/go-cache \
		$(MAKE) --no-print-directory runtimetest validation-executables >build.log 2>&1 \
		|| { tail -20 build.log; exit 1; }
	@touch $@

conformance: all $(B)/third_party/$(RT_TOOLS)/.built
	@CONFORMANCE_LOCK=$(CONFORMANCE_LOCK) test/conformance/run $(RUNTIMES)

# A working criu for test/checkpoint.bats: the system's when `criu check` passes, else
# CRIU 4.2 built once into build/third_party/ from THIRD_PARTY (test/criu-path).
criu:
	@THIRD_PARTY=$(THIRD_PARTY) test/criu-path --build

FORMAT_SRCS = main.c $(wildcard applets/*.[ch] core/*.[ch] core/*/*.[ch] netutil/*.[ch] test/tools/*.c)

format:
	clang-format -i $(FORMAT_SRCS)

# The committed .clang-format, checked: CI fails on any difference.
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "format-check: clean"

# The five longest functions of core/ (the aim: none over ~100 lines), and the applets over
# ~150 lines (nsenter, veth-setup and oci-spec are allowed more).
lint:
	@echo "longest core functions (lines, place, name):"
	@awk -f packaging/fnlen.awk $(CORE_SRCS) | sort -rn | head -5
	@wc -l $(APPLET_SRCS) | awk '$$2 != "total" && $$1 > 150 && $$2 !~ /(nsenter|veth-setup|oci-spec)\.c$$/ \
		{ print "applet over 150 lines: " $$2 " (" $$1 ")" }'

clean:
	rm -rf build

# Each build directory's own dependency files (build/ holds the others' directories).
-include $(shell find $(B) -mindepth 1 \( -path build/static -o -path 'build/deb*' \) -prune \
	-o -name '*.d' -print 2>/dev/null)
