# ocibox - one hand-written Makefile. `make`, `make check`, `make demo`, `make STATIC=1`.

CC      ?= cc
.DEFAULT_GOAL := all
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
CNIDIR  ?= $(PREFIX)/lib/cni
B       := build
PKGS    := jansson libcap libseccomp libnl-3.0 libnl-route-3.0
VERSION := 0.1.0
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

CFLAGS  ?= -O2 -g
OB_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation \
	-ffunction-sections -fdata-sections -D_GNU_SOURCE \
	-I$(B)/gen -I. $(shell pkg-config --cflags $(PKGS))
OB_LDFLAGS := -Wl,--gc-sections
# The systemd cgroup driver (core/cgroup/systemd.c, sd-bus) where libsystemd is: the dynamic
# build. Debian ships no static libsystemd, so the static build has no driver and says so.
ifneq ($(STATIC),1)
ifeq ($(shell pkg-config --exists libsystemd && echo y),y)
PKGS += libsystemd
OB_CFLAGS += -DOB_HAVE_SYSTEMD
endif
endif
ifeq ($(STATIC),1)
OB_LDFLAGS += -static
LIBS := $(shell pkg-config --static --libs $(PKGS))
else
LIBS := $(shell pkg-config --libs $(PKGS))
endif

APPLET_NAMES := $(shell awk '!/^[[:space:]]*(\#|$$)/ {print $$1}' applets.list)
APPLET_SRCS  := $(wildcard applets/*.c)
CORE_SRCS    := $(wildcard core/*.c core/*/*.c)
NET_SRCS     := $(wildcard netutil/*.c)
CORE_OBJS    := $(CORE_SRCS:%.c=$(B)/%.o)
NET_OBJS     := $(NET_SRCS:%.c=$(B)/%.o)
APPLET_OBJS  := $(APPLET_SRCS:%.c=$(B)/%.o)
LINKS        := $(APPLET_NAMES:%=$(B)/bin/%)
# Small C programs the tests use (a console-socket receiver, ...): test/tools/*.c
TEST_TOOLS   := $(patsubst test/tools/%.c,$(B)/test/%,$(wildcard test/tools/*.c))

# version.h is rewritten only when the version or commit changes, so exactly the files
# that include it are rebuilt.
$(B)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define OB_VERSION "%s"\n#define OB_COMMIT "%s"\n' '$(VERSION)' '$(COMMIT)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

FORCE:

.PHONY: FORCE all check test demo install uninstall deps size clean bench format format-check

all: $(B)/ocibox $(LINKS)

# The one list generates the dispatch table; the list and applets/ must agree.
$(B)/gen/applets.h: applets.list $(APPLET_SRCS) Makefile
	@mkdir -p $(@D)
	@for a in $(APPLET_NAMES); do [ -f applets/$$a.c ] || { echo "applets.list names $$a but applets/$$a.c is missing" >&2; exit 1; }; done
	@for f in $(APPLET_SRCS); do n=$$(basename $$f .c); echo " $(APPLET_NAMES) " | grep -q " $$n " || { echo "$$f is not listed in applets.list" >&2; exit 1; }; done
	@awk -F'\t+|  +' '!/^[[:space:]]*(#|$$)/ { c=$$1; gsub("-","_",c); \
		printf "APPLET(%s, \"%s\", \"%s\", \"%s\", \"%s\")\n", c, $$1, $$2, $$3, $$4 }' applets.list > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; touch $@; else mv $@.tmp $@; fi

$(B)/%.o: %.c $(B)/gen/applets.h $(B)/gen/version.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(OB_CFLAGS) -MMD -MP -c $< -o $@

# The default seccomp profile is data in the tree, embedded with .incbin (core/seccomp.c).
$(B)/core/seccomp.o: packaging/seccomp-default.json

$(B)/libocibox.a: $(CORE_OBJS) $(NET_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

$(B)/ocibox: $(B)/main.o $(APPLET_OBJS) $(B)/libocibox.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) $(OB_LDFLAGS) -o $@ $(B)/main.o $(APPLET_OBJS) $(B)/libocibox.a $(LIBS)

$(B)/bin/%: | $(B)/ocibox
	@mkdir -p $(@D)
	@ln -sf ../ocibox $@

# Test tools link the library the binary is made of (no copy compiled differently).
$(B)/test/%: test/tools/%.c $(B)/libocibox.a
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(OB_CFLAGS) $(OB_LDFLAGS) -o $@ $< $(B)/libocibox.a $(LIBS)

# runs inside the tests' busybox rootfs: static, libc only
$(B)/test/tiocsti: test/tools/tiocsti.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -static -o $@ $<

check: all $(TEST_TOOLS)
	@test/run $(TESTS)

test: check

demo: deps all
	@packaging/demo.sh

deps:
	@packaging/install-deps.sh

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/ocibox $(DESTDIR)$(BINDIR)/ocibox
	@for a in $(APPLET_NAMES); do ln -sf ocibox $(DESTDIR)$(BINDIR)/$$a; done
	install -d $(DESTDIR)$(CNIDIR)
	ln -sf $(BINDIR)/ocibox $(DESTDIR)$(CNIDIR)/veth-setup   # the CNI plugin "type": "veth-setup"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ocibox
	@for a in $(APPLET_NAMES); do rm -f $(DESTDIR)$(BINDIR)/$$a; done
	rm -f $(DESTDIR)$(CNIDIR)/veth-setup

size: $(B)/ocibox
	@size $(B)/ocibox
	@ls -l $(B)/ocibox

bench: all
	@$(MAKE) --no-print-directory B=$(B)/static STATIC=1 $(B)/static/ocibox
	@bench/run $(N)

FORMAT_SRCS = main.c $(wildcard applets/*.[ch] core/*.[ch] core/*/*.[ch] netutil/*.[ch] test/tools/*.c)

format:
	clang-format -i $(FORMAT_SRCS)

# The committed .clang-format, checked: CI fails on any difference.
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "format-check: clean"

clean:
	rm -rf $(B)

-include $(shell find $(B) -path $(B)/static -prune -o -name '*.d' -print 2>/dev/null)
