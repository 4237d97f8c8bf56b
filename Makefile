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
#   make fuzz       the libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make fuzz-corpus  their seed corpora again (fuzz/corpus/), minimised
#   make install    PREFIX=/usr/local, DESTDIR= honoured: the command, its
#                   man page, the module's source for DKMS
#   make install-selftests INSTALL_PATH=DIR   the kselftest collection
#                   "hostgeom" and the kernel's runner (Documentation/fleet.md)
#   make lava       the collection as a LAVA job (build/lava/job.yaml), run
#                   by Debian's lava-run here; its results against the KTAP
#
# CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS from the command line or the
# environment are added to what the build needs, never in its place
# (make CFLAGS=-O0 builds). Warnings are errors (-Werror) unless WERROR=0,
# for packagers whose compiler warns where ours does not.
#
# make ARCH=arm64   the command and the selftests cross-built for arm64
#                   into build/arm64/ (Debian's gcc-aarch64-linux-gnu and
#                   the arm64 -dev packages through multiarch, installed by
#                   scripts/setup; UAPI headers: scripts/kernel-tree
#                   prepare --arch arm64). CROSS_COMPILE= another prefix.

ARCH     ?=
ifneq ($(filter arm64 aarch64,$(ARCH)),)
HG_ARCH       := arm64
CROSS_COMPILE ?= aarch64-linux-gnu-
B             ?= build/arm64
# make's built-in cc and ar become the cross tools; CC= or AR= given
# explicitly win.
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
# pkg-config reads the arm64 .pc files only (multiarch directory).
HG_PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
UAPI_ARCH     := --arch arm64
else ifneq ($(filter-out x86_64 x86,$(ARCH)),)
$(error ARCH=$(ARCH): only arm64 is cross-built (make ARCH=arm64); without ARCH, the build machine's)
endif
HG_PKG_CONFIG ?= pkg-config
B        ?= build
PREFIX   ?= /usr/local
SANITIZE ?= 0
WERROR   ?= 1

# Asked on first use and then kept (the $(eval) replaces the variable by
# its value): a target that compiles nothing (clean, module, setup) runs
# neither scripts/kernel-tree nor pkg-config.
PKGS := json-c libnl-genl-3.0 libkmod libxml-2.0
KSRC = $(eval KSRC := $(shell scripts/kernel-tree src 2>/dev/null))$(KSRC)
UAPI = $(eval UAPI := $(shell scripts/kernel-tree uapi $(UAPI_ARCH) 2>/dev/null))$(UAPI)
PKG_CFLAGS = $(eval PKG_CFLAGS := \
	     $(shell $(HG_PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
# libkmod (loading the module, lib/module/kmod_dl.c) and libxml2 (libvirt
# XML, lib/preflight/xml_dl.c) are opened when needed, not linked: their
# headers are enough here, and no process carries libcrypto or ICU for them.
PKG_LIBS = $(eval PKG_LIBS := $(shell $(HG_PKG_CONFIG) --libs \
	   $(filter-out libkmod libxml-2.0,$(PKGS)) 2>/dev/null))$(PKG_LIBS)

CC       ?= gcc
CFLAGS   ?= -O2 -g
WERROR_FLAG := $(if $(filter 0,$(WERROR)),,-Werror)
# What the code needs, before the user's CFLAGS and CPPFLAGS (which may
# add to it or override it flag by flag, never drop it).
HG_CFLAGS   := -std=gnu11 -Wall -Wextra $(WERROR_FLAG)
# Debug info names sources relative to the tree, wherever it is: a clone
# at another path (CI's) builds the same objects, and ccache, which hashes
# the working directory when -g is on, hits there too (bench.md, "Costs
# the scripts act on").
PREFIX_MAP  := -fdebug-prefix-map=$(CURDIR)=.
HG_CFLAGS   += $(PREFIX_MAP)
HG_CPPFLAGS = -D_GNU_SOURCE -Ilib/include -Ilib -Ikmod/uapi \
	      -isystem $(UAPI) $(PKG_CFLAGS)
HG_LDFLAGS  :=
HG_LDLIBS   = $(PKG_LIBS) -ldl
ifeq ($(SANITIZE),1)
HG_CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer \
	       -fno-sanitize-recover=all
HG_LDFLAGS  += -fsanitize=address,undefined
endif
# The kernel tree's own harness: its macros compare int literals with
# unsigned values, take unused parameters and vfork around locals (its
# own build uses no -Wextra), hence these exceptions for tests only.
TEST_CPPFLAGS = -I$(KSRC)/tools/testing/selftests
TEST_CFLAGS   := -Wno-unused-parameter -Wno-sign-compare -Wno-clobbered

# The library's sources live one folder down, by subsystem (lib/base,
# lib/sysfs, ...; Documentation/library.md).
LIB_SRCS  := $(wildcard lib/*/*.c)
TOOL_SRCS := $(wildcard tools/hostgeom/*.c)
TEST_SRCS := $(wildcard selftests/*_test.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/%.o)
TESTS     := $(TEST_SRCS:selftests/%.c=$(B)/selftests/%)
TEST_OBJS := $(TESTS:=.o)
# The library and the command: no large copies on the stack (a fix search
# once put a whole report and guest there per step). Not for the tests
# (the harness keeps its fixtures there) nor under ASan (red zones).
ifneq ($(SANITIZE),1)
$(LIB_OBJS) $(TOOL_OBJS): HG_CFLAGS += -Wframe-larger-than=20480
endif
TEST_HELPERS := $(filter-out %_test.c,$(wildcard selftests/*.c))
HELPER_OBJS  := $(TEST_HELPERS:%.c=$(B)/%.o)
# The command's printers without main(), for the tests that feed them.
TOOL_LIB_OBJS := $(filter-out $(B)/tools/hostgeom/main.o,$(TOOL_OBJS))

FAKE_LIBS := $(B)/selftests/fake_libs/libkmod.so.2 \
	     $(B)/selftests/fake_libs/libxml2.so.2

all: $(B)/hostgeom $(TESTS) $(FAKE_LIBS)

.PHONY: all check demo bench repro granule fixcheck module install clean setup prereq \
	fuzz fuzz-build fuzz-corpus install-selftests lava qemu-loop

# The Debian package of each pkg-config name in PKGS (":arm64" added when
# cross-building), named when one is missing.
PKG_DEB_json-c         := libjson-c-dev
PKG_DEB_libnl-genl-3.0 := libnl-genl-3-dev
PKG_DEB_libkmod        := libkmod-dev
PKG_DEB_libxml-2.0     := libxml2-dev

prereq:
	@command -v $(firstword $(CC)) >/dev/null || { \
	  echo "hostgeom: no C compiler '$(CC)'$(if $(HG_ARCH),: install gcc-aarch64-linux-gnu (scripts/setup does)); run scripts/setup" >&2; exit 2; }
	@test -n "$(UAPI)" -a -f "$(UAPI)/linux/iommufd.h" || { \
	  echo "hostgeom: kernel UAPI headers missing$(if $(HG_ARCH), for $(HG_ARCH)); run scripts/setup" >&2; exit 2; }
	@miss="$(strip $(foreach p,$(PKGS),$(shell $(HG_PKG_CONFIG) --exists $(p) 2>/dev/null || echo $(PKG_DEB_$(p))$(if $(HG_ARCH),:$(HG_ARCH)))))"; \
	test -z "$$miss" || { \
	  echo "hostgeom: missing development packages: $$miss; install them (scripts/setup does$(if $(HG_ARCH), with dpkg --add-architecture $(HG_ARCH)))" >&2; exit 2; }

$(B)/%.o: %.c | prereq
	@mkdir -p $(@D)
	$(CC) $(HG_CPPFLAGS) $(CPPFLAGS) $(HG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libhostgeom.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/hostgeom: $(TOOL_OBJS) $(B)/libhostgeom.a
	$(CC) $(HG_LDFLAGS) $(LDFLAGS) -o $@ $^ $(HG_LDLIBS) $(LDLIBS)

# The helpers (selftests/*.c but *_test.c) are built once, into an archive.
$(HELPER_OBJS): $(B)/selftests/%.o: selftests/%.c | prereq
	@mkdir -p $(@D)
	$(CC) $(HG_CPPFLAGS) $(CPPFLAGS) $(TEST_CPPFLAGS) $(HG_CFLAGS) \
		$(CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/selftests/helpers.a: $(HELPER_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/tools.a: $(TOOL_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# Each test compiled, then linked: two steps, so that ccache (make check)
# can cache the compilation (a compile-and-link command is not cached).
$(TEST_OBJS): $(B)/selftests/%.o: selftests/%.c | prereq
	@mkdir -p $(@D)
	$(CC) $(HG_CPPFLAGS) $(CPPFLAGS) $(TEST_CPPFLAGS) $(HG_CFLAGS) \
		$(CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

$(TESTS): $(B)/selftests/%: $(B)/selftests/%.o $(B)/selftests/helpers.a $(B)/tools.a $(B)/libhostgeom.a
	$(CC) $(HG_LDFLAGS) $(LDFLAGS) -o $@ $< $(B)/selftests/helpers.a \
		$(B)/tools.a $(B)/libhostgeom.a $(HG_LDLIBS) $(LDLIBS)

# dl_test's libkmod.so.2 and libxml2.so.2 without their symbols (no
# sanitizers: they are dlopen()ed by whichever build is tested).
$(FAKE_LIBS): selftests/fake_libs/empty.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -O2 -o $@ $<

-include $(LIB_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) $(HELPER_OBJS:.o=.d) \
	 $(TEST_OBJS:.o=.d)

# libFuzzer targets (fuzz/*_fuzz.c): the library and the fakes they need
# built again by clang with the fuzzer's coverage, ASan and UBSan.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -std=gnu11 -Wall -Wextra \
		$(WERROR_FLAG) $(FUZZ_SAN) $(PREFIX_MAP)
FUZZ_SRCS    := $(wildcard fuzz/*_fuzz.c)
FUZZ_BINS    := $(FUZZ_SRCS:fuzz/%.c=$(B)/fuzz/%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(B)/fuzz/%.o)
FUZZ_FAKE_OBJS := $(B)/fuzz/selftests/fake_sysfs.o \
		  $(B)/fuzz/selftests/fake_vfio.o

$(B)/fuzz/%.o: %.c | prereq
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HG_CPPFLAGS) $(CPPFLAGS) -Iselftests $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(B)/fuzz/libhostgeom.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/fuzz/%_fuzz: fuzz/%_fuzz.c $(B)/fuzz/libhostgeom.a $(FUZZ_FAKE_OBJS) | prereq
	$(FUZZ_CC) $(HG_CPPFLAGS) $(CPPFLAGS) -Iselftests $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer -MMD -MP -MF $@.d -MT $@ -o $@ $< \
		$(FUZZ_FAKE_OBJS) $(B)/fuzz/libhostgeom.a $(HG_LDLIBS) $(LDLIBS)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_FAKE_OBJS:.o=.d) $(FUZZ_BINS:=.d)

fuzz-build: $(FUZZ_BINS)

# The seed corpora: written by fuzz/mkcorpus, then shrunk by libFuzzer.
$(B)/fuzz/mkcorpus: fuzz/mkcorpus.c $(B)/selftests/helpers.a $(B)/libhostgeom.a | prereq
	@mkdir -p $(@D)
	$(CC) $(HG_CPPFLAGS) $(CPPFLAGS) -Iselftests $(HG_CFLAGS) $(CFLAGS) \
		$(HG_LDFLAGS) $(LDFLAGS) -o $@ $< \
		$(B)/selftests/helpers.a $(B)/libhostgeom.a $(HG_LDLIBS) $(LDLIBS)

fuzz-corpus: $(B)/fuzz/mkcorpus fuzz-build
	rm -rf fuzz/corpus
	$(B)/fuzz/mkcorpus fuzz/corpus
	scripts/fuzz-run --minimise $(B)/fuzz

fuzz: fuzz-build
	scripts/fuzz-run --seconds $(FUZZ_SECONDS) $(B)/fuzz

setup:
	scripts/setup

check:
	scripts/check

demo:
	scripts/setup
	scripts/demo

bench: all
	B=$(B) scripts/bench

lava:
	scripts/setup
	$(MAKE) all
	scripts/guest-kernel build kit >/dev/null
	scripts/lava-job make $(B)/lava
	scripts/lava-job validate $(B)/lava
	scripts/lava-job run $(B)/lava

repro:
	scripts/setup
	$(MAKE) all
	scripts/repro $(REPRO_ARGS)
	scripts/granule $(GRANULE_ARGS)

# The seed's granule case nested on arm64 (Documentation/arm64.md): also
# part of make repro.
granule:
	scripts/setup
	$(MAKE) all
	scripts/granule $(GRANULE_ARGS)

# The QEMU patch loop, red to green: scenario 2 with level 1 on QEMU built
# from Debian's source, unpatched (clean), then with the patches of
# selftests/qemu_patches (reproduced). Documentation/qemu.md.
qemu-loop:
	scripts/setup
	$(MAKE) all
	scripts/repro -s 2 --qemu-l1 built -o $(B)/repro/qemu-green $(REPRO_ARGS)
	scripts/repro -s 2 --qemu-patch selftests/qemu_patches -o $(B)/repro/qemu-red $(REPRO_ARGS)

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
	$(MAKE) -C kmod install-src DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

# KST_MODULES: built hostgeom_test.ko files to install with the tests.
install-selftests: all
	@test -n "$(INSTALL_PATH)" || { \
	  echo "hostgeom: set INSTALL_PATH=DIR to install the selftests" >&2; exit 2; }
	scripts/install-selftests --build $(B) \
		$(foreach m,$(KST_MODULES),--module $(m)) $(INSTALL_PATH)

clean:
	rm -rf $(B)
