// SPDX-License-Identifier: GPL-2.0
/*
 * A planned guest from a QEMU command line. What shapes the address space
 * is modelled (-m, -machine, -cpu, -global ...pci-hole64-size, -bios and
 * pflash, memory backends and pc-dimms, vIOMMUs, vfio-pci and the buses
 * it sits on); everything else is listed in the notes with the assumption
 * made, so that no answer rests on something silently skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/preflight.h>

#include "internal.h"

/* Options that cannot move guest memory or BARs; do they take a value? */
static const struct {
	const char *name;
	bool arg;
} harmless[] = {
	{ "name", true }, { "smp", true }, { "display", true },
	{ "vga", true }, { "serial", true }, { "monitor", true },
	{ "qmp", true }, { "chardev", true }, { "netdev", true },
	{ "nic", true }, { "blockdev", true }, { "kernel", true },
	{ "initrd", true }, { "append", true }, { "boot", true },
	{ "uuid", true }, { "rtc", true }, { "pidfile", true },
	{ "D", true }, { "d", true }, { "trace", true }, { "msg", true },
	{ "overcommit", true }, { "sandbox", true }, { "k", true },
	{ "audiodev", true }, { "fsdev", true }, { "virtfs", true },
	{ "vnc", true }, { "spice", true }, { "incoming", true },
	{ "L", true }, { "mon", true }, { "parallel", true },
	{ "smbios", true }, { "run-with", true }, { "action", true },
	{ "iscsi", true }, { "add-fd", true }, { "runas", true },
	{ "nodefaults", false }, { "nographic", false }, { "S", false },
	{ "daemonize", false }, { "no-user-config", false },
	{ "no-reboot", false }, { "no-shutdown", false },
	{ "snapshot", false }, { "usb", false }, { "full-screen", false },
	{ "s", false },
};

struct argv_state {
	struct hg_pf_guest *g;
	struct hg_err *err;
	char others[HG_PF_NOTE_LEN];	/* devices and objects not modelled */
	bool cpu_flags;
	bool machine_seen;
};

static int bad_value(struct argv_state *st, const char *opt, const char *v,
		     const char *want)
{
	return hg_err_set(st->err, -EINVAL, "%s '%s': %s", opt, v, want);
}

static int size_of(struct argv_state *st, const char *opt, const char *v,
		   uint64_t unit, uint64_t *out)
{
	return pf_value_size(opt, v, unit, out, st->err);
}

static int uint_of(struct argv_state *st, const char *opt, const char *v,
		   enum pf_num kind, unsigned int *out)
{
	return pf_value_uint(kind, opt, v, out, st->err);
}

static void add_other(struct argv_state *st, const char *what)
{
	size_t len = strlen(st->others);

	if (strstr(st->others, what))
		return;
	snprintf(st->others + len, sizeof(st->others) - len, "%s%s",
		 len ? ", " : "", what);
}

static int opt_m(struct argv_state *st, const char *v)
{
	struct hg_pf_guest *g = st->g;
	struct pf_opts o;
	const char *s;
	int ret = 0;

	if (pf_opts_parse(v, &o))
		return bad_value(st, "-m", v, "cannot be parsed");
	s = pf_opts_first_bare(&o);
	if (!s)
		s = pf_opts_get(&o, "size");
	if (s)
		ret = size_of(st, "-m", s, 1ULL << 20, &g->ram);
	s = pf_opts_get(&o, "maxmem");
	if (!ret && s)
		ret = size_of(st, "-m maxmem", s, 1, &g->maxmem);
	s = pf_opts_get(&o, "slots");
	if (!ret && s)
		ret = uint_of(st, "-m slots", s, PF_NUM_SLOTS, &g->slots);
	return ret;
}

static int opt_machine(struct argv_state *st, const char *v)
{
	static const char *const no_effect[] = {
		"accel", "kernel-irqchip", "smm", "usb", "vmport", "hpet",
		"graphics", "dump-guest-core", "mem-merge", "sata", "pit",
		"pic", "i8042", "memory-backend", "nvdimm", "type",
		"max-ram-below-4g", "pflash0", "pflash1", "acpi", "smbus",
	};
	struct hg_pf_guest *g = st->g;
	struct pf_opts o;
	const char *s;
	size_t i, j;
	int ret = 0;

	if (pf_opts_parse(v, &o))
		return bad_value(st, "-machine", v, "cannot be parsed");
	s = pf_opts_first_bare(&o);
	if (!s)
		s = pf_opts_get(&o, "type");
	if (s && hg_pf_set_machine(g, s))
		return 0;	/* undecided says why */
	s = pf_opts_get(&o, "accel");
	if (s)
		g->kvm = !strncmp(s, "kvm", 3);
	s = pf_opts_get(&o, "max-ram-below-4g");
	if (s)
		ret = size_of(st, "-machine max-ram-below-4g", s, 1,
			      &g->max_ram_below_4g);
	if (pf_opts_get(&o, "pflash0"))
		g->firmware = HG_PF_OVMF;
	for (i = 0; i < o.n; i++) {
		if (o.v[i].bare && i == 0)
			continue;
		for (j = 0; j < sizeof(no_effect) / sizeof(no_effect[0]); j++)
			if (!strcmp(o.v[i].key, no_effect[j]))
				break;
		if (j == sizeof(no_effect) / sizeof(no_effect[0]))
			hg_pf_note(g, "-machine %s: not modelled; assumed not to change the memory layout",
				   o.v[i].key);
	}
	return ret;
}

