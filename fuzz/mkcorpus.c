// SPDX-License-Identifier: GPL-2.0
/*
 * mkcorpus DIR: writes the fuzz targets' seed inputs, DIR/TARGET/NAME, the
 * well-formed answers the kit meets (VT-d 39 bits, a 64-bit host, an ARM
 * MSI window...) built with the test suite's own builders and libnl, and
 * a few broken ones. scripts/fuzz-run --minimise then keeps those that
 * add coverage. Built and run by make fuzz-corpus.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/iommufd.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "fake_vfio.h"
#include "hostgeom_genl.h"

static const char *top;

static void put(const char *target, const char *name, const void *data,
		size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", top, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void resv_seeds(void)
{
	static const char *const seeds[][2] = {
		{ "msi", "0x00000000fee00000 0x00000000feefffff msi\n" },
		{ "arm-msi", "0x0000000008000000 0x00000000080fffff msi\n" },
		{ "mixed", "0x00000000000a0000 0x00000000000bffff direct\n"
			   "0x00000000fee00000 0x00000000feefffff msi\n"
			   "0x0000008000000000 0xffffffffffffffff reserved\n" },
		{ "relaxable", "0x00000000000e0000 0x00000000000fffff direct-relaxable\n" },
		{ "unknown-type", "0x1000 0x1fff future\n" },
		{ "backwards", "0x2000 0x1000 msi\n" },
		{ "empty", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(seeds) / sizeof(*seeds); i++)
		put("resv", seeds[i][0], seeds[i][1], strlen(seeds[i][1]));
}

static void caps_seeds(void)
{
	static const struct vfio_iova_range full = { 0, UINT64_MAX };
	struct fake_answer a;
	size_t at;

	fake_answer_init(&a, FAKE_VTD39_PGSIZES);
	fake_answer_dma_avail(&a, 65535);
	fake_answer_iova(&a, 2, fake_vtd39, 2);
	put("vfio_caps", "vtd39", a.b, a.len);

	fake_answer_init(&a, 0x1000);
	fake_answer_iova(&a, 1, &full, 1);
	fake_answer_migration(&a);
	put("vfio_caps", "full-migration", a.b, a.len);

	fake_answer_init(&a, FAKE_VTD39_PGSIZES);
	fake_answer_iova(&a, 4, fake_vtd39, 2);	/* claims more than given */
	put("vfio_caps", "short-ranges", a.b, a.len);

	fake_answer_init(&a, FAKE_VTD39_PGSIZES);
	at = fake_answer_dma_avail(&a, 1);
	fake_answer_link(&a, at, (uint32_t)at);	/* points at itself */
	put("vfio_caps", "loop", a.b, a.len);
}

/* A PCIe port's config space: capability list, PCIe cap, ACS at 0x100. */
static void pci_seeds(void)
{
	unsigned char b[4096] = { 0 };

	b[0x00] = 0x86; b[0x01] = 0x80;		/* vendor 8086 */
	b[0x06] = 0x10;				/* capability list */
	b[0x0e] = 0x01;				/* bridge header */
	b[0x34] = 0x40;
	b[0x40] = 0x10; b[0x42] = 0x42;		/* PCIe v2, root port */
	b[0x100] = 0x0d; b[0x102] = 0x01;	/* ACS */
	b[0x104] = 0x1f; b[0x106] = 0x1d;	/* cap SV..UF, ctrl SV RR CR UF */
	put("pci", "root-port-acs", b, sizeof(b));
	b[0x106] = 0;				/* ACS not enabled */
	b[0x42] = 0x72;				/* PCIe-to-PCI bridge */
	put("pci", "pcie-to-pci", b, sizeof(b));
	put("pci", "header-only", b, 64);
	b[0x41] = 0x40;				/* capability loop */
	put("pci", "cap-loop", b, 256);
}

static void put_region(struct nl_msg *m, int type, uint64_t start,
		       uint64_t last, uint32_t kind)
{
	struct nlattr *r = nla_nest_start(m, type);

	nla_put_u64(m, HOSTGEOM_A_REGION_START, start);
	nla_put_u64(m, HOSTGEOM_A_REGION_END, last);
	nla_put_u32(m, HOSTGEOM_A_REGION_TYPE, kind);
	nla_nest_end(m, r);
}

