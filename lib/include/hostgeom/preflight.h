/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Preflight: before a guest with assigned devices starts, the guest
 * addresses VFIO will be asked to map (RAM, the memory-hotplug region, the
 * window where the firmware puts 64-bit BARs, or a vIOMMU's aperture),
 * checked against what each device's host IOMMU can map.
 *
 * The planned guest is described by struct hg_pf_guest, filled from a QEMU
 * command line, a libvirt domain XML or by hand. Everything the parsers
 * meet but do not model lands in its notes with what was assumed; what
 * makes the answer impossible (an unknown machine type or firmware) lands
 * in undecided.
 */
#ifndef HOSTGEOM_PREFLIGHT_H
#define HOSTGEOM_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hostgeom/err.h>
#include <hostgeom/qemu_caps.h>
#include <hostgeom/range.h>

#define HG_GIB (1ULL << 30)

enum hg_pf_machine { HG_PF_MACHINE_UNSET, HG_PF_PC, HG_PF_Q35 };
enum hg_pf_firmware { HG_PF_SEABIOS, HG_PF_OVMF };
enum hg_pf_viommu {
	HG_PF_VIOMMU_NONE, HG_PF_VIOMMU_INTEL, HG_PF_VIOMMU_VIRTIO,
};
enum hg_pf_vendor { HG_PF_VENDOR_AMD, HG_PF_VENDOR_INTEL };

#define HG_PF_NAME_MAX 64
#define HG_PF_DIMMS_MAX 16
#define HG_PF_DEVICES_MAX 16
#define HG_PF_BUSES_MAX 32
#define HG_PF_NOTES_MAX 32
#define HG_PF_NOTE_LEN 400

struct hg_pf_dimm {
	char id[HG_PF_NAME_MAX];
	char memdev[HG_PF_NAME_MAX];
	uint64_t size;
	uint64_t addr;			/* when has_addr */
	bool has_addr;
};

/* A memory backend (-object memory-backend-*), for the dimms' sizes. */
struct hg_pf_backend {
	char id[HG_PF_NAME_MAX];
	uint64_t size;
};

/* A bus a device can sit on: pcie-root-port, pcie-pci-bridge, pci-bridge. */
struct hg_pf_bus {
	char id[HG_PF_NAME_MAX];
	char driver[32];
	bool disable_acs;
};

struct hg_pf_device {
	char host[32];			/* host BDF, normalized */
	char id[HG_PF_NAME_MAX];
	char bus[HG_PF_NAME_MAX];	/* guest bus id, "" for the root bus */
	bool hotplug;			/* planned as a hot-plug (named so) */
};

struct hg_pf_guest {
	enum hg_pf_machine machine;
	char machine_name[HG_PF_NAME_MAX];	/* as given */
	unsigned int version_major, version_minor;	/* 0.0: the newest */
	uint64_t ram, maxmem;		/* maxmem 0: no hotplug region */
	unsigned int slots;
	uint64_t max_ram_below_4g;	/* 0: QEMU's default */
	char cpu_model[HG_PF_NAME_MAX];
	enum hg_pf_vendor vendor;
	bool vendor_set;
	unsigned int phys_bits;		/* 0: the CPU model's default */
	bool host_phys_bits;		/* phys-bits follow the host CPU */
	bool host_phys_bits_set;
	unsigned int host_phys_bits_limit;	/* 0: none */
	unsigned int host_cpu_phys_bits;	/* the host CPU's, 0: unknown */
	enum hg_pf_vendor host_vendor;	/* the host CPU's, when set */
	bool host_vendor_set;
	bool kvm;
	uint64_t hole64_size;		/* 0: the machine's default */
	enum hg_pf_firmware firmware;
	/* the libvirt the fixes are written for (hg_libvirt_form_for), 0: unknown */
	unsigned long libvirt_version;
	enum hg_pf_viommu viommu;
	unsigned int aw_bits;		/* 0: the vIOMMU's default */
	/* the QEMU that runs the guest, NULL: unknown, taken as the newest */
	const struct hg_qemu_caps *qemu;
	/* libvirt's <emulator>: the binary that runs the guest, "": not given */
	char emulator[256];
	struct hg_pf_backend backends[HG_PF_DIMMS_MAX];
	size_t n_backends;
	struct hg_pf_dimm dimms[HG_PF_DIMMS_MAX];
	size_t n_dimms;
	struct hg_pf_bus buses[HG_PF_BUSES_MAX];
	size_t n_buses;
	struct hg_pf_device devices[HG_PF_DEVICES_MAX];
	size_t n_devices;
	/* what was met and not modelled, and what was assumed instead */
	char notes[HG_PF_NOTES_MAX][HG_PF_NOTE_LEN];
	size_t n_notes;
	char undecided[HG_PF_NOTE_LEN];	/* why no answer is possible */
};

/* QEMU's defaults for x86: q35 here (QEMU's own is pc), SeaBIOS, 128 MiB. */
void hg_pf_guest_init(struct hg_pf_guest *g);
/*
 * The host CPU's vendor and physical address bits from a /proc/cpuinfo
 * text ("vendor_id", "address sizes : 46 bits physical"), for the CPU
 * models that follow the host. Unknown fields are left unset.
 */
void hg_pf_host_cpu_parse(struct hg_pf_guest *g, const char *cpuinfo);
struct hg_ctx;
/*
 * The same from the cpuinfo under @ctx's /proc root; a missing or
 * unreadable file leaves them unset (the CPU notes then say so).
 */
void hg_pf_host_cpu_read(const struct hg_ctx *ctx, struct hg_pf_guest *g);
/* The guest CPU as QEMU will make it: vendor and physical address bits. */
enum hg_pf_vendor hg_pf_cpu_vendor(const struct hg_pf_guest *g);
unsigned int hg_pf_cpu_phys_bits(const struct hg_pf_guest *g);	/* 0: unknown */
bool hg_pf_cpu_host_phys_bits(const struct hg_pf_guest *g);
/* Notes (and undecided) about what the CPU derivation assumed. */
void hg_pf_cpu_notes(struct hg_pf_guest *g);

/* Appends a note (dropped, with a last note saying so, when full). */
void hg_pf_note(struct hg_pf_guest *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sets the reason no answer is possible (first one wins). */
void hg_pf_undecided(struct hg_pf_guest *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * "pc", "q35", "pc-q35-9.2", "pc-i440fx-10.0" (and their "-machine type="
 * spellings): -EINVAL with @g->undecided set for anything else.
 */
int hg_pf_set_machine(struct hg_pf_guest *g, const char *name);
/* "seabios", "ovmf" (also "efi", "uefi", "bios"); -EINVAL otherwise. */
int hg_pf_set_firmware(struct hg_pf_guest *g, const char *name);
/* "intel", "virtio", "none" */
int hg_pf_set_viommu(struct hg_pf_guest *g, const char *name);
/* Adds an assigned device by host BDF (short form taken). */
int hg_pf_add_device(struct hg_pf_guest *g, const char *bdf, const char *id,
		     const char *bus, struct hg_err *err);

/*
 * A size as QEMU writes it: a number with an optional K, M, G, T suffix
 * (powers of 1024), or @unit for a plain number (1 for bytes, 1 << 20 for
 * -m's MiB).
 */
int hg_pf_parse_size(const char *s, uint64_t unit, uint64_t *out);

/*
 * From a QEMU command line (argv without or with the binary first). A
 * malformed value is an error; an option that is not modelled is a note.
 */
int hg_pf_from_qemu_argv(struct hg_pf_guest *g, char *const *argv,
			 size_t argc, struct hg_err *err);
/* From a libvirt domain XML document (virsh dumpxml). */
int hg_pf_from_libvirt_xml(struct hg_pf_guest *g, const char *xml,
			   size_t len, struct hg_err *err);

/* What VFIO is asked to map, and what sits in the address space. */
enum hg_pf_kind {
	HG_PF_RAM_LOW,		/* RAM below 4 GiB */
	HG_PF_RAM_HIGH,		/* RAM above 4 GiB */
	HG_PF_HOTPLUG,		/* the device-memory (hotplug) region */
	HG_PF_DIMM,		/* a pc-dimm placed in it */
	HG_PF_BARS64,		/* where the firmware puts 64-bit BARs */
	HG_PF_APERTURE,		/* the vIOMMU's input address space */
};

/* "ram-below-4g", "ram-above-4g", "hotplug", "dimm", "bars64", "aperture" */
const char *hg_pf_kind_name(enum hg_pf_kind kind);

/* RAM below and above 4 GiB, hotplug, the dimms, 64-bit BARs, aperture */
#define HG_PF_REGIONS_MAX (5 + HG_PF_DIMMS_MAX)

struct hg_pf_region {
	enum hg_pf_kind kind;
	char name[HG_PF_NAME_MAX];	/* a dimm's id, else the kind */
	struct hg_range range;
};

struct hg_pf_layout {
	unsigned int phys_bits;		/* the guest CPU's, in effect */
	uint64_t below_4g, above_4g;	/* RAM sizes */
	uint64_t above_4g_start;	/* 4 GiB, or 1 TiB (AMD HT hole) */
	uint64_t devmem_base, devmem_size;	/* size 0: none */
	uint64_t hole64_start, hole64_end;	/* QEMU's, end exclusive */
	uint64_t max_used;		/* QEMU's phys-bits check, inclusive */
	uint64_t bars_base, bars_size;	/* the firmware's 64-bit window */
	bool bars_high;			/* 64-bit BARs above 4 GiB at all */
	unsigned int aperture_bits;	/* with a vIOMMU */
	struct hg_pf_region regions[HG_PF_REGIONS_MAX];
	size_t n_regions;
	char refused[HG_PF_NOTE_LEN];	/* QEMU refuses to start: why */
};

/* Derives the layout QEMU 10 and the firmware will give @g. */
int hg_pf_layout(const struct hg_pf_guest *g, struct hg_pf_layout *out,
		 struct hg_err *err);

/* The host side of one assigned device. */
struct hg_pf_host {
	char device[32];
	unsigned int group;		/* host IOMMU group, when known */
	bool have_group;
	bool group_shared;		/* has other members on the host */
	struct hg_ranges usable;	/* what its IOMMU can map */
	unsigned int aw_bits;		/* bits of the highest usable address */
	char source[32];		/* "sysfs", "type1", "given" */
};

/*
 * The host side when none can be read: [0, 2^@aw_bits - 1] without the
 * x86 MSI window 0xfee00000-0xfeefffff (every x86 IOMMU reserves it).
 */
int hg_pf_host_from_width(struct hg_pf_host *host, const char *device,
			  unsigned int aw_bits, struct hg_err *err);
void hg_pf_host_free(struct hg_pf_host *host);

struct hg_topology;
/* From the device's group in sysfs (VFIO not needed). */
int hg_pf_host_from_sysfs(const struct hg_ctx *ctx,
			  const struct hg_topology *topo, const char *device,
			  struct hg_pf_host *host, struct hg_err *err);
/* From VFIO (type1, else iommufd): the device must be bound to vfio-pci. */
int hg_pf_host_from_vfio(const struct hg_ctx *ctx, const char *device,
			 struct hg_pf_host *host, struct hg_err *err);

enum hg_pf_severity {
	HG_PF_FATAL,		/* QEMU or the device fails */
	HG_PF_DEGRADING,	/* peer-to-peer to these BARs fails */
	HG_PF_HAZARD,		/* the non-singleton-group problem */
};

/* "fatal", "degrading", "hazard" */
const char *hg_pf_severity_name(enum hg_pf_severity sev);

#define HG_PF_FIX_LEN 360

struct hg_pf_fix {
	char qemu[HG_PF_FIX_LEN];
	char libvirt[HG_PF_FIX_LEN];
	char cloud_hypervisor[HG_PF_FIX_LEN];	/* "" where none applies */
};

#define HG_PF_CONFLICTS_MAX 32

struct hg_pf_conflict {
	enum hg_pf_severity severity;
	size_t region;			/* index into the layout's regions */
	size_t device;			/* index into the hosts */
	struct hg_range outside;	/* first part the host cannot map */
	char why[HG_PF_NOTE_LEN];
	struct hg_pf_fix fix;
	struct hg_pf_fix alt;		/* a second fix, "" when none */
};

struct hg_pf_report {
	struct hg_pf_layout layout;
	struct hg_pf_conflict conflicts[HG_PF_CONFLICTS_MAX];
	size_t n_conflicts;
	size_t n_unlisted;		/* conflicts past the array: counted */
	bool fits;			/* no conflict and QEMU starts */
};

/*
 * Intersects @layout's regions with each of @hosts (one per assigned
 * device, in the guest's order) and finds the smallest fix for each
 * conflict by changing one option and deriving the layout again.
 */
int hg_pf_check(const struct hg_pf_guest *g, const struct hg_pf_host *hosts,
		size_t n_hosts, struct hg_pf_report *out, struct hg_err *err);

/* What QEMU itself reports for @g (started paused, read over QMP). */
struct hg_pf_probe {
	uint64_t below_4g, above_4g;
	uint64_t devmem_base, devmem_size;	/* size 0: none */
	uint64_t hole64_start, hole64_end;
	uint64_t dimm_addr[HG_PF_DIMMS_MAX];
	size_t n_dimms;
	char refused[HG_PF_NOTE_LEN];	/* QEMU's message when it would not start */
};

/*
 * The argv (NULL-terminated, malloc'd strings) that starts QEMU with @g's
 * memory layout and nothing else: machine, CPU, memory, dimms, hole64.
 */
char **hg_pf_probe_argv(const struct hg_pf_guest *g, const char *binary);
void hg_pf_argv_free(char **argv);
/* Runs @binary paused with that layout and reads it back. */
int hg_pf_probe_qemu(const struct hg_pf_guest *g, const char *binary,
		     struct hg_pf_probe *out, struct hg_err *err);

#endif
