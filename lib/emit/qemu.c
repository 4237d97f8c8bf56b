// SPDX-License-Identifier: GPL-2.0
/*
 * From a host geometry to QEMU vIOMMU options. The rules, and where they
 * come from:
 *  - virtio-iommu aw-bits: the width of the highest usable host IOVA, so the
 *    guest never allocates above what the host IOMMU can map (QEMU accepts
 *    32..64).
 *  - granule: the smallest host IOMMU page; a granule larger than the guest
 *    page size (64k on x86) makes the guest WARN and vfio-pci fail. On virt
 *    (scripts/granule, QEMU 10.0.2, Linux 6.12) a 4k-page guest refuses
 *    granule 64k and asking 4k did not help: QEMU narrowed the page mask to
 *    the host's for a cold-plugged device, refused a hot-plugged one (other
 *    QEMU versions were not run, so the note names 10.0).
 *  - reserved-regions: the holes in the usable ranges below 2^aw-bits are
 *    reported, not emitted: QEMU 10's pc, q35 and virt machines set this
 *    property themselves and refuse a user list ("may not be set more than
 *    once", measured); QEMU conveys each assigned device's host holes to
 *    the guest per endpoint itself.
 *  - intel-iommu aw-bits: 39 or 48, never wider than the host (QEMU refuses).
 *  - virt: QEMU 10.0's arm-smmuv3 cannot carry a vfio-pci device (its
 *    notify_flag_changed refuses MAP notifiers), so only a note names it;
 *    the kit read 10.0's source only, so for another QEMU the note says
 *    "as of 10.0" and that this one was not checked.
 *  - the QEMU (qemu_caps.h): virtio-iommu-pci has aw-bits and granule from
 *    QEMU 9.0 on; before, its input range is fixed at 64 bits and its
 *    granule at the target's page (4k on x86), so the device is printed
 *    bare where those match the host, and not at all where they do not.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <hostgeom/geometry.h>
#include <hostgeom/qemu.h>
#include <hostgeom/qemu_libvirt.h>

#define QEMU_AW_MIN 32
/* QEMU's reserved-region type codes */
#define QEMU_RESV_RESERVED 0
#define QEMU_RESV_MSI 1

static void note(struct hg_qemu_opts *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct hg_qemu_opts *opts, const char *fmt, ...)
{
	va_list ap;

	if (opts->n_notes >= HG_QEMU_NOTE_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(opts->notes[opts->n_notes++], sizeof(opts->notes[0]), fmt,
		  ap);
	va_end(ap);
}

static const char *granule_for(uint64_t pgsize)
{
	switch (pgsize) {
	case 0x1000:
		return "4k";
	case 0x2000:
		return "8k";
	case 0x4000:
		return "16k";
	case 0x10000:
		return "64k";
	}
	return NULL;
}

/* A hole is an MSI window when it overlaps a region sysfs calls "msi". */
static uint8_t hole_type(const struct hg_qemu_input *in,
			 const struct hg_range *hole)
{
	size_t i;

	for (i = 0; i < in->n_resv; i++) {
		const struct hg_resv *r = &in->resv[i];

		if (r->type == HG_RESV_MSI && r->start <= hole->end &&
		    hole->start <= r->end)
			return QEMU_RESV_MSI;
	}
	return QEMU_RESV_RESERVED;
}

static int derive_reserved(const struct hg_qemu_input *in,
			   struct hg_qemu_opts *out, struct hg_err *err)
{
	size_t i;
	int ret;

	ret = hg_ranges_complement(&in->usable, 0, hg_mask_bits(out->aw_bits),
				   &out->reserved);
	if (ret)
		return hg_err_set(err, ret, "out of memory");
	if (!out->reserved.n)
		return 0;
	out->reserved_type = calloc(out->reserved.n, 1);
	if (!out->reserved_type)
		return hg_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < out->reserved.n; i++)
		out->reserved_type[i] = hole_type(in, &out->reserved.v[i]);
	return 0;
}

