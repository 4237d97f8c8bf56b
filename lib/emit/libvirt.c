// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt XML for the derived vIOMMU. What each libvirt takes, tried on
 * the real one (11.3, Debian 12 backports) and read in libvirt's docs:
 *  - virtio: <iommu model='virtio'> exists from 8.3.0; its <driver
 *    aw_bits> and <granule> only from 12.1.0 (11.3 refuses them: "iommu
 *    model 'virtio' doesn't support additional attributes", and its schema
 *    has no <granule>). Before that, a <qemu:override> of the device's
 *    aw-bits and granule properties reaches the same QEMU device; it needs
 *    the element's alias, iommu0 for the only IOMMU.
 *  - libvirt adds a virtio IOMMU only with ACPI (<features><acpi/>); on
 *    aarch64, ACPI needs UEFI firmware.
 *  - intel: <driver aw_bits> from 6.5.0, intremap with the split I/O APIC
 *    (<ioapic driver='qemu'/>, QEMU's kernel-irqchip=split), as libvirt's
 *    docs ask; 11.3 would also add it by itself.
 * The form for a version is chosen in libvirt_form.c, below this file and
 * qemu.c (which names it in its notes).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <hostgeom/qemu_libvirt.h>


/* libvirt names the granule by its size in KiB, or mode='host'. */
static void put_native_granule(FILE *f, const char *granule)
{
	if (granule[0] == 'h')
		fputs("        <granule mode='host'/>\n", f);
	else
		fprintf(f, "        <granule size='%lu' unit='KiB'/>\n",
			strtoul(granule, NULL, 10));
}

static void put_devices(FILE *f, const struct hg_qemu_opts *o,
			enum hg_libvirt_form form)
{
	if (form == HG_LIBVIRT_COMMANDLINE)
		return;
	fputs("  <devices>\n", f);
	if (form == HG_LIBVIRT_OVERRIDE) {
		fputs("    <iommu model='virtio'/>\n", f);
	} else {
		fprintf(f, "    <iommu model='virtio'>\n"
			   "      <driver aw_bits='%u'>\n", o->aw_bits);
		put_native_granule(f, o->granule);
		fputs("      </driver>\n    </iommu>\n", f);
	}
	fputs("  </devices>\n", f);
}

/* @n spaces, or none when everything goes on one line. */
static const char *indent(bool one_line, int n)
{
	static const char spaces[] = "        ";

	return one_line ? "" : spaces + sizeof(spaces) - 1 - n;
}

/*
 * The <qemu:override> of the only IOMMU's aw-bits (and granule, when
 * given): one element a line, or all on one line for a fix.
 */
static void put_override_props(FILE *f, unsigned int aw_bits,
			       const char *granule, bool one_line)
{
	const char *nl = one_line ? "" : "\n";

	fprintf(f, "%s<qemu:override>%s"
		   "%s<qemu:device alias='" HG_LIBVIRT_IOMMU_ALIAS "'>%s"
		   "%s<qemu:frontend>%s"
		   "%s<qemu:property name='aw-bits' type='unsigned' value='%u'/>%s",
		indent(one_line, 2), nl, indent(one_line, 4), nl,
		indent(one_line, 6), nl, indent(one_line, 8), aw_bits, nl);
	if (granule)
		fprintf(f, "%s<qemu:property name='granule' type='string' value='%s'/>%s",
			indent(one_line, 8), granule, nl);
	fprintf(f, "%s</qemu:frontend>%s%s</qemu:device>%s%s</qemu:override>%s",
		indent(one_line, 6), nl, indent(one_line, 4), nl,
		indent(one_line, 2), nl);
}

static void put_override(FILE *f, const struct hg_qemu_opts *o)
{
	put_override_props(f, o->aw_bits, o->granule, false);
}

/* A <qemu:commandline> with "@opt @arg" (no single quote in either). */
static void put_option_arg(FILE *f, const char *opt, const char *arg,
			   bool one_line)
{
	const char *nl = one_line ? "" : "\n";

	fprintf(f, "%s<qemu:commandline>%s"
		   "%s<qemu:arg value='%s'/>%s"
		   "%s<qemu:arg value='%s'/>%s"
		   "%s</qemu:commandline>%s",
		indent(one_line, 2), nl, indent(one_line, 4), opt, nl,
		indent(one_line, 4), arg, nl, indent(one_line, 2), nl);
}

static void put_device_arg(FILE *f, const char *dev, bool one_line)
{
	put_option_arg(f, "-device", dev, one_line);
}

static bool put_commandline(FILE *f, const struct hg_qemu_opts *o)
{
	char *dev = hg_qemu_virtio_device_json(o);

	if (!dev)
		return false;
	/* the JSON has double quotes only, the attribute is single-quoted */
	put_device_arg(f, dev, false);
	free(dev);
	return true;
}

/* Closes @f; its text, or NULL when @ok is false or a write failed. */
static char *close_text(FILE *f, char **text, bool ok)
{
	ok = !ferror(f) && ok;
	/* open_memstream() sets *text at the latest in fclose() */
	if (fclose(f) || !ok) {
		free(*text);
		return NULL;
	}
	return *text;
}

static void put_virtio_aw_bits(FILE *f, unsigned long version,
			       unsigned int aw_bits)
{
	char dev[64];

	switch (hg_libvirt_form_for(version)) {
	case HG_LIBVIRT_NATIVE:
		fprintf(f, "<iommu model='virtio'><driver aw_bits='%u'/></iommu>",
			aw_bits);
		break;
	case HG_LIBVIRT_OVERRIDE:
		fputs("<iommu model='virtio'/> and ", f);
		put_override_props(f, aw_bits, NULL, true);
		break;
	case HG_LIBVIRT_COMMANDLINE:
		snprintf(dev, sizeof(dev), "virtio-iommu-pci,aw-bits=%u",
			 aw_bits);
		put_device_arg(f, dev, true);
		break;
	}
}

static void put_intel_aw_bits(FILE *f, unsigned long version,
			      unsigned int aw_bits)
{
	char global[64];

	if (!version || version >= HG_LIBVIRT_INTEL_AW_BITS) {
		fprintf(f, "<iommu model='intel'><driver aw_bits='%u'/></iommu>",
			aw_bits);
		return;
	}
	/* older libvirt has the device but not the property */
	snprintf(global, sizeof(global), "intel-iommu.aw-bits=%u", aw_bits);
	put_option_arg(f, "-global", global, true);
}

/* What @put writes, malloc'd; NULL on allocation failure. */
static char *text_of(void (*put)(FILE *, unsigned long, unsigned int),
		     unsigned long version, unsigned int aw_bits)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	put(f, version, aw_bits);
	return close_text(f, &text, true);
}

