// SPDX-License-Identifier: GPL-2.0
/*
 * The preflight's readers of a planned guest: a QEMU command line (first
 * byte even: the rest is its words, NUL or newline apart) or a libvirt
 * domain XML (first byte odd). What they accept is then laid out and
 * checked against a 39-bit host, fix search included. A failure always
 * says why; every region of a layout ends at or after its start; every
 * conflict names a region and a device that exist.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/preflight.h>

#define WORDS_MAX 512

static int from_argv(struct hg_pf_guest *g, char *text, size_t len,
		     struct hg_err *err)
{
	char *words[WORDS_MAX];
	size_t n = 0, i = 0;

	while (i < len && n < WORDS_MAX) {
		words[n++] = text + i;
		while (i < len && text[i] && text[i] != '\n')
			i++;
		text[i++] = '\0';
	}
	return hg_pf_from_qemu_argv(g, words, n, err);
}

static void check(const struct hg_pf_guest *g, struct hg_pf_report *rep)
{
	struct hg_err err = { 0 };
	struct hg_pf_host host;
	size_t i;

	if (hg_pf_host_from_width(&host, "0000:01:00.0", 39, &err))
		abort();
	if (hg_pf_check(g, &host, 1, rep, &err)) {
		if (!err.msg[0])
			abort();
	} else {
		for (i = 0; i < rep->layout.n_regions; i++)
			if (rep->layout.regions[i].range.start >
			    rep->layout.regions[i].range.end)
				abort();
		for (i = 0; i < rep->n_conflicts; i++)
			if (rep->conflicts[i].region >= rep->layout.n_regions ||
			    rep->conflicts[i].device >= 1 ||
			    !rep->conflicts[i].fix.qemu[0])
				abort();
	}
	hg_pf_host_free(&host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_pf_guest *g = malloc(sizeof(*g));
	struct hg_pf_report *rep = malloc(sizeof(*rep));
	char *text = malloc(size + 1);
	struct hg_err err = { 0 };
	int ret;

	if (!g || !rep || !text || !size)
		goto out;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	hg_pf_guest_init(g);
	g->host_cpu_phys_bits = 46;
	if (data[0] & 1)
		ret = hg_pf_from_libvirt_xml(g, text, size - 1, &err);
	else
		ret = from_argv(g, text, size - 1, &err);
	if (ret && !err.msg[0])
		abort();	/* a failure always says why */
	if (!ret && !g->undecided[0])
		check(g, rep);
out:
	free(text);
	free(rep);
	free(g);
	return 0;
}