/* What the QEMU's virtio-iommu-pci can say of aw-bits and granule. */
static void fit_qemu(const struct hg_qemu_input *in, struct hg_qemu_opts *out,
		     uint64_t pgsize)
{
	const struct hg_qemu_caps *q = in->qemu;
	char ver[300];

	out->virtio = HG_VIRTIO_PROPS;
	if (!q) {
		note(out, "QEMU not found: the options of QEMU %u.%u and later (--qemu BINARY or --qemu-version X.Y for another)",
		     HG_QEMU_VIRTIO_PROPS_MAJOR, HG_QEMU_VIRTIO_PROPS_MINOR);
		return;
	}
	hg_qemu_caps_str(q, ver, sizeof(ver));
	note(out, "QEMU %s: properties from %s", ver,
	     q->binary[0] ? "its -device NAME,help" :
			    "the kit's table of the versions it ran");
	if (q->virtio_aw_bits && q->virtio_granule)
		return;
	if (in->machine == HG_MACHINE_Q35 && out->aw_bits >= 64 &&
	    pgsize <= 0x1000) {
		out->virtio = HG_VIRTIO_BARE;
		note(out, "virtio-iommu-pci of QEMU %u.%u has no aw-bits or granule (QEMU %u.%u on): its fixed 64-bit input range and 4k pages fit this host",
		     q->major, q->minor, HG_QEMU_VIRTIO_PROPS_MAJOR,
		     HG_QEMU_VIRTIO_PROPS_MINOR);
		return;
	}
	out->virtio = HG_VIRTIO_NONE;
	note(out, "no virtio-iommu: QEMU %u.%u's has no aw-bits or granule (QEMU %u.%u on), so its guests see a 64-bit input range and use IOVAs this %u-bit host cannot map; %s",
	     q->major, q->minor, HG_QEMU_VIRTIO_PROPS_MAJOR,
	     HG_QEMU_VIRTIO_PROPS_MINOR, out->aw_bits,
	     in->machine == HG_MACHINE_Q35 && q->intel_aw_bits &&
	     out->aw_bits >= 39 ? "use the intel-iommu line, or QEMU 9.0 or later" :
				  "use QEMU 9.0 or later");
}

/*
 * QEMU 10.0's hw/arm/smmuv3.c refuses an IOMMU MAP notifier, so its
 * arm-smmuv3 carries no vfio-pci device. Read in 10.0 only: another
 * QEMU (or none known) gets the fact as of 10.0, marked unchecked.
 */
static void note_smmuv3(const struct hg_qemu_input *in,
			struct hg_qemu_opts *out)
{
	const struct hg_qemu_caps *q = in->qemu;
	char ver[32];

	if (q && q->major == 10 && q->minor == 0) {
		note(out, "arm-smmuv3 (-machine virt,iommu=smmuv3) is no vIOMMU for an assigned device: QEMU 10.0's emulated SMMUv3 has no MAP notifier and refuses a vfio-pci device behind it; virtio-iommu is the one for VFIO on virt");
		return;
	}
	if (q)
		snprintf(ver, sizeof(ver), "QEMU %u.%u", q->major, q->minor);
	else
		snprintf(ver, sizeof(ver), "the QEMU to run");
	note(out, "arm-smmuv3 (-machine virt,iommu=smmuv3): as of QEMU 10.0 no vIOMMU for an assigned device (no MAP notifier: it refuses a vfio-pci device behind it), not checked for %s; virtio-iommu is the one for VFIO on virt",
	     ver);
}

/* Which libvirt the XML is for, and so its form. */
static void note_libvirt(const struct hg_qemu_input *in,
			 struct hg_qemu_opts *out)
{
	char ver[32];

