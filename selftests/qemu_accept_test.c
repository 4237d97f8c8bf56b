// SPDX-License-Identifier: GPL-2.0
/*
 * The emitted QEMU options, given to the real QEMU: a -device string that
 * QEMU refuses is worse than none. Each variant starts QEMU stopped (-S)
 * with the options hostgeom derives for a host geometry and quits over
 * QMP; QEMU must start and exit 0. Skips when that QEMU is not installed.
 * Per QEMU version: the system's (10.0) and Debian 12's own 7.2, unpacked
 * into the cache by scripts/qemu-version; the options are derived for what
 * that binary says it has (qemu_caps.h), as hostgeom qemu --qemu does.
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
#include <hostgeom/qemu_caps.h>

#include "kselftest_harness.h"
#include "prog_run.h"

FIXTURE(accept) {
	struct hg_qemu_input in;
	struct hg_qemu_opts opts;
	struct hg_resv msi;
	struct hg_qemu_caps caps;
	char binary[512];
	char errbuf[4096];
};

FIXTURE_VARIANT(accept) {
	const char *binary;
	const char *cached;	/* a version in the cache, instead of binary */
	const char *machine;
	enum hg_machine kind;
	unsigned int host_bits;
	bool msi_hole;
	/* an arm64 host: its MSI window and page sizes (else q35's, 4K) */
	uint64_t msi_start, msi_end, pgsizes;
	const char *granule;	/* the granule the line must carry, or NULL */
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

FIXTURE_VARIANT_ADD(accept, qemu72_q35_vtd39) {
	.cached = "7.2",
	.machine = "q35,kernel-irqchip=split",
	.kind = HG_MACHINE_Q35,
	.host_bits = 39,
	.msi_hole = true,
};

