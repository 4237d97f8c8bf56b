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

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
#define IOMMU_ALIAS "iommu0"

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

static void put_override(FILE *f, const struct hg_qemu_opts *o)
{
	fprintf(f, "  <qemu:override>\n"
		   "    <qemu:device alias='" IOMMU_ALIAS "'>\n"
		   "      <qemu:frontend>\n"
		   "        <qemu:property name='aw-bits' type='unsigned' value='%u'/>\n"
		   "        <qemu:property name='granule' type='string' value='%s'/>\n"
		   "      </qemu:frontend>\n"
		   "    </qemu:device>\n"
		   "  </qemu:override>\n", o->aw_bits, o->granule);
}

static bool put_commandline(FILE *f, const struct hg_qemu_opts *o)
{
	char *dev = hg_qemu_virtio_device_json(o);

	if (!dev)
		return false;
	/* the JSON has double quotes only, the attribute is single-quoted */
	fprintf(f, "  <qemu:commandline>\n"
		   "    <qemu:arg value='-device'/>\n"
		   "    <qemu:arg value='%s'/>\n"
		   "  </qemu:commandline>\n", dev);
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
	      "<domain xmlns:qemu='" QEMU_NS "'>\n", f);
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
