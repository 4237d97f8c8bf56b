// SPDX-License-Identifier: GPL-2.0
/* The test module for 'hostgeom resv' and 'hostgeom carve'. */
#include <inttypes.h>
#include <stdio.h>

#include <hostgeom/genl_verdict.h>
#include <hostgeom/kmodload.h>

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

int module_open(const struct module_opts *m, struct hg_genl **g)
{
	struct hg_err err = { 0 };
	bool loaded;

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

static void print_region(const char *what, const struct hg_kregion *r,
			 const char *note)
{
	printf("%s 0x%016" PRIx64 "-0x%016" PRIx64 " %s%s\n", what, r->start,
	       r->end, hg_resv_type_name(r->type), note);
}

void module_print_group(const struct hg_kgroup *g)
{
	const struct hg_kdevice *d;
	size_t i, j;

	printf("group %" PRIu32 " domain %s", g->id,
	       hg_domain_type_name(g->domain_type));
	if (g->has_geometry)
		printf(" aperture 0x%" PRIx64 "-0x%" PRIx64
		       " force_aperture %s pgsizes 0x%" PRIx64,
		       g->aperture_start, g->aperture_end,
		       g->force_aperture ? "yes" : "no", g->pgsize_bitmap);
	putchar('\n');
	for (i = 0; i < g->n_resv; i++)
		print_region("\treserved", &g->resv[i], "");
	for (i = 0; i < g->n_devs; i++) {
		d = &g->devs[i];
		printf("\tdevice %s driver %s stub %s dma_mask 0x%" PRIx64
		       " coherent 0x%" PRIx64 " 32bit_first %s dma_iommu %s\n",
		       d->name, d->driver[0] ? d->driver : "-",
		       d->stub ? "yes" : "no", d->dma_mask, d->coherent_mask,
		       !d->has_iommu ? "-" :
		       d->pci_32bit_first ? "yes" : "no",
		       d->dma_iommu < 0 ? "-" : d->dma_iommu ? "yes" : "no");
		for (j = 0; j < d->n_resv; j++)
			print_region("\t\town", &d->resv[j],
				     hg_kgroup_region_shared(g, &d->resv[j]) ?
				     "" : " (not every member's)");
	}
}

/* Moves every key of @from into the envelope @env; drops @from. */
static int merge_json(json_object *env, json_object *from)
{
	int failed = !env || !from;

	if (!failed) {
		json_object_object_foreach(from, key, val) {
			if (json_object_object_add(env, key,
						   json_object_get(val))) {
				json_object_put(val);
				failed = 1;
				break;
			}
		}
	}
	json_object_put(from);
	return failed ? -1 : 0;
}

int module_print_json(const struct cli *cli, const struct hg_genl *g,
		      const char *cmd, json_object *obj)
{
	json_object *env = cli_envelope(cmd);
	int failed = !env || json_object_object_add(env, "family_version",
			json_object_new_int(hg_genl_version(g)));

	/* merge_json() drops @obj whether or not it can take it */
	if (merge_json(failed ? NULL : env, obj) || failed) {
		json_object_put(env);
		return cli_failf("out of memory building the JSON output");
	}
	cli_print_json(cli, env);
	return EXIT_OK;
}
