// SPDX-License-Identifier: GPL-2.0
/*
 * Where SeaBIOS really puts a 64-bit BAR, against the preflight's model of
 * it: QEMU boots SeaBIOS (no guest) with an nvme controller, whose BAR 0
 * is 64-bit, at 00:05.0; SeaBIOS logs each BAR it maps on the debug port
 * ("PCI: map device bdf=00:05.0  bar 0, addr ..."). The address must lie
 * in the model's 64-bit window, or below 4 GiB when the model keeps
 * 64-bit BARs there. Skips without QEMU or SeaBIOS.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hostgeom/preflight.h>

#include "kselftest_harness.h"

#define G HG_GIB

FIXTURE(seabios) {
	struct hg_pf_guest g;
	char log[64];
};

FIXTURE_VARIANT(seabios) {
	const char *machine;
	uint64_t ram, maxmem;
	unsigned int slots, phys_bits;
	bool intel;
};

/* No RAM above 4 GiB: 64-bit BARs stay low. */
FIXTURE_VARIANT_ADD(seabios, q35_2g) {
	.machine = "q35", .ram = 2 * G, .phys_bits = 46,
};
/* RAM above 4 GiB: the top 1/8 of phys-bits (capped at 46)... */
FIXTURE_VARIANT_ADD(seabios, q35_6g_pb39) {
	.machine = "q35", .ram = 6 * G, .phys_bits = 39, .intel = true,
};
FIXTURE_VARIANT_ADD(seabios, q35_6g_pb46) {
	.machine = "q35", .ram = 6 * G, .phys_bits = 46, .intel = true,
};
FIXTURE_VARIANT_ADD(seabios, pc_6g_pb48) {
	.machine = "pc", .ram = 6 * G, .phys_bits = 48, .intel = true,
};
FIXTURE_VARIANT_ADD(seabios, q35_6g_pb41) {
	.machine = "q35", .ram = 6 * G, .phys_bits = 41, .intel = true,
};
/* ... one window lower where AMD's HyperTransport hole is reserved */
FIXTURE_VARIANT_ADD(seabios, q35_6g_pb40_amd) {
	.machine = "q35", .ram = 6 * G, .phys_bits = 40,
};
/* 40 bits from Intel: QEMU's old default, not trusted, BARs stay low */
FIXTURE_VARIANT_ADD(seabios, q35_6g_pb40_intel) {
	.machine = "q35", .ram = 6 * G, .phys_bits = 40, .intel = true,
};
/* ... and above device memory when that reaches higher */
FIXTURE_VARIANT_ADD(seabios, q35_hotplug_high) {
	.machine = "q35", .ram = 6 * G, .maxmem = 460 * G, .slots = 2,
	.phys_bits = 39, .intel = true,
};

FIXTURE_SETUP(seabios)
{
	hg_pf_guest_init(&self->g);
	ASSERT_EQ(0, hg_pf_set_machine(&self->g, variant->machine));
	self->g.ram = variant->ram;
	self->g.maxmem = variant->maxmem;
	self->g.slots = variant->slots;
	self->g.phys_bits = variant->phys_bits;
	self->g.vendor = variant->intel ? HG_PF_VENDOR_INTEL
					: HG_PF_VENDOR_AMD;
	self->g.vendor_set = true;
	snprintf(self->log, sizeof(self->log), "/tmp/hg-seabios-%d.log",
		 getpid());
}

FIXTURE_TEARDOWN(seabios)
{
	unlink(self->log);
}

/* The paused-probe argv, running instead, with nvme and the debug port. */
static pid_t boot(const struct hg_pf_guest *g, const char *log)
{
	char **argv = hg_pf_probe_argv(g, "qemu-system-x86_64");
	char *extra[] = {
		"-device", "nvme,serial=pf,addr=0x5", "-chardev", NULL,
		"-device", "isa-debugcon,iobase=0x402,chardev=dbg", NULL,
	};
	char chardev[128], *full[64];
	size_t n = 0, i;
	pid_t pid;

	snprintf(chardev, sizeof(chardev), "file,id=dbg,path=%s", log);
	extra[3] = chardev;
	for (i = 0; argv[i] && n < 40; i++) {
		if (!strcmp(argv[i], "-S"))
			continue;
		if (!strcmp(argv[i], "-qmp")) {
			i++;
			continue;
		}
		full[n++] = argv[i];
	}
	for (i = 0; extra[i]; i++)
		full[n++] = extra[i];
	full[n] = NULL;
	pid = fork();
	if (!pid) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execvp(full[0], full);
		_exit(127);
	}
	hg_pf_argv_free(argv);
	return pid;
}

/* BAR 0 of 00:05.0 from the log, within 30 s; 0 when not seen. */
static unsigned long long nvme_bar(const char *log)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	char line[512];
	unsigned long long addr;
	int i;

	for (i = 0; i < 300; i++, nanosleep(&tick, NULL)) {
		FILE *f = fopen(log, "r");
		bool found = false;

		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f))
			found = sscanf(line,
				       "PCI: map device bdf=00:05.0 bar 0, addr %llx",
				       &addr) == 1;
		fclose(f);
		if (found)
			return addr;
	}
	return 0;
}

TEST_F(seabios, bar_where_modelled)
{
	struct hg_pf_layout l;
	struct hg_err err = { 0 };
	unsigned long long bar;
	int status;
	pid_t pid;

	/* QEMU inside a TCG test guest takes half a minute per start */
	if (getenv("HOSTGEOM_IN_VM"))
		SKIP(return, "in a test VM: the model is checked against QEMU on the host (make check)");
	if (system("command -v qemu-system-x86_64 >/dev/null 2>&1") ||
	    access("/usr/share/seabios/bios-256k.bin", R_OK))
		SKIP(return, "QEMU or SeaBIOS not installed (scripts/setup installs them)");
	ASSERT_EQ(0, hg_pf_layout(&self->g, &l, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, l.refused[0]) TH_LOG("%s", l.refused);
	pid = boot(&self->g, self->log);
	ASSERT_GT(pid, 0);
	bar = nvme_bar(self->log);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ASSERT_NE(0, bar) TH_LOG("SeaBIOS did not log the nvme BAR");
	if (!l.bars_high) {
		TH_LOG("SeaBIOS: 0x%llx; model: below 4 GiB", bar);
		EXPECT_LT(bar, 1ULL << 32);
		return;
	}
	TH_LOG("SeaBIOS: 0x%llx; model: 0x%llx-0x%llx", bar,
	       (unsigned long long)l.bars_base,
	       (unsigned long long)(l.bars_base + l.bars_size - 1));
	EXPECT_EQ(l.bars_base, bar);
}

TEST_HARNESS_MAIN
