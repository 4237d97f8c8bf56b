/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake VFIO and iommufd kernel for tests: a /dev tree of plain files and
 * an ioctl function (for struct hg_ctx.ioctl) that answers according to
 * fake_kernel, logs every call and checks the order things are closed in.
 * Also builds VFIO_IOMMU_GET_INFO answers byte by byte.
 */
#ifndef HOSTGEOM_FAKE_VFIO_H
#define HOSTGEOM_FAKE_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vfio.h>

#include <hostgeom/ctx.h>
#include <hostgeom/hw_info.h>
#include <hostgeom/range.h>

#include "fake_sysfs.h"

/* A VFIO_IOMMU_GET_INFO answer; capabilities are chained as added. */
struct fake_answer {
	unsigned char b[2048];
	size_t len;
	size_t last;		/* offset of the last capability, 0: none */
};

void fake_answer_init(struct fake_answer *a, uint64_t pgsizes);
/* Sets "next" of the capability at @at, or cap_offset when @at is 0. */
void fake_answer_link(struct fake_answer *a, size_t at, uint32_t next);
size_t fake_answer_cap(struct fake_answer *a, const void *cap, size_t size);
/* An IOVA range capability claiming @nr ranges, @n_given really there. */
size_t fake_answer_iova(struct fake_answer *a, uint32_t nr,
			const struct vfio_iova_range *r, size_t n_given);
size_t fake_answer_dma_avail(struct fake_answer *a, uint32_t avail);
size_t fake_answer_migration(struct fake_answer *a);

/* What a VT-d guest with aw-bits=39 reports (measured in a kit VM, Documentation/vm.md). */
extern const struct vfio_iova_range fake_vtd39[2];
#define FAKE_VTD39_PGSIZES	UINT64_C(0x40201000)
#define FAKE_VTD39_CAP		UINT64_C(0xd2008c22260286)
#define FAKE_VTD39_ECAP		UINT64_C(0xf00f4a)

#define FAKE_MAX_ANSWERS	8
#define FAKE_MAX_RANGES		16
#define FAKE_LOG_MAX		64

struct fake_kernel {
	char dev_root[256];

	/* type1 */
	int api_version;
	int has_type1v2;
	bool not_viable;
	int set_container_errno;
	int set_iommu_errno;
	int get_info_errno;
	struct fake_answer answers[FAKE_MAX_ANSWERS];	/* one per call, */
	size_t n_answers;				/* the last repeats */
	uint32_t claim_argsz;	/* nonzero: always ask for this much */
	int get_info_calls;

	/* iommufd */
	int bind_errno, attach_errno, hw_info_errno;
	struct hg_range ranges[FAKE_MAX_RANGES];
	uint32_t range_counts[FAKE_MAX_ANSWERS];	/* per call, last repeats */
	size_t n_range_counts;
	bool ranges_lie;		/* succeed even when they do not fit */
	uint64_t iova_alignment;
	uint32_t hw_type;
	uint64_t cap_reg, ecap_reg;		/* VT-d's */
	struct hg_hw_info_smmuv3 smmuv3;	/* HG_HW_INFO_TYPE_ARM_SMMUV3's */
	struct hg_hw_info_amd amd;		/* HG_HW_INFO_TYPE_AMD's */
	int iova_ranges_calls;
	uint32_t ioas_id;

	/* "NODE REQUEST" per call, e.g. "vfio/7 SET_CONTAINER" */
	char log[FAKE_LOG_MAX][96];
	size_t n_log;
	/* What the fake saw go wrong (a device open at IOMMU_DESTROY, ...) */
	char violation[256];
};

extern struct fake_kernel fake_kernel;

/*
 * A fresh /dev tree (mkdtemp) and a fake kernel with type1v2, API version
 * 0, viable groups and no answers yet. NULL on failure.
 */
const char *fake_vfio_setup(void);
/* Removes the tree (and every node in it). */
void fake_vfio_teardown(void);
/* Creates DEV/@path (parents made), e.g. "vfio/vfio", "iommu". */
int fake_vfio_node(const char *path);

int fake_ioctl(int fd, unsigned long request, void *arg);

/* Points @ctx at @sysfs_root, the fake /dev and fake_ioctl. */
void fake_vfio_ctx(struct hg_ctx *ctx, const char *sysfs_root);

/*
 * The vfio-pci devices of scripts/vm-topology's default preset: group 6
 * is 0000:01:00.0 (vfio0) alone; group 7 a driverless PCIe-to-PCI bridge
 * 0000:02:00.0 with 0000:03:01.0 (vfio1) and 0000:03:02.0 (vfio2) behind
 * it; both have the x86 MSI window reserved. Makes their /dev nodes (and
 * vfio/vfio, iommu), and sets both backends to answer what a VT-d
 * aw-bits=39 guest answers.
 */
int fake_vfio_default_machine(struct fake_sysfs *fs);

/*
 * An arm64 host (fake_sysfs_add_arm64_host, @kind) whose type1 and
 * iommufd answer what the arm64 rows' guests answer: [0, 2^48 - 1] less
 * the MSI window, page sizes @pgsizes (0x40201000 for a 4 KiB kernel,
 * 0x20010000 for 64 KiB); for SMMUv3 IOMMU_GET_HW_INFO gives QEMU 10.0's
 * ID registers (selftests/test_data/hw_info/qemu-10.0, stage 1).
 */
int fake_vfio_arm64_machine(struct fake_sysfs *fs, enum fake_arm64_iommu kind,
			    uint64_t pgsizes);

/* "" when every fd opened since @fds_before is closed and in order. */
const char *fake_vfio_leaks(int fds_before);

/* Position of @entry in the log, -1 when absent. */
int fake_log_find(const char *entry);
size_t fake_log_count(const char *entry);
/* Open file descriptors of this process. */
int fake_open_fds(void);

#endif