FIXTURE_VARIANT_ADD(accept, qemu72_q35_host64) {
	.cached = "7.2",
	.machine = "q35,kernel-irqchip=split",
	.kind = HG_MACHINE_Q35,
	.host_bits = 64,
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
 * arm64 hosts (hostgeom built for arm64 defaults to virt): SMMUv3 with a
 * 4 KiB-page kernel (its software MSI window, measured in the arm64-smmuv3
 * row), the same with 64 KiB pages (a 64K granule's page and 512M block:
 * granule=64k), and virtio-iommu's ITS doorbell (the arm64-virtio row).
 */
FIXTURE_VARIANT_ADD(accept, virt_smmuv3_4k) {
	.binary = "qemu-system-aarch64",
	.machine = "virt",
	.kind = HG_MACHINE_VIRT,
	.host_bits = 48,
	.msi_hole = true,
	.msi_start = 0x8000000, .msi_end = 0x80fffff,
	.pgsizes = 0x40201000,
	.granule = "4k",
};

FIXTURE_VARIANT_ADD(accept, virt_smmuv3_64k) {
	.binary = "qemu-system-aarch64",
	.machine = "virt",
	.kind = HG_MACHINE_VIRT,
	.host_bits = 48,
	.msi_hole = true,
	.msi_start = 0x8000000, .msi_end = 0x80fffff,
	.pgsizes = 0x20010000,
	.granule = "64k",
};

FIXTURE_VARIANT_ADD(accept, virt_virtio_its_4k) {
	.binary = "qemu-system-aarch64",
	.machine = "virt",
	.kind = HG_MACHINE_VIRT,
	.host_bits = 48,
	.msi_hole = true,
	.msi_start = 0x8090000, .msi_end = 0x809ffff,
	.pgsizes = 0xfffffffffffff000,
	.granule = "4k",
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

/* Runs @binary stopped on @variant's machine with -device @dev, as run_qemu(). */
static int run_device(const FIXTURE_VARIANT(accept) *variant,
		      const char *binary, const char *dev, char *errbuf,
		      size_t len)
{
	char machine[128];
	char *argv[] = {
		(char *)binary, "-machine", machine, "-accel", "tcg",
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
	if (variant->cached) {
		const char *cache = getenv("HOSTGEOM_CACHE");

		snprintf(self->binary, sizeof(self->binary),
			 "%s/qemu/%s/bin/qemu-system-x86_64",
			 cache ? cache : "/var/cache/hostgeom", variant->cached);
		if (access(self->binary, X_OK))
			SKIP(return, "QEMU %s is not in the cache (%s; scripts/qemu-version fetch %s, which scripts/setup runs)",
			     variant->cached, self->binary, variant->cached);
	} else {
		snprintf(self->binary, sizeof(self->binary), "%s",
			 variant->binary);
		if (!prog_in_path(variant->binary))
			SKIP(return, "%s not installed (scripts/setup installs it)",
			     variant->binary);
	}
	ASSERT_EQ(0, hg_qemu_caps_probe(self->binary, &self->caps, &err)) {
		TH_LOG("%s", err.msg);
	}
	if (variant->cached)
		ASSERT_EQ(0, strncmp(variant->cached, "7.2", 3));
	self->msi = (struct hg_resv){ 0xfee00000, 0xfeefffff, HG_RESV_MSI };
	if (variant->msi_end)
		self->msi = (struct hg_resv){ variant->msi_start,
					      variant->msi_end, HG_RESV_MSI };
	self->in.machine = variant->kind;
	self->in.pgsizes = variant->pgsizes ? variant->pgsizes : 0x40201000;
	self->in.resv = &self->msi;
	self->in.n_resv = 1;
	self->in.qemu = &self->caps;
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

	if (self->opts.virtio == HG_VIRTIO_NONE)
		SKIP(return, "no virtio-iommu line for QEMU %u.%u on a %u-bit host: it has no aw-bits (the intel-iommu line instead)",
		     self->caps.major, self->caps.minor, variant->host_bits);
	ASSERT_NE(NULL, dev);
	if (variant->granule) {
		char want[32];

		snprintf(want, sizeof(want), "\"granule\":\"%s\"", variant->granule);
		EXPECT_NE(NULL, strstr(dev, want)) {
			TH_LOG("%s lacks %s", dev, want);
		}
	}
	EXPECT_EQ(0, run_device(variant, self->binary, dev, self->errbuf,
				sizeof(self->errbuf))) {
		TH_LOG("-device %s refused: %s", dev, self->errbuf);
	}
	free(dev);
}

/*
 * The emulated SMMUv3 of the virt machine (-machine virt,iommu=smmuv3)
 * starts with the options of every arm64 variant; hostgeom names it only
 * in a note (QEMU 10.0's cannot carry a vfio-pci device: no MAP
 * notifier).
 */
TEST_F(accept, virt_smmuv3_machine)
{
	char *argv[] = {
		self->binary, "-machine", "virt,iommu=smmuv3", "-accel", "tcg",
		"-display", "none", "-nodefaults", "-S", "-qmp", "stdio", NULL
	};

	if (variant->kind != HG_MACHINE_VIRT)
		SKIP(return, "arm-smmuv3 is the virt machine's");
	EXPECT_EQ(0, run_qemu(argv, self->errbuf, sizeof(self->errbuf))) {
		TH_LOG("virt,iommu=smmuv3 refused: %s", self->errbuf);
	}
}

/*
 * Why hostgeom reports the holes instead of setting reserved-regions: the
 * machine sets that list itself and QEMU refuses a second one, in the
 * form each version takes (a JSON list from 8.2 on, len-reserved-regions
 * and indexed elements before: 7.2 lists only len-reserved-regions in its
 * -device help). When a QEMU accepts it, this fails, and the emitter
 * should set it again.
 */
TEST_F(accept, user_reserved_regions_refused)
{
	const char *region = variant->kind == HG_MACHINE_Q35 ?
		"0xfee00000:0xfeefffff:1" : "0x8000000:0x80fffff:1";
	char dev[256];

	if (hg_qemu_caps_at_least(&self->caps, 8, 2))
		snprintf(dev, sizeof(dev),
			 "{\"driver\":\"virtio-iommu-pci\",\"reserved-regions\":[\"%s\"]}",
			 region);
	else
		snprintf(dev, sizeof(dev),
			 "virtio-iommu-pci,len-reserved-regions=1,reserved-regions[0]=%s",
			 region);
	EXPECT_NE(0, run_device(variant, self->binary, dev, self->errbuf,
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
	EXPECT_EQ(0, run_device(variant, self->binary, dev, self->errbuf,
				sizeof(self->errbuf))) {
		TH_LOG("-device %s refused: %s", dev, self->errbuf);
	}
	free(dev);
}

/*
 * Why a QEMU without virtio-iommu aw-bits gets no such line: the line the
 * kit printed for every QEMU before is refused there. When this fails, the
 * binary's -device help and the option it takes disagree.
 */
TEST_F(accept, virtio_props_refused_where_absent)
{
	static const char dev[] =
		"{\"driver\":\"virtio-iommu-pci\",\"aw-bits\":39,\"granule\":\"4k\"}";

	if (self->caps.virtio_aw_bits)
		SKIP(return, "QEMU %u.%u has virtio-iommu aw-bits",
		     self->caps.major, self->caps.minor);
	EXPECT_NE(0, run_device(variant, self->binary, dev, self->errbuf,
				sizeof(self->errbuf)));
	EXPECT_NE(NULL, strstr(self->errbuf,
			       "Property 'virtio-iommu-pci.aw-bits' not found")) {
		TH_LOG("QEMU said: %s", self->errbuf);
	}
}

TEST_HARNESS_MAIN