char *hg_libvirt_virtio_aw_bits(unsigned long version, unsigned int aw_bits)
{
	return text_of(put_virtio_aw_bits, version, aw_bits);
}

char *hg_libvirt_intel_aw_bits(unsigned long version, unsigned int aw_bits)
{
	return text_of(put_intel_aw_bits, version, aw_bits);
}

char *hg_qemu_libvirt_xml(const struct hg_qemu_opts *opts)
{
	enum hg_libvirt_form form = hg_libvirt_form_for(opts->libvirt_version);
	char *text = NULL;
	bool ok = true;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs(form == HG_LIBVIRT_NATIVE ? "<domain>\n" :
	      "<domain xmlns:qemu='" HG_LIBVIRT_QEMU_NS "'>\n", f);
	fputs("  <features>\n    <acpi/>\n  </features>\n", f);
	put_devices(f, opts, form);
	if (form == HG_LIBVIRT_OVERRIDE)
		put_override(f, opts);
	else if (form == HG_LIBVIRT_COMMANDLINE)
		ok = put_commandline(f, opts);
	fputs("</domain>", f);
	return close_text(f, &text, ok);
}

char *hg_qemu_libvirt_intel_xml(const struct hg_qemu_opts *opts)
{
	char *text = NULL;
	size_t len;
	FILE *f;

	if (opts->machine != HG_MACHINE_Q35 || !opts->intel_aw_bits)
		return NULL;
	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "<domain>\n"
		   "  <features>\n"
		   "    <acpi/>\n"
		   "    <ioapic driver='qemu'/>\n"
		   "  </features>\n"
		   "  <devices>\n"
		   "    <iommu model='intel'>\n"
		   "      <driver intremap='on' caching_mode='on' aw_bits='%u'/>\n"
		   "    </iommu>\n"
		   "  </devices>\n"
		   "</domain>", opts->intel_aw_bits);
	return close_text(f, &text, true);
}