static void put_group(struct nl_msg *m)
{
	struct nlattr *d;

	nla_put_u32(m, HOSTGEOM_A_GROUP_ID, 7);
	nla_put_u32(m, HOSTGEOM_A_DOMAIN_TYPE, 1);
	nla_put_u64(m, HOSTGEOM_A_APERTURE_START, 0);
	nla_put_u64(m, HOSTGEOM_A_APERTURE_END, 0x7fffffffffULL);
	nla_put_u8(m, HOSTGEOM_A_FORCE_APERTURE, 1);
	nla_put_u64(m, HOSTGEOM_A_PGSIZE_BITMAP, 0x40201000);
	put_region(m, HOSTGEOM_A_GROUP_RESV, 0xfee00000, 0xfeefffff, 4);
	d = nla_nest_start(m, HOSTGEOM_A_DEVICE);
	nla_put_string(m, HOSTGEOM_A_DEV_NAME, "0000:03:01.0");
	nla_put_string(m, HOSTGEOM_A_DEV_BUS, "pci");
	nla_put_string(m, HOSTGEOM_A_DEV_DRIVER, "hostgeom_stub");
	nla_put_u8(m, HOSTGEOM_A_DEV_STUB, 1);
	nla_put_u64(m, HOSTGEOM_A_DEV_DMA_MASK, 0xffffffff);
	nla_put_u64(m, HOSTGEOM_A_DEV_COHERENT_MASK, 0xffffffff);
	nla_put_u8(m, HOSTGEOM_A_DEV_32BIT_FIRST, 1);
	put_region(m, HOSTGEOM_A_DEV_RESV, 0xb8000000, 0xb80fffff, 1);
	nla_nest_end(m, d);
}

static void put_walk(struct nl_msg *m)
{
	struct nlattr *w = nla_nest_start(m, HOSTGEOM_A_WALK), *n, *r;

	nla_put_string(m, HOSTGEOM_A_WALK_DEVICE, "0000:03:01.0");
	nla_put_u32(m, HOSTGEOM_A_WALK_SKIP, 0);
	nla_put_u64(m, HOSTGEOM_A_WALK_MAP_SIZE, 0x200000);
	nla_put_u32(m, HOSTGEOM_A_WALK_MAPS, 138);
	nla_put_u64(m, HOSTGEOM_A_WALK_NS, 20000000);
	nla_put_u32(m, HOSTGEOM_A_WALK_SEGMENTS_DROPPED, 0);
	nla_put_u32(m, HOSTGEOM_A_WALK_HITS, 1);
	nla_put_u32(m, HOSTGEOM_A_WALK_HITS_DROPPED, 0);
	n = nla_nest_start(m, HOSTGEOM_A_WALK_PHASE);
	nla_put_u8(m, HOSTGEOM_A_PHASE_MASK_BITS, 32);
	nla_put_u64(m, HOSTGEOM_A_PHASE_LIMIT, 0xffffffff);
	nla_put_u64(m, HOSTGEOM_A_PHASE_TARGET, 0xa0000000);
	nla_put_u32(m, HOSTGEOM_A_PHASE_MAPS, 138);
	nla_put_u64(m, HOSTGEOM_A_PHASE_FIRST, 0xffe00000);
	nla_put_u32(m, HOSTGEOM_A_PHASE_STOP, 1);
	nla_nest_end(m, n);
	n = nla_nest_start(m, HOSTGEOM_A_WALK_SEGMENT);
	nla_put_u64(m, HOSTGEOM_A_SEG_LOW, 0xa0000000);
	nla_put_u64(m, HOSTGEOM_A_SEG_HIGH, 0xffffffff);
	nla_put_u32(m, HOSTGEOM_A_SEG_MAPS, 138);
	nla_put_u8(m, HOSTGEOM_A_SEG_EXHAUSTED, 1);
	nla_nest_end(m, n);
	n = nla_nest_start(m, HOSTGEOM_A_WALK_HIT);
	nla_put_string(m, HOSTGEOM_A_HIT_OWNER, "0000:03:01.0");
	r = nla_nest_start(m, HOSTGEOM_A_HIT_REGION);
	nla_put_u64(m, HOSTGEOM_A_REGION_START, 0xb8000000);
	nla_put_u64(m, HOSTGEOM_A_REGION_END, 0xb80fffff);
	nla_put_u32(m, HOSTGEOM_A_REGION_TYPE, 1);
	nla_nest_end(m, r);
	nla_put_u64(m, HOSTGEOM_A_HIT_FIRST, 0xb8000000);
	nla_put_u64(m, HOSTGEOM_A_HIT_LAST, 0xb81fffff);
	nla_put_u32(m, HOSTGEOM_A_HIT_COUNT, 1);
	nla_nest_end(m, n);
	nla_nest_end(m, w);
}

/* The message's attributes behind the target's selector byte. */
static void put_msg(const char *name, uint8_t selector, struct nl_msg *m)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	size_t len = (size_t)nlmsg_datalen(h);
	unsigned char *buf = malloc(len + 1);

	buf[0] = selector;
	memcpy(buf + 1, nlmsg_data(h), len);
	put("genl", name, buf, len + 1);
	free(buf);
	nlmsg_free(m);
}