static int opt_cpu(struct argv_state *st, const char *v)
{
	struct hg_pf_guest *g = st->g;
	struct pf_opts o;
	const char *s;
	size_t i;
	int ret = 0;

	if (pf_opts_parse(v, &o))
		return bad_value(st, "-cpu", v, "cannot be parsed");
	s = pf_opts_first_bare(&o);
	if (s)
		snprintf(g->cpu_model, sizeof(g->cpu_model), "%s", s);
	s = pf_opts_get(&o, "phys-bits");
	if (s)
		ret = uint_of(st, "-cpu phys-bits", s, PF_NUM_PHYS_BITS,
			      &g->phys_bits);
	s = pf_opts_get(&o, "host-phys-bits");
	if (s) {
		g->host_phys_bits = pf_opt_on(s);
		g->host_phys_bits_set = true;
	}
	s = pf_opts_get(&o, "host-phys-bits-limit");
	if (!ret && s)
		ret = uint_of(st, "-cpu host-phys-bits-limit", s,
			      PF_NUM_PHYS_BITS, &g->host_phys_bits_limit);
	s = pf_opts_get(&o, "vendor");
	if (s) {
		g->vendor = strcmp(s, "AuthenticAMD") ? HG_PF_VENDOR_INTEL
						      : HG_PF_VENDOR_AMD;
		g->vendor_set = true;
	}
	for (i = 1; i < o.n; i++)
		if (o.v[i].bare || (strcmp(o.v[i].key, "phys-bits") &&
				    strncmp(o.v[i].key, "host-phys-bits", 14) &&
				    strcmp(o.v[i].key, "vendor")))
			st->cpu_flags = true;
	return ret;
}

static int opt_global(struct argv_state *st, const char *v)
{
	const char *eq = strchr(v, '=');

	if (eq && (!strncmp(v, "q35-pcihost.pci-hole64-size=", eq - v + 1) ||
		   !strncmp(v, "i440FX-pcihost.pci-hole64-size=", eq - v + 1)))
		return size_of(st, "-global pci-hole64-size", eq + 1, 1,
			       &st->g->hole64_size);
	hg_pf_note(st->g, "-global %s: not modelled; assumed not to change the memory layout",
		   v);
	return 0;
}

/* Where QEMU looks for a firmware file; the name tells which one it is. */
static int firmware_file(struct argv_state *st, const char *file)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	if (strcasestr(base, "ovmf") || strcasestr(base, "edk2") ||
	    strcasestr(base, "uefi"))
		return hg_pf_set_firmware(st->g, "ovmf"), 0;
	if (strcasestr(base, "bios"))
		return hg_pf_set_firmware(st->g, "seabios"), 0;
	hg_pf_undecided(st->g, "firmware file '%s' is neither SeaBIOS nor OVMF by its name: where it puts 64-bit BARs is unknown (say which with the firmware option)",
			file);
	return 0;
}

static int opt_drive(struct argv_state *st, const char *v)
{
	struct pf_opts o;
	const char *s;

	if (pf_opts_parse(v, &o))
		return bad_value(st, "-drive", v, "cannot be parsed");
	s = pf_opts_get(&o, "if");
	if (!s || strcmp(s, "pflash"))
		return 0;
	s = pf_opts_get(&o, "file");
	if (s && strcasestr(s, "vars"))
		return 0;	/* the variable store says nothing */
	return s ? firmware_file(st, s) : hg_pf_set_firmware(st->g, "ovmf");
}

static int backend(struct argv_state *st, const struct pf_opts *o,
		   const char *v)
{
	struct hg_pf_guest *g = st->g;
	struct hg_pf_backend *b;
	const char *id = pf_opts_get(o, "id"), *size = pf_opts_get(o, "size");

	if (!id || !size)
		return bad_value(st, "-object", v, "a memory backend needs id= and size=");
	if (g->n_backends >= HG_PF_DIMMS_MAX)
		return hg_err_set(st->err, -E2BIG, "more than %d memory backends",
				  HG_PF_DIMMS_MAX);
	b = &g->backends[g->n_backends++];
	snprintf(b->id, sizeof(b->id), "%s", id);
	return size_of(st, "-object size", size, 1, &b->size);
}

static int opt_object(struct argv_state *st, const char *v)
{
	struct pf_opts o;
	const char *type;

	if (pf_opts_parse(v, &o))
		return bad_value(st, "-object", v, "cannot be parsed");
	type = pf_opts_first_bare(&o);
	if (!type)
		type = pf_opts_get(&o, "qom-type");
	if (type && !strncmp(type, "memory-backend-", 15))
		return backend(st, &o, v);
	add_other(st, type ? type : "object");
	return 0;
}

