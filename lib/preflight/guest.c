// SPDX-License-Identifier: GPL-2.0
/* The planned guest: defaults, notes, and the values every parser sets. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/preflight.h>
#include <hostgeom/bdf.h>
#include <hostgeom/sysfs.h>

void hg_pf_guest_init(struct hg_pf_guest *g)
{
	memset(g, 0, sizeof(*g));
	g->machine = HG_PF_Q35;
	snprintf(g->machine_name, sizeof(g->machine_name), "q35");
	g->ram = 128ULL << 20;	/* QEMU's default -m for x86 */
	g->firmware = HG_PF_SEABIOS;
	snprintf(g->cpu_model, sizeof(g->cpu_model), "qemu64");
}

void hg_pf_note(struct hg_pf_guest *g, const char *fmt, ...)
{
	va_list ap;

	if (g->n_notes >= HG_PF_NOTES_MAX)
		return;
	if (g->n_notes == HG_PF_NOTES_MAX - 1) {
		snprintf(g->notes[g->n_notes++], HG_PF_NOTE_LEN,
			 "more options were not modelled; assumed without effect on the layout");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(g->notes[g->n_notes++], HG_PF_NOTE_LEN, fmt, ap);
	va_end(ap);
}

void hg_pf_undecided(struct hg_pf_guest *g, const char *fmt, ...)
{
	va_list ap;

	if (g->undecided[0])
		return;
	va_start(ap, fmt);
	vsnprintf(g->undecided, sizeof(g->undecided), fmt, ap);
	va_end(ap);
}

/* "pc-q35-9.2" style: the version after @prefix, or none at all. */
static int machine_version(struct hg_pf_guest *g, const char *v)
{
	unsigned int major, minor;
	char tail;

	if (!*v)
		return 0;
	if (sscanf(v, "-%u.%u%c", &major, &minor, &tail) != 2) {
		hg_pf_undecided(g, "machine type '%s' is not modelled: only pc, q35, pc-q35-X.Y and pc-i440fx-X.Y are",
				g->machine_name);
		return -EINVAL;
	}
	/* older types differ (AMD 1 TiB hole from 7.1; earlier: more) */
	if (major < 7 || (major == 7 && minor < 1)) {
		hg_pf_undecided(g, "machine type '%s' is older than 7.1: its memory layout rules are not modelled (use pc/q35 7.1 or newer)",
				g->machine_name);
		return -EINVAL;
	}
	g->version_major = major;
	g->version_minor = minor;
	return 0;
}

int hg_pf_set_machine(struct hg_pf_guest *g, const char *name)
{
	static const struct {
		const char *prefix;
		enum hg_pf_machine machine;
	} types[] = {
		{ "pc-q35", HG_PF_Q35 },
		{ "pc-i440fx", HG_PF_PC },
		{ "q35", HG_PF_Q35 },
		{ "pc", HG_PF_PC },
	};
	size_t i, n;

	snprintf(g->machine_name, sizeof(g->machine_name), "%s", name);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		n = strlen(types[i].prefix);
		if (strncmp(name, types[i].prefix, n))
			continue;
		if ((n == 2 || n == 3) && name[n])
			continue;	/* "pcx": not "pc" */
		g->machine = types[i].machine;
		return machine_version(g, name + n);
	}
	g->machine = HG_PF_MACHINE_UNSET;
	hg_pf_undecided(g, "machine type '%s' is not modelled: only x86 pc (i440fx) and q35 are",
			name);
	return -EINVAL;
}

int hg_pf_set_firmware(struct hg_pf_guest *g, const char *name)
{
	if (!strcasecmp(name, "seabios") || !strcasecmp(name, "bios")) {
		g->firmware = HG_PF_SEABIOS;
		return 0;
	}
	if (!strcasecmp(name, "ovmf") || !strcasecmp(name, "efi") ||
	    !strcasecmp(name, "uefi")) {
		g->firmware = HG_PF_OVMF;
		return 0;
	}
	hg_pf_undecided(g, "firmware '%s' is not modelled: its 64-bit BAR placement is unknown (SeaBIOS and OVMF are)",
			name);
	return -EINVAL;
}

int hg_pf_set_viommu(struct hg_pf_guest *g, const char *name)
{
	if (!strcmp(name, "intel"))
		g->viommu = HG_PF_VIOMMU_INTEL;
	else if (!strcmp(name, "virtio"))
		g->viommu = HG_PF_VIOMMU_VIRTIO;
	else if (!strcmp(name, "none"))
		g->viommu = HG_PF_VIOMMU_NONE;
	else
		return -EINVAL;
	return 0;
}

int hg_pf_add_device(struct hg_pf_guest *g, const char *bdf, const char *id,
		     const char *bus, struct hg_err *err)
{
	struct hg_pf_device *dev;
	char host[sizeof(dev->host)];

	/* the one check of a host address, from argv, -d and XML alike */
	hg_bdf_normalize(bdf, host, sizeof(host));
	if (!hg_bdf_valid(host))
		return hg_err_set(err, -EINVAL,
				  "'%s' is not a PCI address: give the host device as 0000:01:00.0 or 01:00.0 (device 00-1f, function 0-7)",
				  bdf);
	if (g->n_devices >= HG_PF_DEVICES_MAX)
		return hg_err_set(err, -E2BIG, "more than %d assigned devices",
				  HG_PF_DEVICES_MAX);
	dev = &g->devices[g->n_devices++];
	memset(dev, 0, sizeof(*dev));
	memcpy(dev->host, host, sizeof(dev->host));
	snprintf(dev->id, sizeof(dev->id), "%s", id ? id : "");
	snprintf(dev->bus, sizeof(dev->bus), "%s", bus ? bus : "");
	return 0;
}

int hg_pf_parse_size(const char *s, uint64_t unit, uint64_t *out)
{
	unsigned long long v;
	uint64_t mult = unit;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'B':
		mult = 1;
		break;
	case 'K':
		mult = 1ULL << 10;
		break;
	case 'M':
		mult = 1ULL << 20;
		break;
	case 'G':
		mult = 1ULL << 30;
		break;
	case 'T':
		mult = 1ULL << 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1] && strcasecmp(end + 1, "iB") && strcasecmp(end + 1, "B"))
		return -EINVAL;
	if (v && mult > UINT64_MAX / v)
		return -ERANGE;
	*out = v * mult;
	return 0;
}
