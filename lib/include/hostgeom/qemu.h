/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The QEMU vIOMMU options that match a host geometry: virtio-iommu-pci
 * (aw-bits, granule, reserved-regions) and intel-iommu aw-bits; the
 * libvirt XML for them is in qemu_libvirt.h.
 */
#ifndef HOSTGEOM_QEMU_H
#define HOSTGEOM_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/err.h>
#include <hostgeom/qemu_caps.h>
#include <hostgeom/range.h>
#include <hostgeom/sysfs.h>

enum hg_machine { HG_MACHINE_Q35, HG_MACHINE_VIRT };

/* The guest machine a host of this build's architecture runs: virt on arm64. */
#if defined(__aarch64__)
#define HG_MACHINE_HOST HG_MACHINE_VIRT
#else
#define HG_MACHINE_HOST HG_MACHINE_Q35
#endif

struct hg_qemu_input {
	enum hg_machine machine;
	struct hg_ranges usable;	/* host usable IOVA ranges (intersection) */
	uint64_t pgsizes;		/* host page-size bitmap, 0 if unknown */
	const char *source;		/* "type1", "iommufd" or "sysfs" */
	const struct hg_resv *resv;	/* the groups' reserved regions, to */
	size_t n_resv;			/* tell MSI holes from others */
	unsigned long libvirt_version;	/* the XML's reader, 0 if unknown */
	const char *libvirt_source;	/* where that version came from */
	const struct hg_qemu_caps *qemu; /* the QEMU; NULL: not known, the */
					 /* options of QEMU 9.0 and later */
};

#define HG_QEMU_NOTE_MAX 12

/* What the virtio-iommu-pci line can be on that QEMU. */
enum hg_qemu_virtio {
	HG_VIRTIO_PROPS,	/* with aw-bits and granule */
	HG_VIRTIO_BARE,		/* without: its defaults match the host */
	HG_VIRTIO_NONE,		/* without, and its defaults do not: none */
};

struct hg_qemu_opts {
	enum hg_machine machine;
	enum hg_qemu_virtio virtio;
	unsigned int aw_bits;		/* virtio-iommu aw-bits */
	const char *granule;		/* "4k", "8k", "16k", "64k" */
	struct hg_ranges reserved;	/* holes below 2^aw_bits (reported only) */
	uint8_t *reserved_type;		/* per hole: 0 reserved, 1 MSI (QEMU's codes) */
	unsigned int intel_aw_bits;	/* 39 or 48; 0 when none fits */
	unsigned long libvirt_version;	/* picks the libvirt XML's form */
	char notes[HG_QEMU_NOTE_MAX][256];	/* why each value is what it is */
	size_t n_notes;
};

struct hg_geom_query;
struct hg_topology;
struct hg_ctx;

/*
 * The host geometry of the groups VFIO answered for in @query: the
 * intersection of their usable ranges (type1's, else iommufd's) and of
 * their page sizes. @in points into @query's memory (reserved regions).
 */
int hg_qemu_input_from_query(const struct hg_geom_query *query,
			     struct hg_qemu_input *in, struct hg_err *err);
/*
 * Without VFIO: each group's usable set from its sysfs reserved regions
 * within the address width of its members' VT-d unit. @ids empty: every
 * group. @in points into @topo.
 */
int hg_qemu_input_from_sysfs(const struct hg_ctx *ctx,
			     const struct hg_topology *topo,
			     const unsigned int *ids, size_t n_ids,
			     struct hg_qemu_input *in, struct hg_err *err);
void hg_qemu_input_free(struct hg_qemu_input *in);

int hg_qemu_derive(const struct hg_qemu_input *in, struct hg_qemu_opts *out,
		   struct hg_err *err);
void hg_qemu_opts_free(struct hg_qemu_opts *opts);
const char *hg_machine_name(enum hg_machine machine);

/*
 * Malloc'd strings; NULL on allocation failure, and the virtio device
 * with HG_VIRTIO_NONE.
 */
char *hg_qemu_virtio_device_json(const struct hg_qemu_opts *opts);
char *hg_qemu_intel_device(const struct hg_qemu_opts *opts);

#endif