	out->libvirt_version = in->libvirt_version;
	hg_libvirt_version_str(in->libvirt_version, ver, sizeof(ver));
	if (out->virtio != HG_VIRTIO_PROPS) {
		note(out, "libvirt %s (%s): no virtio IOMMU XML, which sets aw-bits and granule and so needs QEMU 9.0 or later",
		     ver, in->libvirt_source ? in->libvirt_source : "not found");
	} else {
		note(out, "libvirt %s (%s): %s", ver,
		     in->libvirt_source ? in->libvirt_source : "not found",
		     hg_libvirt_form_why(hg_libvirt_form_for(in->libvirt_version)));
		if (in->machine == HG_MACHINE_VIRT)
			note(out, "libvirt on virt: a virtio IOMMU needs <acpi/>, which on aarch64 needs UEFI firmware (<os firmware='efi'>)");
	}
	if (in->libvirt_version && out->intel_aw_bits &&
	    in->libvirt_version < HG_LIBVIRT_INTEL_AW_BITS)
		note(out, "warning: libvirt takes intel-iommu aw_bits from 6.5.0 on");
}

/*
 * How the host holes reach the guest, per QEMU: 9.1 on hands each assigned
 * device's host IOVA ranges to virtio-iommu when the device is realized,
 * before the guest's probe; 8.2 to 9.0 did it later, in time for
 * cold-plugged devices only (taken from that series' cover letter and the
 * date of the one before it; the kit ran 7.2 and 10.0 only); 7.2 not at
 * all.
 */
static void note_conveyed(const struct hg_qemu_input *in,
			  struct hg_qemu_opts *out, unsigned int aw)
{
	const struct hg_qemu_caps *q = in->qemu;
	const char *m = hg_machine_name(in->machine);

	if (!q || hg_qemu_caps_at_least(q, 9, 1))
		note(out, "reserved-regions not set: QEMU 10 on %s sets them itself and refuses a user list; it conveys the %zu host hole(s) below 2^%u per assigned device",
		     m, out->reserved.n, aw);
	else if (hg_qemu_caps_at_least(q, 8, 2))
		note(out, "reserved-regions not set: QEMU %u.%u on %s sets them itself and refuses a user list; it conveys the %zu host hole(s) below 2^%u of a cold-plugged device only, a hot-plugged one's after the guest's probe (QEMU 9.1 on: before)",
		     q->major, q->minor, m, out->reserved.n, aw);
	else
		note(out, "reserved-regions not set: QEMU %u.%u on %s sets them itself and refuses a user list; it conveys none of the %zu host hole(s) below 2^%u to the guest (QEMU 8.2 on for cold-plugged devices, 9.1 on for hot-plugged ones)",
		     q->major, q->minor, m, out->reserved.n, aw);
}

int hg_qemu_derive(const struct hg_qemu_input *in, struct hg_qemu_opts *out,
		   struct hg_err *err)
{
	uint64_t pgsize;
	unsigned int aw;
	int ret;

	memset(out, 0, sizeof(*out));
	out->machine = in->machine;
	if (!in->usable.n)
		return hg_err_set(err, -EINVAL,
				  "no usable IOVA range to derive QEMU options from");

	aw = hg_aw_bits_of(&in->usable);
	if (aw < QEMU_AW_MIN) {
		note(out, "aw-bits %u: the host maps only below 0x%" PRIx64
		     ", QEMU's virtio-iommu accepts 32..64, so 32 is the closest",
		     QEMU_AW_MIN, in->usable.v[in->usable.n - 1].end);
		aw = QEMU_AW_MIN;
	} else {
		note(out, "aw-bits %u: highest usable host IOVA is 0x%" PRIx64
		     " (%s)", aw, in->usable.v[in->usable.n - 1].end,
		     in->source ? in->source : "host");
	}
	out->aw_bits = aw;

