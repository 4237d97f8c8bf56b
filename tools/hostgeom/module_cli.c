// SPDX-License-Identifier: GPL-2.0
/* The test module for 'hostgeom resv' and 'hostgeom carve'. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <hostgeom/genl_verdict.h>
#include <hostgeom/kmodload.h>

#include "args.h"
#include "module_cli.h"

int module_opt(struct cli *cli, struct module_opts *m, int c,
	       const char *cmd, void (*usage)(void))
{
	switch (c) {
	case 0x200:
		m->load = true;
		m->load_path = optarg;
		return CLI_NEXT;
	case 0x201:
		m->unload = true;
		return CLI_NEXT;
	}
	return cli_option(cli, c, cmd, usage);
}

int module_args(const struct cli *cli, const char *cmd, char *const *args,
		size_t n, unsigned int *group, bool *has_group)
{
	int ret = cli_roots_used(cli, cmd, false, false,
				 "the test module reports the running kernel");

	return ret ? ret : args_one_group(cmd, args, n, group, has_group);
}

int module_open(const struct module_opts *m, struct hg_genl **g)
{
	struct hg_err err = { 0 };
	bool loaded;

	/* cli_fail() adds what to type for the error's kind */
	if (m->load && hg_kmod_load(m->load_path, &loaded, &err))
		return cli_fail(&err);
	if (hg_genl_open(g, &err))
		return cli_fail(&err);
	return EXIT_OK;
}

int module_close(const struct module_opts *m, struct hg_genl *g, int status)
{
	struct hg_err err = { 0 };

	hg_genl_close(g);
	if (m->unload && hg_kmod_unload(&err))
		return cli_fail(&err);
	return status;
}

void module_print_kregion(enum output_type t, const char *start_fmt,
			  const struct hg_kregion *r)
{
	print_hex(t, "start", start_fmt, r->start);
	print_hex(t, "end", "-0x%016" PRIx64, r->end);
	print_string(t, "type", " %s", hg_resv_type_name(r->type));
	if (!r->translated)
		return;
	/* a direct region's pages in the group's domain */
	open_json_object("pages");
	print_uint(t, "identity", " pages identity %u", r->pages_identity);
	print_uint(t, "unmapped", " unmapped %u", r->pages_unmapped);
	print_uint(t, "foreign", " elsewhere %u", r->pages_foreign);
	if (r->pages_foreign) {
		print_hex(t, "foreign_iova", " (0x%" PRIx64, r->foreign_iova);
		print_hex(t, "foreign_phys", " -> 0x%" PRIx64 ")", r->foreign_phys);
	}
	close_json_object();
}

/* 1: yes/true, 0: no/false, -1: unknown, "-" and null. */
static void print_tristate(const char *key, const char *fmt, int v)
{
	if (v < 0)
		print_null(PRINT_ANY, key, fmt, "-");
	else
		print_bool(PRINT_ANY, key, fmt, v > 0);
}

static void print_kdevice(const struct hg_kgroup *g,
			  const struct hg_kdevice *d)
{
	bool shared;
	size_t i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "\tdevice %s", d->name);
	print_string(PRINT_JSON, "bus", NULL, d->bus[0] ? d->bus : NULL);
	print_string(PRINT_ANY, "driver", " driver %s",
		     d->driver[0] ? d->driver : NULL);
	print_bool(PRINT_ANY, "stub", " stub %s", d->stub);
	print_hex(PRINT_ANY, "dma_mask", " dma_mask 0x%" PRIx64, d->dma_mask);
	print_hex(PRINT_ANY, "coherent_dma_mask", " coherent 0x%" PRIx64,
		  d->coherent_mask);
	print_hex(PRINT_JSON, "bus_dma_limit", NULL, d->bus_dma_limit);
	print_tristate("pci_32bit_first", " 32bit_first %s",
		       d->has_iommu ? d->pci_32bit_first : -1);
	print_tristate("dma_iommu", " dma_iommu %s\n", d->dma_iommu);
	open_json_array("reserved_regions");
	for (i = 0; i < d->n_resv; i++) {
		shared = hg_kgroup_region_shared(g, &d->resv[i]);
		open_json_object(NULL);
		module_print_kregion(PRINT_ANY, "\t\town 0x%016" PRIx64, &d->resv[i]);
		print_bool(PRINT_JSON, "all_members", NULL, shared);
		print_text("%s\n", shared ? "" : " (not every member's)");
		close_json_object();
	}
	close_json_array();
	close_json_object();
}

void module_print_group_fields(const struct hg_kgroup *g)
{
	size_t i;

	print_uint(PRINT_ANY, "id", "group %u", g->id);
	print_string(PRINT_ANY, "domain", " domain %s",
		     hg_domain_type_name(g->domain_type));
	if (g->has_geometry) {
		open_json_object("aperture");
		print_hex(PRINT_ANY, "start", " aperture 0x%" PRIx64,
			  g->aperture_start);
		print_hex(PRINT_ANY, "end", "-0x%" PRIx64, g->aperture_end);
		close_json_object();
		print_bool(PRINT_ANY, "force_aperture", " force_aperture %s",
			   g->force_aperture);
		print_hex(PRINT_ANY, "pgsize_bitmap", " pgsizes 0x%" PRIx64,
			  g->pgsize_bitmap);
	} else {
		print_null(PRINT_JSON, "aperture", NULL, NULL);
		print_null(PRINT_JSON, "force_aperture", NULL, NULL);
		print_null(PRINT_JSON, "pgsize_bitmap", NULL, NULL);
	}
	print_text("\n");
	open_json_array("reserved_regions");
	for (i = 0; i < g->n_resv; i++) {
		open_json_object(NULL);
		module_print_kregion(PRINT_ANY, "\treserved 0x%016" PRIx64, &g->resv[i]);
		print_text("\n");
		close_json_object();
	}
	close_json_array();
	open_json_array("devices");
	for (i = 0; i < g->n_devs; i++)
		print_kdevice(g, &g->devs[i]);
	close_json_array();
}

void module_envelope(unsigned int family_version, const char *cmd)
{
	cli_envelope(cmd);
	print_uint(PRINT_JSON, "family_version", NULL, family_version);
}
