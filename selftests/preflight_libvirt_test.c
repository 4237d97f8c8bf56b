// SPDX-License-Identifier: GPL-2.0
/*
 * The libvirt elements preflight prints as fixes, given to libvirt's own
 * schema: each is put into a minimal domain (top level, or under
 * <devices>) and virt-xml-validate must accept it. Skips when libvirt's
 * virt-xml-validate is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hostgeom/preflight.h>

#include "kselftest_harness.h"

FIXTURE(fix) {
	struct hg_pf_guest g;
	struct hg_pf_report rep;
	char path[64];
};

FIXTURE_VARIANT(fix) {
	const char *argv[16];
	const char *expect;	/* in the printed element */
};

FIXTURE_VARIANT_ADD(fix, maxphysaddr_passthrough) {
	.argv = { "-M", "q35,accel=kvm", "-cpu", "host", "-m", "8G", NULL },
	.expect = "<maxphysaddr mode='passthrough' limit='39'/>",
};
FIXTURE_VARIANT_ADD(fix, maxphysaddr_emulate) {
	.argv = { "-M", "q35", "-cpu", "max,phys-bits=46", "-m", "8G", NULL },
	.expect = "<maxphysaddr mode='emulate' bits='39'/>",
};
FIXTURE_VARIANT_ADD(fix, max_memory) {
	.argv = { "-M", "q35", "-cpu", "max,phys-bits=42", "-m",
		  "1G,slots=2,maxmem=1T", NULL },
	.expect = "<maxMemory slots='2' unit='GiB'>",
};
FIXTURE_VARIANT_ADD(fix, intel_aw_bits) {
	.argv = { "-M", "q35", "-m", "2G", "-device", "intel-iommu,aw-bits=48",
		  NULL },
	.expect = "<driver aw_bits='39'/>",
};

FIXTURE_SETUP(fix)
{
	struct hg_pf_host host;
	struct hg_err err = { 0 };
	size_t n = 0;

	while (variant->argv[n])
		n++;
	hg_pf_guest_init(&self->g);
	self->g.host_cpu_phys_bits = 46;
	ASSERT_EQ(0, hg_pf_from_qemu_argv(&self->g, (char *const *)variant->argv,
					  n, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, hg_pf_host_from_width(&host, "0000:01:00.0", 39, &err));
	ASSERT_EQ(0, hg_pf_check(&self->g, &host, 1, &self->rep, &err))
		TH_LOG("%s", err.msg);
	hg_pf_host_free(&host);
	snprintf(self->path, sizeof(self->path), "/tmp/hg-pf-virt-%d.xml",
		 getpid());
}

FIXTURE_TEARDOWN(fix)
{
	unlink(self->path);
}

/* A minimal domain holding @element where libvirt wants it. */
static int write_domain(const char *path, const char *element)
{
	bool device = !strncmp(element, "<controller", 11) ||
		      !strncmp(element, "<iommu", 6);
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "<domain type='kvm'>\n  <name>pf</name>\n");
	if (strncmp(element, "<memory", 7))
		fprintf(f, "  <memory unit='GiB'>1</memory>\n");
	fprintf(f, "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n");
	if (!device)
		fprintf(f, "  %s\n", element);
	fprintf(f, "  <devices>\n");
	if (device)
		fprintf(f, "    %s\n", element);
	fprintf(f, "  </devices>\n</domain>\n");
	return fclose(f);
}

TEST_F(fix, libvirt_accepts_it)
{
	const struct hg_pf_conflict *c;
	char cmd[256];

	if (system("command -v virt-xml-validate >/dev/null 2>&1"))
		SKIP(return, "virt-xml-validate not installed (libvirt-clients)");
	ASSERT_LE(1, self->rep.n_conflicts);
	c = &self->rep.conflicts[0];
	ASSERT_NE(NULL, strstr(c->fix.libvirt, variant->expect))
		TH_LOG("printed: %s", c->fix.libvirt);
	ASSERT_EQ(0, write_domain(self->path, c->fix.libvirt));
	snprintf(cmd, sizeof(cmd), "virt-xml-validate %s domain >/dev/null 2>&1",
		 self->path);
	EXPECT_EQ(0, system(cmd)) TH_LOG("libvirt refuses: %s", c->fix.libvirt);
}

TEST_HARNESS_MAIN
