# SPDX-License-Identifier: GPL-2.0
# hostgeom: host IOMMU geometry tool, library, test module and test VMs.
#
#   make            library, the hostgeom command and the selftests (build/)
#   make check      set up, then every test: unit (ASan/UBSan), valgrind, VMs
#   make demo       boot a VM with an emulated VT-d and show hostgeom inside
#   make bench      benchmarks (sysfs walk against a shell loop, ...)
#   make repro      the non-singleton group problem, nested, with verdicts
#   make fixcheck   its fix on 6.12 and 7.3, unpatched and patched (matrix)
#   make module     the test kernel module (KDIR= a kernel build tree)
#   make install    PREFIX=/usr/local, DESTDIR= honoured

B        ?= build
PREFIX   ?= /usr/local
SANITIZE ?= 0

KSRC := $(shell scripts/kernel-tree src 2>/dev/null)
UAPI := $(shell scripts/kernel-tree uapi 2>/dev/null)
PKGS := json-c libnl-genl-3.0 libkmod libxml-2.0

CC       ?= gcc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE
CPPFLAGS += -Ilib/include -Ikmod/uapi -isystem $(UAPI) \
	    $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif
# The kernel tree's own harness: its macros compare int literals with
# unsigned values, take unused parameters and vfork around locals (its
# own build uses no -Wextra), hence these exceptions for tests only.
TEST_CPPFLAGS := -I$(KSRC)/tools/testing/selftests
TEST_CFLAGS   := -Wno-unused-parameter -Wno-sign-compare -Wno-clobbered

LIB_SRCS  := $(wildcard lib/*.c)
TOOL_SRCS := $(wildcard tools/hostgeom/*.c)
TEST_SRCS := $(wildcard selftests/*_test.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/%.o)
TESTS     := $(TEST_SRCS:selftests/%.c=$(B)/selftests/%)
TEST_HELPERS := $(filter-out %_test.c,$(wildcard selftests/*.c))
HELPER_OBJS  := $(TEST_HELPERS:%.c=$(B)/%.o)
# The command's printers without main(), for the tests that feed them.
TOOL_LIB_OBJS := $(filter-out $(B)/tools/hostgeom/main.o,$(TOOL_OBJS))

all: $(B)/hostgeom $(TESTS)

.PHONY: all check demo bench repro fixcheck module install clean setup prereq

prereq:
	@test -n "$(UAPI)" -a -f "$(UAPI)/linux/iommufd.h" || { \
	  echo "hostgeom: kernel UAPI headers missing; run scripts/setup" >&2; exit 2; }
	@pkg-config --exists $(PKGS) || { \
	  echo "hostgeom: missing $(PKGS) development packages; run scripts/setup" >&2; exit 2; }

$(B)/%.o: %.c | prereq
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libhostgeom.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/hostgeom: $(TOOL_OBJS) $(B)/libhostgeom.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The helpers (selftests/*.c but *_test.c) are built once, into an archive.
$(HELPER_OBJS): $(B)/selftests/%.o: selftests/%.c | prereq
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) -MMD -MP \
		-c -o $@ $<

$(B)/selftests/helpers.a: $(HELPER_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/tools.a: $(TOOL_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/selftests/%: selftests/%.c $(B)/selftests/helpers.a $(B)/tools.a $(B)/libhostgeom.a | prereq
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) \
		-MMD -MP -MF $@.d -MT $@ \
		-o $@ $< $(B)/selftests/helpers.a $(B)/tools.a $(B)/libhostgeom.a $(LDLIBS)

-include $(LIB_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) $(HELPER_OBJS:.o=.d) \
	 $(TESTS:=.d)

setup:
	scripts/setup

check:
	scripts/check

demo:
	scripts/setup
	scripts/demo

bench: all
	B=$(B) scripts/bench

repro:
	scripts/setup
	$(MAKE) all
	scripts/repro $(REPRO_ARGS)

fixcheck:
	scripts/setup
	$(MAKE) all
	scripts/fixcheck $(FIXCHECK_ARGS)

module:
	$(MAKE) -C kmod

install: all
	install -D -m 755 $(B)/hostgeom $(DESTDIR)$(PREFIX)/bin/hostgeom
	install -D -m 644 Documentation/hostgeom.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/hostgeom.1

clean:
	rm -rf $(B)
