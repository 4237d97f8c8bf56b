// SPDX-License-Identifier: GPL-2.0
/*
 * The guest CPU's vendor and physical address width, as QEMU 10 derives
 * them (target/i386/cpu.c, host-cpu.c): under KVM host-phys-bits takes
 * the host CPU's width (and host-phys-bits-limit caps it); otherwise
 * phys-bits, by default 40 for every model. "host" (and "max" under KVM)
 * default to host-phys-bits; TCG ignores host-phys-bits.
 * The vendor matters for the AMD HyperTransport hole below 1 TiB; under
 * KVM every model takes the host's vendor, under TCG the model's own.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <hostgeom/ctx.h>
#include <hostgeom/preflight.h>

#define QEMU_DEFAULT_PHYS_BITS 40

static bool follows_host(const struct hg_pf_guest *g)
{
	return !strcmp(g->cpu_model, "host") ||
	       (g->kvm && !strcmp(g->cpu_model, "max"));
}

static bool amd_model(const char *model)
{
	static const char *const prefixes[] = {
		"qemu64", "EPYC", "Opteron", "phenom", "athlon",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncasecmp(model, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * QEMU applies host-phys-bits (and its limit) when the accelerator
 * realizes the CPU: KVM's (and HVF's) does (target/i386/host-cpu.c,
 * host_cpu_realizefn), TCG's does not, so under TCG the CPU keeps
 * phys-bits, 40 unless given. "host" exists only under KVM.
 */
static bool accel_applies_host_bits(const struct hg_pf_guest *g)
{
	return g->kvm || !strcmp(g->cpu_model, "host");
}

bool hg_pf_cpu_host_phys_bits(const struct hg_pf_guest *g)
{
	if (!accel_applies_host_bits(g))
		return false;
	return g->host_phys_bits_set ? g->host_phys_bits : follows_host(g);
}

enum hg_pf_vendor hg_pf_cpu_vendor(const struct hg_pf_guest *g)
{
	if (g->vendor_set)
		return g->vendor;
	/* under KVM every model gets the host's vendor */
	if (follows_host(g) || g->kvm)
		return g->host_vendor_set ? g->host_vendor : HG_PF_VENDOR_INTEL;
	if (!strcmp(g->cpu_model, "max") && !g->kvm)
		return HG_PF_VENDOR_AMD;	/* TCG's max is AMD-flavoured */
	return amd_model(g->cpu_model) ? HG_PF_VENDOR_AMD : HG_PF_VENDOR_INTEL;
}

unsigned int hg_pf_cpu_phys_bits(const struct hg_pf_guest *g)
{
	unsigned int bits;

	if (!hg_pf_cpu_host_phys_bits(g))
		return g->phys_bits ? g->phys_bits : QEMU_DEFAULT_PHYS_BITS;
	bits = g->host_cpu_phys_bits;
	if (!bits)
		return 0;
	if (g->host_phys_bits_limit && bits > g->host_phys_bits_limit)
		bits = g->host_phys_bits_limit;
	return bits;
}

void hg_pf_cpu_notes(struct hg_pf_guest *g)
{
	bool host = hg_pf_cpu_host_phys_bits(g);

	if ((follows_host(g) || g->kvm) && !g->vendor_set &&
	    !g->host_vendor_set)
		hg_pf_note(g, "CPU '%s': the host CPU's vendor is unknown; assumed Intel (no AMD 1 TiB hole)",
			   g->cpu_model);
	else if (!follows_host(g) && !g->kvm && !g->vendor_set)
		hg_pf_note(g, "CPU '%s': vendor taken as %s from the model name",
			   g->cpu_model,
			   hg_pf_cpu_vendor(g) == HG_PF_VENDOR_AMD ? "AMD" : "Intel");
	if (host && !g->host_cpu_phys_bits)
		hg_pf_undecided(g, "the guest CPU's phys-bits follow the host CPU, whose width is unknown here: give it (host CPU phys-bits) or set phys-bits");
	if (host && g->phys_bits)
		hg_pf_note(g, "phys-bits=%u is overridden by host-phys-bits",
			   g->phys_bits);
	if (g->host_phys_bits_set && g->host_phys_bits &&
	    !accel_applies_host_bits(g))
		hg_pf_note(g, "host-phys-bits=on: QEMU applies it under KVM only; under TCG the CPU keeps phys-bits=%u",
			   hg_pf_cpu_phys_bits(g));
}

void hg_pf_host_cpu_parse(struct hg_pf_guest *g, const char *cpuinfo)
{
	const char *p;
	unsigned int bits;

	p = strstr(cpuinfo, "vendor_id");
	p = p ? strchr(p, ':') : NULL;
	if (p) {
		p += strspn(p, ": \t");
		if (!strncmp(p, "AuthenticAMD", 12)) {
			g->host_vendor = HG_PF_VENDOR_AMD;
			g->host_vendor_set = true;
		} else if (!strncmp(p, "GenuineIntel", 12)) {
			g->host_vendor = HG_PF_VENDOR_INTEL;
			g->host_vendor_set = true;
		}
	}
	p = strstr(cpuinfo, "address sizes");
	p = p ? strchr(p, ':') : NULL;
	if (p && sscanf(p + 1, "%u bits physical", &bits) == 1 &&
	    bits >= 32 && bits <= 64)
		g->host_cpu_phys_bits = bits;
}

void hg_pf_host_cpu_read(const struct hg_ctx *ctx, struct hg_pf_guest *g)
{
	char path[4096], buf[8192];
	size_t n;
	FILE *f;

	/* the first CPU's lines say it all: its vendor and address sizes */
	snprintf(path, sizeof(path), "%s/cpuinfo", hg_ctx_proc(ctx));
	f = fopen(path, "re");
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	hg_pf_host_cpu_parse(g, buf);
}
