// SPDX-License-Identifier: GPL-2.0
/*
 * The emitted QEMU options, given to the real QEMU: a -device string that
 * QEMU refuses is worse than none. Each variant starts QEMU stopped (-S)
 * with the options hostgeom derives for a host geometry and quits over
 * QMP; QEMU must start and exit 0. Skips when that QEMU is not installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hostgeom/geometry.h>
#include <hostgeom/qemu.h>

#include "kselftest_harness.h"
#include "prog_run.h"

FIXTURE(accept) {
	struct hg_qemu_input in;
	struct hg_qemu_opts opts;
	struct hg_resv msi;
	char errbuf[4096];
};

FIXTURE_VARIANT(accept) {
	const char *binary;
	const char *machine;
	enum hg_machine kind;
	unsigned int host_bits;
	bool msi_hole;
};

FIXTURE_VARIANT_ADD(accept, q35_vtd39) {
	.binary = "qemu-system-x86_64",
	.machine = "q35,kernel-irqchip=split",
	.kind = HG_MACHINE_Q35,
	.host_bits = 39,
	.msi_hole = true,
};

FIXTURE_VARIANT_ADD(accept, q35_vtd48) {
	.binary = "qemu-system-x86_64",
	.machine = "q35,kernel-irqchip=split",
	.kind = HG_MACHINE_Q35,
	.host_bits = 48,
	.msi_hole = true,
};

FIXTURE_VARIANT_ADD(accept, virt_39_msi_hole) {
	.binary = "qemu-system-aarch64",
	.machine = "virt",
	.kind = HG_MACHINE_VIRT,
	.host_bits = 39,
	.msi_hole = true,
};

FIXTURE_VARIANT_ADD(accept, virt_64_no_hole) {
	.binary = "qemu-system-aarch64",
	.machine = "virt",
	.kind = HG_MACHINE_VIRT,
	.host_bits = 64,
	.msi_hole = false,
};

/*
 * Runs QEMU stopped, sends qmp_capabilities + quit on stdin, returns its
 * exit status (or -1) and leaves stderr in @errbuf.
 */
static int run_qemu(char *const argv[], char *errbuf, size_t len)
{
	static const char qmp[] = "{\"execute\":\"qmp_capabilities\"}\n"
				  "{\"execute\":\"quit\"}\n";
	int in[2], err[2], status;
	ssize_t got, total = 0;
	pid_t pid;

	if (pipe(in) || pipe(err))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(in[0], 0);
		dup2(null, 1);
		dup2(err[1], 2);
		close(in[1]);
		close(err[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(err[1]);
	if (write(in[1], qmp, sizeof(qmp) - 1) < 0)
		total = 0;	/* QEMU died early: its stderr says why */
	close(in[1]);
	while (total < (ssize_t)len - 1 &&
	       (got = read(err[0], errbuf + total, len - 1 - total)) > 0)
		total += got;
	errbuf[total] = '\0';
	close(err[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Runs @variant's QEMU stopped with -device @dev, as run_qemu(). */
static int run_device(const FIXTURE_VARIANT(accept) *variant, const char *dev,
		      char *errbuf, size_t len)
{
	char machine[128];
	char *argv[] = {
		(char *)variant->binary, "-machine", machine, "-accel", "tcg",
		"-display", "none", "-nodefaults", "-S", "-qmp", "stdio",
		"-device", (char *)dev, NULL
	};

	snprintf(machine, sizeof(machine), "%s", variant->machine);
	return run_qemu(argv, errbuf, len);
}

FIXTURE_SETUP(accept)
{
	struct hg_err err = { 0 };

	memset(&self->in, 0, sizeof(self->in));
	/* QEMU in a TCG guest takes seconds per start; the options do not
	 * depend on the guest's kernel, and make check runs this on the host. */
	if (getenv("HOSTGEOM_IN_VM"))
		SKIP(return, "in a test VM: QEMU accepts the options on the host (make check)");
	if (!prog_in_path(variant->binary))
		SKIP(return, "%s not installed (scripts/setup installs it)",
		     variant->binary);
	self->msi = (struct hg_resv){ 0xfee00000, 0xfeefffff, HG_RESV_MSI };
	self->in.machine = variant->kind;
	self->in.pgsizes = 0x40201000;
	self->in.resv = &self->msi;
	self->in.n_resv = 1;
	/* The whole host range, less the MSI window with msi_hole. */
	hg_usable_from_resv(&self->msi, variant->msi_hole ? 1 : 0,
			    variant->host_bits, &self->in.usable);
	ASSERT_EQ(0, hg_qemu_derive(&self->in, &self->opts, &err));
}

FIXTURE_TEARDOWN(accept)
{
	hg_qemu_opts_free(&self->opts);
	hg_ranges_free(&self->in.usable);
}

TEST_F(accept, virtio_iommu_device)
{
	char *dev = hg_qemu_virtio_device_json(&self->opts);

	ASSERT_NE(NULL, dev);
	EXPECT_EQ(0, run_device(variant, dev, self->errbuf,
				sizeof(self->errbuf))) {
		TH_LOG("-device %s refused: %s", dev, self->errbuf);
	}
	free(dev);
}

/*
 * Why hostgeom reports the holes instead of setting reserved-regions: the
 * machine sets that list itself and QEMU 10 refuses a second one. When a
 * QEMU accepts it, this fails, and the emitter should set it again.
 */
TEST_F(accept, user_reserved_regions_refused)
{
	const char *dev = variant->kind == HG_MACHINE_Q35 ?
		"{\"driver\":\"virtio-iommu-pci\",\"reserved-regions\":[\"0xfee00000:0xfeefffff:1\"]}" :
		"{\"driver\":\"virtio-iommu-pci\",\"reserved-regions\":[\"0x8000000:0x80fffff:1\"]}";

	EXPECT_NE(0, run_device(variant, dev, self->errbuf,
				sizeof(self->errbuf)));
	EXPECT_NE(NULL, strstr(self->errbuf, "may not be set more than once")) {
		TH_LOG("QEMU said: %s", self->errbuf);
	}
}

TEST_F(accept, intel_iommu_device)
{
	char *dev = hg_qemu_intel_device(&self->opts);

	if (variant->kind != HG_MACHINE_Q35) {
		free(dev);
		SKIP(return, "intel-iommu exists on q35 only");
	}
	ASSERT_NE(NULL, dev);
	EXPECT_EQ(0, run_device(variant, dev, self->errbuf,
				sizeof(self->errbuf))) {
		TH_LOG("-device %s refused: %s", dev, self->errbuf);
	}
	free(dev);
}

TEST_HARNESS_MAIN