static void genl_seeds(void)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *g;

	put_group(m);
	put_msg("group", 0, m);

	m = nlmsg_alloc();
	nla_put_u32(m, HOSTGEOM_A_CARVE_HITS, 1);
	nla_put_u64(m, HOSTGEOM_A_CARVE_NS, 20000000);
	put_region(m, HOSTGEOM_A_CARVE_CANARY, 0xa0000000, 0xa0000fff, 0);
	g = nla_nest_start(m, HOSTGEOM_A_CARVE_GROUP);
	put_group(m);
	put_walk(m);
	nla_nest_end(m, g);
	put_msg("carve", 1, m);
}

/* fuzz/iommufd_fuzz.c's layout: flags, count of answers, the answers... */
static void iommufd_seeds(void)
{
	struct {
		uint8_t flags, n;
		uint32_t counts[FAKE_MAX_ANSWERS];
		uint64_t alignment, cap, ecap;
		uint64_t ranges[2][2];
	} __attribute__((packed)) s = {
		.flags = 2, .n = 1, .counts = { 2 },
		.alignment = 0x1000, .cap = FAKE_VTD39_CAP,
		.ecap = FAKE_VTD39_ECAP,
		.ranges = { { 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff } },
	};

	put("iommufd", "vtd39", &s, sizeof(s));
	s.n = 3;				/* grows on each retry */
	s.counts[0] = 0; s.counts[1] = 1; s.counts[2] = 2;
	put("iommufd", "retries", &s, sizeof(s));
	s.flags = 0x81;				/* two devices, a lie */
	put("iommufd", "two-devices-lie", &s, sizeof(s));
}

/* A QEMU command line (selector 0) or a libvirt XML (selector 1). */
static void put_guest(const char *name, uint8_t selector, const char *text)
{
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	size_t i;

	if (!buf) {
		perror("malloc");
		exit(1);
	}
	buf[0] = (char)selector;
	memcpy(buf + 1, text, len);
	/* the target splits a command line's words at NUL or newline */
	for (i = 1; selector == 0 && i <= len; i++)
		if (buf[i] == ' ')
			buf[i] = '\n';
	put("preflight", name, buf, len + 1);
	free(buf);
}

static void preflight_seeds(void)
{
	put_guest("classic", 0,
		  "qemu-system-x86_64 -M q35,accel=kvm -cpu host -m 16G -device vfio-pci,host=0000:01:00.0");
	put_guest("dimm-1t", 0,
		  "-M q35 -cpu max,phys-bits=42 -m 512M,slots=1,maxmem=1T -object memory-backend-ram,id=m1,size=128M -device pc-dimm,id=d1,memdev=m1,addr=0x9000000000 -device vfio-pci,host=01:00.0");
	put_guest("viommu", 0,
		  "-M pc-q35-9.2,max-ram-below-4g=1G -cpu max,host-phys-bits=on -m 4G -global q35-pcihost.pci-hole64-size=64G -drive if=pflash,format=raw,file=OVMF_CODE.fd -device pcie-root-port,id=rp1,chassis=1,disable-acs=on -device {\"driver\":\"vfio-pci\",\"host\":\"01:00.0\",\"bus\":\"rp1\"} -device virtio-iommu-pci,aw-bits=64");
	put_guest("bad-size", 0, "-m lots");
	put_guest("domain", 1,
		  "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
		  "<maxMemory slots='4' unit='GiB'>256</maxMemory><memory unit='KiB'>8388608</memory>"
		  "<os><type arch='x86_64' machine='pc-q35-9.2'>hvm</type><loader type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>"
		  "<cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='42'/></cpu>"
		  "<devices><controller type='pci' index='0' model='pcie-root'><pcihole64 unit='GiB'>16</pcihole64></controller>"
		  "<controller type='pci' index='5' model='pcie-to-pci-bridge'/><iommu model='virtio'/>"
		  "<memory model='dimm'><target><size unit='GiB'>2</size></target><address type='dimm' slot='0' base='0x300000000'/></memory>"
		  "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x02' slot='0x00' function='0x1'/></source>"
		  "<address type='pci' bus='0x05' slot='0x01'/></hostdev></devices>"
		  "<qemu:override><qemu:device alias='iommu0'><qemu:frontend><qemu:property name='aw-bits' type='unsigned' value='48'/></qemu:frontend></qemu:device></qemu:override>"
		  "<qemu:commandline><qemu:arg value='-global'/><qemu:arg value='q35-pcihost.pci-hole64-size=32G'/></qemu:commandline></domain>");
	put_guest("broken-xml", 1, "<domain><memory>1</memory>");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: mkcorpus DIR\n");
		return 2;
	}
	top = argv[1];
	if (mkdir(top, 0755) && errno != EEXIST) {
		perror(top);
		return 1;
	}
	resv_seeds();
	caps_seeds();
	pci_seeds();
	genl_seeds();
	iommufd_seeds();
	preflight_seeds();
	return 0;
}