static int opt_device(struct argv_state *st, const char *v)
{
	struct pf_opts o;

	if (pf_opts_parse(v, &o))
		return bad_value(st, "-device", v, "cannot be parsed");
	return pf_device_add(st->g, &o, st->others, sizeof(st->others),
			     st->err);
}

static int one_option(struct argv_state *st, const char *opt, const char *v)
{
	if (!strcmp(opt, "m"))
		return opt_m(st, v);
	if (!strcmp(opt, "machine") || !strcmp(opt, "M")) {
		st->machine_seen = true;
		return opt_machine(st, v);
	}
	if (!strcmp(opt, "cpu"))
		return opt_cpu(st, v);
	if (!strcmp(opt, "global"))
		return opt_global(st, v);
	if (!strcmp(opt, "bios"))
		return firmware_file(st, v);
	if (!strcmp(opt, "drive"))
		return opt_drive(st, v);
	if (!strcmp(opt, "object"))
		return opt_object(st, v);
	if (!strcmp(opt, "device"))
		return opt_device(st, v);
	if (!strcmp(opt, "accel"))
		st->g->kvm = !strncmp(v, "kvm", 3);
	else if (!strcmp(opt, "numa"))
		hg_pf_note(st->g, "-numa %s: NUMA nodes are not modelled; assumed to share the -m layout",
			   v);
	else if (!strcmp(opt, "fw_cfg"))
		hg_pf_note(st->g, "-fw_cfg %s: firmware settings (e.g. opt/ovmf/X-PciMmio64Mb) are not modelled",
			   v);
	return 0;
}

static int takes_arg(const char *opt, bool *known)
{
	static const char *const modelled[] = {
		"m", "machine", "M", "cpu", "global", "bios", "drive",
		"object", "device", "accel", "numa", "fw_cfg",
	};
	size_t i;

	*known = true;
	for (i = 0; i < sizeof(modelled) / sizeof(modelled[0]); i++)
		if (!strcmp(opt, modelled[i]))
			return 1;
	if (!strcmp(opt, "enable-kvm"))
		return 0;
	for (i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++)
		if (!strcmp(opt, harmless[i].name))
			return harmless[i].arg;
	*known = false;
	return -1;
}

static int binary(struct argv_state *st, const char *arg)
{
	const char *base = strrchr(arg, '/');

	base = base ? base + 1 : arg;
	if (!strncmp(base, "qemu-system-", 12) &&
	    strcmp(base, "qemu-system-x86_64") &&
	    strcmp(base, "qemu-system-i386"))
		hg_pf_undecided(st->g, "'%s' is not an x86 QEMU: only x86 pc and q35 guests are modelled",
				base);
	return 0;
}

static void closing_notes(struct argv_state *st, bool whole)
{
	if (whole && !st->machine_seen) {
		hg_pf_set_machine(st->g, "pc");
		hg_pf_note(st->g, "no -machine: QEMU's default for x86, pc (i440fx)");
	}
	if (st->others[0])
		hg_pf_note(st->g, "other devices and objects (%s): their 64-bit BARs are assumed to fit the firmware's first GiB",
			   st->others);
	if (st->cpu_flags)
		hg_pf_note(st->g, "CPU feature flags: assumed not to change the address layout");
	if (whole)
		hg_pf_cpu_notes(st->g);
}

int hg_pf_from_qemu_argv(struct hg_pf_guest *g, char *const *argv,
			 size_t argc, struct hg_err *err)
{
	return pf_argv_parse(g, argv, argc, true, err);
}

int pf_argv_parse(struct hg_pf_guest *g, char *const *argv, size_t argc,
		  bool whole, struct hg_err *err)
{
	struct argv_state st = { .g = g, .err = err };
	size_t i = 0;
	int ret = 0;

	if (argc && argv[0][0] != '-')
		binary(&st, argv[i++]);
	for (; i < argc && !ret; i++) {
		const char *opt = argv[i];
		bool known;
		int arg;

		if (opt[0] != '-')
			return hg_err_set(err, -EINVAL,
					  "'%s' is not a QEMU option (an option starts with '-'; quote values with spaces)",
					  opt);
		opt += opt[1] == '-' ? 2 : 1;
		arg = takes_arg(opt, &known);
		if (!known) {
			hg_pf_note(g, "-%s: not modelled; assumed not to change the memory layout",
				   opt);
			if (i + 1 < argc && argv[i + 1][0] != '-')
				i++;
			continue;
		}
		if (!arg) {
			if (!strcmp(opt, "enable-kvm"))
				g->kvm = true;
			continue;
		}
		if (i + 1 >= argc)
			return hg_err_set(err, -EINVAL, "-%s needs a value", opt);
		ret = one_option(&st, opt, argv[++i]);
	}
	if (!ret)
		closing_notes(&st, whole);
	return ret;
}
