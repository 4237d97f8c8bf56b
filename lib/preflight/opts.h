/* SPDX-License-Identifier: GPL-2.0 */
/* Splitting QEMU option values into key/value pairs (preflight parsers). */
#ifndef HOSTGEOM_PREFLIGHT_OPTS_H
#define HOSTGEOM_PREFLIGHT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PF_OPTS_MAX 48
#define PF_OPT_VALUE_LEN 256

struct pf_opt {
	char key[64];
	char value[PF_OPT_VALUE_LEN];
	bool bare;		/* "flag" or "driver" without '=' */
};

struct pf_opts {
	struct pf_opt v[PF_OPTS_MAX];
	size_t n;
};

/* "a,b=c,,d" or a JSON object; -EINVAL (bad JSON), -E2BIG. */
int pf_opts_parse(const char *s, struct pf_opts *o);
/* The value of @key=, NULL when absent. */
const char *pf_opts_get(const struct pf_opts *o, const char *key);
/* The leading item without '=' ("q35" in "q35,accel=kvm"), or NULL. */
const char *pf_opts_first_bare(const struct pf_opts *o);
/* "on", "true", "yes", "1" */
bool pf_opt_on(const char *v);

struct hg_pf_guest;
struct hg_err;

/* The settings a number is checked for, each with its range. */
enum pf_num {
	PF_NUM_SLOTS,		/* memory slots: 0 to 256 */
	PF_NUM_PHYS_BITS,	/* phys-bits, host-phys-bits-limit: to 64 */
	PF_NUM_AW_BITS,		/* a vIOMMU's aw-bits: 32 to 64 */
	PF_NUM_PCI_DOMAIN,	/* a host PCI address's parts */
	PF_NUM_PCI_BUS,
	PF_NUM_PCI_SLOT,
	PF_NUM_PCI_FUNCTION,
};

/*
 * The checks every reader (QEMU argv, libvirt XML) uses: -EINVAL with
 * "@where '@v': what it must be" in @err when @v is not one.
 */
int pf_value_uint(enum pf_num kind, const char *where, const char *v,
		  unsigned int *out, struct hg_err *err);
/* A size as hg_pf_parse_size() takes it (@unit for a plain number). */
int pf_value_size(const char *where, const char *v, uint64_t unit,
		  uint64_t *out, struct hg_err *err);
/* A guest address: decimal or 0x hex. */
int pf_value_addr(const char *where, const char *v, uint64_t *out,
		  struct hg_err *err);
/*
 * A QEMU command line into @g; @whole: the entire one (QEMU's default
 * machine when none is named, CPU notes), else extra arguments (libvirt's
 * <qemu:commandline>).
 */
int pf_argv_parse(struct hg_pf_guest *g, char *const *argv, size_t argc,
		  bool whole, struct hg_err *err);
/*
 * One -device: vfio-pci, vIOMMUs, pc-dimm and the buses are modelled;
 * other drivers are appended to @others (comma separated) for one note.
 */
int pf_device_add(struct hg_pf_guest *g, const struct pf_opts *o,
		  char *others, size_t len, struct hg_err *err);

#endif