	pgsize = hg_min_pgsize(in->pgsizes);
	out->granule = granule_for(pgsize);
	if (!pgsize) {
		out->granule = "4k";
		note(out, "granule 4k: the host page sizes are unknown, 4k is the smallest QEMU offers");
	} else if (!out->granule) {
		out->granule = "host";
		note(out, "granule host: the smallest host IOMMU page 0x%" PRIx64
		     " is none of 4k/8k/16k/64k", pgsize);
	} else {
		note(out, "granule %s: smallest host IOMMU page size (pgsizes 0x%"
		     PRIx64 ")", out->granule, in->pgsizes);
	}
	if (in->machine == HG_MACHINE_Q35 && pgsize > 0x1000)
		note(out, "warning: an x86 guest uses 4k pages; granule %s makes its virtio-iommu driver fail",
		     out->granule);
	else if (in->machine == HG_MACHINE_VIRT && pgsize > 0x1000)
		note(out, "warning: the guest needs pages of at least %s: Linux's virtio-iommu refuses a larger granule, and a device then has no IOMMU group (a 4k-page arm64 kernel, Debian's for one); a smaller granule did not help with QEMU 10.0 (measured): it narrowed the page mask to the host's for a cold-plugged device and refused a hot-plugged one",
		     granule_for(pgsize) ? out->granule : "the host's smallest IOMMU page");

	fit_qemu(in, out, pgsize);
	ret = derive_reserved(in, out, err);
	if (ret) {
		hg_qemu_opts_free(out);
		return ret;
	}
	if (out->reserved.n)
		note_conveyed(in, out, aw);

	if (aw >= 48)
		out->intel_aw_bits = 48;
	else if (aw >= 39)
		out->intel_aw_bits = 39;
	if (in->qemu && in->machine == HG_MACHINE_Q35 &&
	    (!in->qemu->intel_iommu || !in->qemu->intel_aw_bits)) {
		out->intel_aw_bits = 0;
		note(out, "intel-iommu: QEMU %u.%u has no %s",
		     in->qemu->major, in->qemu->minor,
		     in->qemu->intel_iommu ? "intel-iommu aw-bits" : "intel-iommu");
	} else if (out->intel_aw_bits) {
		note(out, "intel-iommu aw-bits %u: the widest of 39/48 not wider than the host's %u bits",
		     out->intel_aw_bits, aw);
	} else {
		note(out, "intel-iommu: no aw-bits (39 or 48) fits a %u-bit host; use virtio-iommu",
		     aw);
	}
	if (in->machine == HG_MACHINE_VIRT)
		note_smmuv3(in, out);
	note_libvirt(in, out);
	return 0;
}

void hg_qemu_opts_free(struct hg_qemu_opts *opts)
{
	hg_ranges_free(&opts->reserved);
	free(opts->reserved_type);
	opts->reserved_type = NULL;
}

static char *dup_json(json_object *obj)
{
	char *s = strdup(json_object_to_json_string_ext(obj,
				JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(obj);
	return s;
}

char *hg_qemu_virtio_device_json(const struct hg_qemu_opts *opts)
{
	json_object *dev;

	if (opts->virtio == HG_VIRTIO_NONE)
		return NULL;
	dev = json_object_new_object();
	json_object_object_add(dev, "driver",
			       json_object_new_string("virtio-iommu-pci"));
	if (opts->virtio == HG_VIRTIO_BARE)
		return dup_json(dev);
	json_object_object_add(dev, "aw-bits",
			       json_object_new_int((int)opts->aw_bits));
	json_object_object_add(dev, "granule",
			       json_object_new_string(opts->granule));
	return dup_json(dev);
}

char *hg_qemu_intel_device(const struct hg_qemu_opts *opts)
{
	char *s;

	if (!opts->intel_aw_bits)
		return NULL;
	/* caching-mode: VFIO needs map notifications; intremap: MSI isolation */
	if (asprintf(&s, "intel-iommu,intremap=on,caching-mode=on,aw-bits=%u",
		     opts->intel_aw_bits) < 0)
		return NULL;
	return s;
}
