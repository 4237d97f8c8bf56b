// SPDX-License-Identifier: GPL-2.0
/*
 * The preflight without QEMU: what the QEMU command-line and libvirt XML
 * parsers take, what they refuse and what they note, and the conflicts
 * and fixes the check finds. Each fix is applied and checked again: a
 * printed fix that does not fix is a bug.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hostgeom/preflight.h>

#include "kselftest_harness.h"

#define G HG_GIB

static struct hg_pf_guest g;
static struct hg_pf_report rep;

static int argv_guest(const char *const *argv)
{
	struct hg_err err = { 0 };
	size_t n = 0;
	int ret;

	while (argv[n])
		n++;
	hg_pf_guest_init(&g);
	g.host_cpu_phys_bits = 46;	/* as /proc/cpuinfo would say */
	ret = hg_pf_from_qemu_argv(&g, (char *const *)argv, n, &err);
	if (ret)
		fprintf(stderr, "# %s\n", err.msg);
	return ret;
}

static bool noted(const char *what)
{
	size_t i;

	for (i = 0; i < g.n_notes; i++)
		if (strstr(g.notes[i], what))
			return true;
	return false;
}

static int check_width(unsigned int bits)
{
	struct hg_pf_host host;
	struct hg_err err = { 0 };
	int ret;

	if (hg_pf_host_from_width(&host, "0000:01:00.0", bits, &err))
		return -1;
	ret = hg_pf_check(&g, &host, 1, &rep, &err);
	hg_pf_host_free(&host);
	return ret;
}

TEST(argv_takes_what_shapes_memory)
{
	const char *argv[] = {
		"/usr/bin/qemu-system-x86_64", "-machine",
		"pc-q35-9.2,accel=kvm,max-ram-below-4g=1G", "-cpu",
		"host,host-phys-bits=on,host-phys-bits-limit=39", "-m",
		"size=4G,slots=2,maxmem=64G", "-object",
		"memory-backend-ram,id=m0,size=1G", "-device",
		"pc-dimm,id=dimm0,memdev=m0,addr=0x400000000", "-global",
		"q35-pcihost.pci-hole64-size=64G", "-drive",
		"if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
		"-device", "intel-iommu,intremap=on,aw-bits=48", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"{\"driver\":\"vfio-pci\",\"host\":\"01:00.0\",\"bus\":\"rp1\",\"id\":\"gpu\"}",
		NULL,
	};

	ASSERT_EQ(0, argv_guest(argv));
	EXPECT_EQ(HG_PF_Q35, g.machine);
	EXPECT_EQ(9, g.version_major);
	EXPECT_TRUE(g.kvm);
	EXPECT_EQ(1 * G, g.max_ram_below_4g);
	EXPECT_STREQ("host", g.cpu_model);
	EXPECT_TRUE(g.host_phys_bits);
	EXPECT_EQ(39, g.host_phys_bits_limit);
	EXPECT_EQ(4 * G, g.ram);
	EXPECT_EQ(64 * G, g.maxmem);
	EXPECT_EQ(2, g.slots);
	ASSERT_EQ(1, g.n_dimms);
	EXPECT_EQ(1 * G, g.dimms[0].size);
	EXPECT_EQ(0x400000000ULL, g.dimms[0].addr);
	EXPECT_EQ(64 * G, g.hole64_size);
	EXPECT_EQ(HG_PF_OVMF, g.firmware);
	EXPECT_EQ(HG_PF_VIOMMU_INTEL, g.viommu);
	EXPECT_EQ(48, g.aw_bits);
	ASSERT_EQ(1, g.n_devices);
	EXPECT_STREQ("0000:01:00.0", g.devices[0].host);
	EXPECT_STREQ("rp1", g.devices[0].bus);
	ASSERT_EQ(1, g.n_buses);
	EXPECT_TRUE(g.buses[0].disable_acs);
	EXPECT_EQ(0, g.undecided[0]);
}

TEST(argv_notes_what_it_does_not_model)
{
	const char *argv[] = {
		"-M", "q35,foo=bar", "-m", "2G", "-frobnicate", "x",
		"-device", "virtio-net-pci,netdev=n", "-numa", "node",
		"-cpu", "Skylake-Server,+pdpe1gb", NULL,
	};

	ASSERT_EQ(0, argv_guest(argv));
	EXPECT_TRUE(noted("-machine foo"));
	EXPECT_TRUE(noted("-frobnicate"));
	EXPECT_TRUE(noted("virtio-net-pci"));
	EXPECT_TRUE(noted("-numa"));
	EXPECT_TRUE(noted("CPU feature flags"));
	EXPECT_TRUE(noted("vendor taken as Intel"));
	EXPECT_EQ(0, g.undecided[0]);
}

TEST(argv_without_machine_is_qemus_pc)
{
	const char *argv[] = { "-m", "1G", NULL };

	ASSERT_EQ(0, argv_guest(argv));
	EXPECT_EQ(HG_PF_PC, g.machine);
	EXPECT_TRUE(noted("no -machine"));
}

TEST(argv_refuses_malformed_values)
{
	const char *bad_m[] = { "-m", "lots", NULL };
	const char *no_backend[] = { "-device", "pc-dimm,memdev=nope", NULL };
	const char *stray[] = { "-m", "1G", "1G", NULL };
	const char *no_value[] = { "-m", NULL };
	const char *bad_aw[] = { "-device", "intel-iommu,aw-bits=7", NULL };

	EXPECT_NE(0, argv_guest(bad_m));
	EXPECT_NE(0, argv_guest(no_backend));
	EXPECT_NE(0, argv_guest(stray));
	EXPECT_NE(0, argv_guest(no_value));
	EXPECT_NE(0, argv_guest(bad_aw));
}

TEST(argv_undecided_machine_firmware_binary)
{
	const char *machine[] = { "-M", "virt", NULL };
	const char *old[] = { "-M", "pc-q35-6.2", NULL };
	const char *fw[] = { "-bios", "/opt/coreboot.rom", NULL };
	const char *arm[] = { "qemu-system-aarch64", "-m", "1G", NULL };
	const char *odd[] = { "-M", "pc-q35-next", NULL };

	ASSERT_EQ(0, argv_guest(machine));
	EXPECT_NE(NULL, strstr(g.undecided, "'virt'"));
	ASSERT_EQ(0, argv_guest(old));
	EXPECT_NE(NULL, strstr(g.undecided, "older than 7.1"));
	ASSERT_EQ(0, argv_guest(fw));
	EXPECT_NE(NULL, strstr(g.undecided, "coreboot.rom"));
	ASSERT_EQ(0, argv_guest(odd));
	EXPECT_NE(NULL, strstr(g.undecided, "'pc-q35-next'"));
	ASSERT_EQ(0, argv_guest(arm));
	EXPECT_NE(NULL, strstr(g.undecided, "not an x86 QEMU"));
	/* and the check refuses to answer */
	EXPECT_NE(0, check_width(39));
}

static const char domain_xml[] =
	"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
	"  <name>vm</name>\n"
	"  <maxMemory slots='4' unit='GiB'>256</maxMemory>\n"
	"  <memory unit='KiB'>8388608</memory>\n"
	"  <os><type arch='x86_64' machine='pc-q35-9.2'>hvm</type>\n"
	"    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>\n"
	"  <cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='42'/>\n"
	"    <numa><cell id='0' memory='8' unit='GiB'/></numa></cpu>\n"
	"  <launchSecurity type='sev'/>\n"
	"  <devices>\n"
	"    <controller type='pci' index='0' model='pcie-root'><pcihole64 unit='GiB'>16</pcihole64></controller>\n"
	"    <controller type='pci' index='5' model='pcie-to-pci-bridge'/>\n"
	"    <interface type='network'><source network='default'/></interface>\n"
	"    <iommu model='virtio'/>\n"
	"    <memory model='dimm'><target><size unit='GiB'>2</size></target>\n"
	"      <address type='dimm' slot='0' base='0x300000000'/></memory>\n"
	"    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
	"      <source><address domain='0x0000' bus='0x02' slot='0x00' function='0x1'/></source>\n"
	"      <alias name='hostdev0'/>\n"
	"      <address type='pci' domain='0x0000' bus='0x05' slot='0x01' function='0x0'/>\n"
	"    </hostdev>\n"
	"  </devices>\n"
	"  <qemu:override><qemu:device alias='iommu0'><qemu:frontend>\n"
	"    <qemu:property name='aw-bits' type='unsigned' value='48'/>\n"
	"  </qemu:frontend></qemu:device></qemu:override>\n"
	"  <qemu:commandline><qemu:arg value='-global'/>\n"
	"    <qemu:arg value='q35-pcihost.pci-hole64-size=32G'/></qemu:commandline>\n"
	"</domain>\n";

TEST(xml_takes_what_shapes_memory)
{
	struct hg_err err = { 0 };

	hg_pf_guest_init(&g);
	ASSERT_EQ(0, hg_pf_from_libvirt_xml(&g, domain_xml, strlen(domain_xml),
					    &err)) TH_LOG("%s", err.msg);
	EXPECT_TRUE(g.kvm);
	EXPECT_EQ(HG_PF_Q35, g.machine);
	EXPECT_EQ(8 * G, g.ram);
	EXPECT_EQ(256 * G, g.maxmem);
	EXPECT_EQ(4, g.slots);
	EXPECT_EQ(HG_PF_OVMF, g.firmware);
	EXPECT_STREQ("host", g.cpu_model);
	EXPECT_TRUE(g.host_phys_bits);
	EXPECT_EQ(42, g.host_phys_bits_limit);
	EXPECT_EQ(HG_PF_VIOMMU_VIRTIO, g.viommu);
	EXPECT_EQ(48, g.aw_bits);
	ASSERT_EQ(1, g.n_dimms);
	EXPECT_EQ(2 * G, g.dimms[0].size);
	EXPECT_EQ(0x300000000ULL, g.dimms[0].addr);
	/* <qemu:commandline> comes last and wins over <pcihole64> */
	EXPECT_EQ(32 * G, g.hole64_size);
	ASSERT_EQ(1, g.n_devices);
	EXPECT_STREQ("0000:02:00.1", g.devices[0].host);
	EXPECT_STREQ("pci.5", g.devices[0].bus);
	EXPECT_TRUE(noted("interface"));
	EXPECT_TRUE(noted("<launchSecurity>"));
	EXPECT_TRUE(noted("<cpu><numa>"));
	EXPECT_FALSE(noted("<name>"));
}

TEST(xml_refuses_what_is_not_a_domain)
{
	static const char broken[] = "<domain><memory>1</memory>";
	static const char other[] = "<network><name>x</name></network>";
	static const char unit[] =
		"<domain><memory unit='parsecs'>1</memory></domain>";
	struct hg_err err = { 0 };

	hg_pf_guest_init(&g);
	EXPECT_NE(0, hg_pf_from_libvirt_xml(&g, broken, strlen(broken), &err));
	EXPECT_NE(NULL, strstr(err.msg, "line")) TH_LOG("%s", err.msg);
	hg_err_clear(&err);
	EXPECT_NE(0, hg_pf_from_libvirt_xml(&g, other, strlen(other), &err));
	EXPECT_NE(NULL, strstr(err.msg, "<domain>")) TH_LOG("%s", err.msg);
	hg_err_clear(&err);
	EXPECT_NE(0, hg_pf_from_libvirt_xml(&g, unit, strlen(unit), &err));
	EXPECT_NE(NULL, strstr(err.msg, "parsecs")) TH_LOG("%s", err.msg);
}

/* The ranges -cpu, -m and -device hold values to hold in the XML too. */
TEST(xml_refuses_out_of_range_values)
{
	static const struct {
		const char *xml, *says;
	} bad[] = {
		{ "<domain><memory>1048576</memory><cpu><maxphysaddr mode='emulate' bits='4096'/></cpu></domain>",
		  "<maxphysaddr bits> '4096': not a number from 0 to 64" },
		{ "<domain><memory>1048576</memory><cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='-1'/></cpu></domain>",
		  "<maxphysaddr limit> '-1'" },
		{ "<domain><memory>1048576</memory><maxMemory slots='99999' unit='GiB'>8</maxMemory></domain>",
		  "<maxMemory slots> '99999': not a number from 0 to 256" },
		{ "<domain><memory>1048576</memory><devices><iommu model='intel'><driver aw_bits='7'/></iommu></devices></domain>",
		  "aw_bits> '7': not a number from 32 to 64" },
		{ "<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><memory>1048576</memory><devices><iommu model='virtio'/></devices><qemu:override><qemu:device alias='iommu0'><qemu:frontend><qemu:property name='aw-bits' type='unsigned' value='640'/></qemu:frontend></qemu:device></qemu:override></domain>",
		  "aw-bits '640': not a number from 32 to 64" },
		{ "<domain><memory>1048576</memory><devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x1ff' slot='0x00' function='0x0'/></source></hostdev></devices></domain>",
		  "bus '0x1ff': not a number from 0 to 255" },
		{ "<domain><memory>1048576</memory><devices><memory model='dimm'><target><size unit='GiB'>1</size></target><address type='dimm' base='0x1zz'/></memory></devices></domain>",
		  "base> '0x1zz': not an address" },
		{ "<domain><memory unit='TiB'>18446744073709551615</memory></domain>",
		  "not a size libvirt takes" },
	};
	struct hg_err err = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hg_pf_guest_init(&g);
		hg_err_clear(&err);
		EXPECT_EQ(-EINVAL, hg_pf_from_libvirt_xml(&g, bad[i].xml,
							  strlen(bad[i].xml),
							  &err)) TH_LOG("%zu", i);
		EXPECT_NE(NULL, strstr(err.msg, bad[i].says))
			TH_LOG("%zu: %s", i, err.msg);
	}
}

/* The classic report: -cpu host on a 46-bit CPU, a 39-bit VT-d. */
TEST(host_phys_bits_put_bars_beyond_a_39_bit_iommu)
{
	const char *argv[] = {
		"-M", "q35,accel=kvm", "-cpu", "host", "-m", "8G", "-device",
		"vfio-pci,host=01:00.0", NULL,
	};

	ASSERT_EQ(0, argv_guest(argv));
	ASSERT_EQ(46, hg_pf_cpu_phys_bits(&g));
	ASSERT_EQ(0, check_width(39));
	ASSERT_EQ(1, rep.n_conflicts);
	EXPECT_EQ(HG_PF_DEGRADING, rep.conflicts[0].severity);
	EXPECT_EQ(HG_PF_BARS64,
		  rep.layout.regions[rep.conflicts[0].region].kind);
	EXPECT_NE(NULL, strstr(rep.conflicts[0].fix.qemu,
			       "host-phys-bits-limit=39"));
	EXPECT_NE(NULL, strstr(rep.conflicts[0].fix.libvirt,
			       "limit='39'"));
	EXPECT_NE(NULL, strstr(rep.conflicts[0].fix.cloud_hypervisor,
			       "max_phys_bits=39"));
	EXPECT_FALSE(rep.fits);
	/* the fix, applied */
	g.host_phys_bits_limit = 39;
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(0, rep.n_conflicts);
	EXPECT_TRUE(rep.fits);
}

/* A small dimm high in a large maxmem: fatal with 128 MiB of RAM. */
TEST(dimm_above_the_host_is_fatal)
{
	const char *argv[] = {
		"-M", "q35", "-cpu", "max,phys-bits=42", "-m",
		"512M,slots=1,maxmem=1T", "-object",
		"memory-backend-ram,id=m1,size=128M", "-device",
		"pc-dimm,id=d1,memdev=m1", "-device", "vfio-pci,host=01:00.0",
		NULL,
	};
	struct hg_pf_guest fixed;
	size_t i;
	bool dimm = false;

	ASSERT_EQ(0, argv_guest(argv));
	ASSERT_EQ(0, check_width(39));
	ASSERT_LE(1, rep.n_conflicts);
	for (i = 0; i < rep.n_conflicts; i++) {
		const struct hg_pf_conflict *c = &rep.conflicts[i];

		EXPECT_EQ(HG_PF_FATAL, c->severity);
		dimm |= rep.layout.regions[c->region].kind == HG_PF_DIMM;
		EXPECT_NE(NULL, strstr(c->fix.qemu, "maxmem="));
	}
	EXPECT_TRUE(dimm);
	/* the printed maxmem, applied */
	fixed = g;
	ASSERT_EQ(1, sscanf(strstr(rep.conflicts[0].fix.qemu, "maxmem=") + 7,
			    "%lluG", (unsigned long long *)&g.maxmem));
	g.maxmem *= G;
	ASSERT_EQ(0, check_width(39));
	EXPECT_TRUE(rep.fits);
	/* one GiB more does not fit: the fix is the smallest change */
	g.maxmem += G;
	ASSERT_EQ(0, check_width(39));
	EXPECT_FALSE(rep.fits);
	g = fixed;
}

static const struct hg_pf_conflict *conflict_on(const char *region)
{
	size_t i;

	for (i = 0; i < rep.n_conflicts; i++)
		if (!strcmp(rep.layout.regions[rep.conflicts[i].region].name,
			    region))
			return &rep.conflicts[i];
	return NULL;
}

/* 1 GiB of RAM, a 1 TiB maxmem and a 1 GiB dimm pinned at @addr. */
static int pinned_dimm_guest(const char *addr)
{
	char dimm[64];
	const char *argv[] = {
		"-M", "q35", "-cpu", "max,phys-bits=42,vendor=GenuineIntel",
		"-m", "1G,slots=2,maxmem=1T", "-object",
		"memory-backend-ram,id=m1,size=1G", "-device", dimm, "-device",
		"vfio-pci,host=01:00.0", NULL,
	};

	snprintf(dimm, sizeof(dimm), "pc-dimm,id=d1,memdev=m1,addr=%s", addr);
	return argv_guest(argv);
}

/*
 * A dimm pinned at 384 GiB in a 1 TiB maxmem: a maxmem below 380 GiB
 * leaves it outside device memory (QEMU refuses), one above 507 GiB puts
 * the hotplug region beyond a 39-bit host. Fitting is not monotonic.
 */
TEST(pinned_dimm_maxmem_found_between_refusal_and_reach)
{
	const struct hg_pf_conflict *c;

	ASSERT_EQ(0, pinned_dimm_guest("0x6000000000"));
	ASSERT_EQ(0, check_width(39));
	c = conflict_on("hotplug");
	ASSERT_NE(NULL, c);
	EXPECT_STREQ("-m 1024M,slots=2,maxmem=507G", c->fix.qemu);
	g.maxmem = 507 * G;
	ASSERT_EQ(0, check_width(39));
	EXPECT_TRUE(rep.fits);
	g.maxmem = 379 * G;
	ASSERT_EQ(0, check_width(39));
	EXPECT_NE(0, rep.layout.refused[0]);
}

/* A dimm pinned beyond a 39-bit host: let QEMU place it. */
TEST(pinned_dimm_beyond_the_host_drops_addr)
{
	const struct hg_pf_conflict *c;

	ASSERT_EQ(0, pinned_dimm_guest("0x9000000000"));
	ASSERT_EQ(0, check_width(39));
	c = conflict_on("d1");
	ASSERT_NE(NULL, c);
	EXPECT_NE(NULL, strstr(c->fix.qemu, "pc-dimm,id=d1,memdev=m1 without addr="))
		TH_LOG("%s", c->fix.qemu);
	EXPECT_NE(NULL, strstr(c->fix.libvirt, "without <address type='dimm'"));
	/* applied: the dimm fits; the hotplug region gets maxmem */
	g.dimms[0].has_addr = false;
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(NULL, conflict_on("d1"));
	c = conflict_on("hotplug");
	ASSERT_NE(NULL, c);
	EXPECT_STREQ("-m 1024M,slots=2,maxmem=507G", c->fix.qemu);
}

/* QEMU ignores host-phys-bits under TCG: 40 bits, and 1 TiB is refused. */
TEST(tcg_ignores_host_phys_bits)
{
	const char *tcg[] = {
		"-M", "q35", "-cpu", "max,host-phys-bits=on", "-m",
		"2G,slots=1,maxmem=1T", "-device", "vfio-pci,host=01:00.0",
		NULL,
	};
	const char *kvm[] = {
		"-M", "q35,accel=kvm", "-cpu", "max,host-phys-bits=on", "-m",
		"2G,slots=1,maxmem=1T", "-device", "vfio-pci,host=01:00.0",
		NULL,
	};

	ASSERT_EQ(0, argv_guest(tcg));
	EXPECT_EQ(40, hg_pf_cpu_phys_bits(&g));
	EXPECT_TRUE(noted("applies it under KVM only"));
	ASSERT_EQ(0, check_width(48));
	EXPECT_NE(NULL, strstr(rep.layout.refused, "phys-bits=40"))
		TH_LOG("%s", rep.layout.refused);
	EXPECT_FALSE(rep.fits);
	ASSERT_EQ(0, argv_guest(kvm));
	EXPECT_EQ(46, hg_pf_cpu_phys_bits(&g));
	ASSERT_EQ(0, check_width(48));
	EXPECT_EQ(0, rep.layout.refused[0]);
}

TEST(intel_iommu_wider_than_the_host)
{
	const char *argv[] = {
		"-M", "q35", "-m", "2G", "-device", "intel-iommu,aw-bits=48",
		"-device", "vfio-pci,host=01:00.0", NULL,
	};

	ASSERT_EQ(0, argv_guest(argv));
	ASSERT_EQ(0, check_width(39));
	ASSERT_EQ(1, rep.n_conflicts);
	EXPECT_EQ(HG_PF_FATAL, rep.conflicts[0].severity);
	EXPECT_NE(NULL, strstr(rep.conflicts[0].fix.qemu,
			       "intel-iommu,aw-bits=39"));
	EXPECT_STREQ("<iommu model='intel'><driver aw_bits='39'/></iommu>",
		     rep.conflicts[0].fix.libvirt);
	/* before 6.5.0 libvirt has no aw_bits for it */
	g.libvirt_version = 6004000;
	ASSERT_EQ(0, check_width(39));
	EXPECT_STREQ("<qemu:commandline><qemu:arg value='-global'/><qemu:arg value='intel-iommu.aw-bits=39'/></qemu:commandline>",
		     rep.conflicts[0].fix.libvirt);
	ASSERT_EQ(0, check_width(48));
	EXPECT_TRUE(rep.fits);
}

TEST(virtio_iommu_hazard_needs_a_shared_group)
{
	const char *shared[] = {
		"-M", "q35", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device",
		"virtio-iommu-pci,aw-bits=64", NULL,
	};
	const char *single[] = {
		"-M", "q35", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device",
		"virtio-iommu-pci,aw-bits=64", NULL,
	};

	ASSERT_EQ(0, argv_guest(shared));
	ASSERT_EQ(0, check_width(39));
	ASSERT_EQ(1, rep.n_conflicts);
	EXPECT_EQ(HG_PF_HAZARD, rep.conflicts[0].severity);
	EXPECT_NE(NULL, strstr(rep.conflicts[0].fix.qemu, "aw-bits=39"));
	EXPECT_NE(NULL, strstr(rep.conflicts[0].alt.qemu, "pcie-root-port"));
	/* a QEMU id takes no ':' */
	EXPECT_NE(NULL, strstr(rep.conflicts[0].alt.qemu,
			       "id=rp-0000-01-00-0,"));
	ASSERT_EQ(0, argv_guest(single));
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(0, rep.n_conflicts);
}

/*
 * virtio-iommu without aw-bits: 39 bits on q35 from QEMU 9.0, but machine
 * types 8.2 and older keep 64 (QEMU's hw_compat_8_2), and a QEMU before
 * 9.0 has no aw-bits at all, so its range is 64 bits and the fix is
 * intel-iommu in its place.
 */
TEST(virtio_default_width_per_machine_type_and_qemu)
{
	const char *old_type[] = {
		"-M", "pc-q35-8.2", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device", "virtio-iommu-pci",
		NULL,
	};
	const char *new_type[] = {
		"-M", "pc-q35-9.0", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device", "virtio-iommu-pci",
		NULL,
	};
	struct hg_qemu_caps qemu72;
	struct hg_err err = { 0 };

	ASSERT_EQ(0, argv_guest(old_type));
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(64, rep.layout.aperture_bits);
	ASSERT_EQ(1, rep.n_conflicts);
	EXPECT_EQ(HG_PF_HAZARD, rep.conflicts[0].severity);
	EXPECT_NE(NULL, strstr(rep.conflicts[0].fix.qemu,
			       "virtio-iommu-pci,aw-bits=39"));
	ASSERT_EQ(0, argv_guest(new_type));
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(39, rep.layout.aperture_bits);
	EXPECT_EQ(0, rep.n_conflicts);

	/* QEMU 7.2, on the new machine type's command line all the same */
	ASSERT_EQ(0, hg_qemu_caps_from_version("7.2", &qemu72, &err));
	ASSERT_EQ(0, argv_guest(new_type));
	g.qemu = &qemu72;
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(64, rep.layout.aperture_bits);
	ASSERT_EQ(1, rep.n_conflicts);
	EXPECT_NE(NULL, strstr(rep.conflicts[0].fix.qemu,
			       "-device intel-iommu,intremap=on,caching-mode=on,aw-bits=39 in place of virtio-iommu-pci")) {
		TH_LOG("%s", rep.conflicts[0].fix.qemu);
	}
	EXPECT_EQ(NULL, strstr(rep.conflicts[0].fix.qemu, "-device virtio-iommu-pci,"));
	EXPECT_STREQ("<iommu model='intel'><driver aw_bits='39'/></iommu>",
		     rep.conflicts[0].fix.libvirt);
}

/* The virtio-iommu fix in the form the user's libvirt takes. */
TEST(virtio_aw_bits_fix_follows_the_libvirt_version)
{
	const char *shared[] = {
		"-M", "q35", "-m", "2G", "-device",
		"pcie-root-port,id=rp1,chassis=1,disable-acs=on", "-device",
		"vfio-pci,host=01:00.0,bus=rp1", "-device",
		"virtio-iommu-pci,aw-bits=64", NULL,
	};
	static const struct {
		unsigned long version;
		const char *xml;
	} forms[] = {
		{ 12001000, "<iommu model='virtio'><driver aw_bits='39'/></iommu>" },
		{ 11003000, "<iommu model='virtio'/> and <qemu:override><qemu:device alias='iommu0'><qemu:frontend><qemu:property name='aw-bits' type='unsigned' value='39'/></qemu:frontend></qemu:device></qemu:override>" },
		{ 0, "<iommu model='virtio'/> and <qemu:override><qemu:device alias='iommu0'>" },
		{ 8000000, "<qemu:commandline><qemu:arg value='-device'/><qemu:arg value='virtio-iommu-pci,aw-bits=39'/></qemu:commandline>" },
	};
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		ASSERT_EQ(0, argv_guest(shared));
		g.libvirt_version = forms[i].version;
		ASSERT_EQ(0, check_width(39));
		ASSERT_EQ(1, rep.n_conflicts);
		EXPECT_EQ(0, strncmp(rep.conflicts[0].fix.libvirt,
				     forms[i].xml, strlen(forms[i].xml)))
			TH_LOG("%lu: %s", forms[i].version,
			       rep.conflicts[0].fix.libvirt);
	}
}

/* No cap drops a region or a conflict without saying so. */
TEST(no_silent_caps_on_regions_and_conflicts)
{
	struct hg_pf_host hosts[HG_PF_DEVICES_MAX];
	struct hg_err err = { 0 };
	char words[80][48];
	const char *argv[90];
	size_t n = 0, i;

	/* 16 dimms, the 64-bit BARs and a vIOMMU: 21 regions */
	argv[n++] = "-M";
	argv[n++] = "q35";
	argv[n++] = "-cpu";
	argv[n++] = "max,phys-bits=41";
	argv[n++] = "-m";
	argv[n++] = "4G,slots=16,maxmem=40G";
	for (i = 0; i < HG_PF_DIMMS_MAX; i++) {
		snprintf(words[2 * i], sizeof(words[0]),
			 "memory-backend-ram,id=m%zu,size=128M", i);
		snprintf(words[2 * i + 1], sizeof(words[0]),
			 "pc-dimm,id=d%zu,memdev=m%zu", i, i);
		argv[n++] = "-object";
		argv[n++] = words[2 * i];
		argv[n++] = "-device";
		argv[n++] = words[2 * i + 1];
	}
	argv[n++] = "-device";
	argv[n++] = "intel-iommu,aw-bits=48";
	argv[n++] = "-device";
	argv[n++] = "vfio-pci,host=01:00.0";
	argv[n] = NULL;
	ASSERT_EQ(0, argv_guest(argv));
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(HG_PF_DIMMS_MAX + 5, rep.layout.n_regions);
	EXPECT_EQ(HG_PF_APERTURE,
		  rep.layout.regions[rep.layout.n_regions - 1].kind);

	/* 16 devices, each with RAM, hotplug and BARs beyond: 48 conflicts */
	n = 0;
	argv[n++] = "-M";
	argv[n++] = "q35";
	argv[n++] = "-m";
	argv[n++] = "600G,slots=1,maxmem=1T";
	for (i = 0; i < HG_PF_DEVICES_MAX; i++) {
		snprintf(words[i], sizeof(words[0]), "vfio-pci,host=01:%02zx.0",
			 i);
		argv[n++] = "-device";
		argv[n++] = words[i];
	}
	argv[n] = NULL;
	ASSERT_EQ(0, argv_guest(argv));
	for (i = 0; i < HG_PF_DEVICES_MAX; i++)
		ASSERT_EQ(0, hg_pf_host_from_width(&hosts[i], g.devices[i].host,
						   39, &err));
	ASSERT_EQ(0, hg_pf_check(&g, hosts, HG_PF_DEVICES_MAX, &rep, &err));
	for (i = 0; i < HG_PF_DEVICES_MAX; i++)
		hg_pf_host_free(&hosts[i]);
	EXPECT_EQ(HG_PF_CONFLICTS_MAX, rep.n_conflicts);
	EXPECT_LT(0, rep.n_unlisted);
	EXPECT_FALSE(rep.fits);
}

TEST(a_small_guest_fits)
{
	const char *argv[] = {
		"-M", "pc", "-m", "3G", "-device", "vfio-pci,host=01:00.0",
		NULL,
	};

	ASSERT_EQ(0, argv_guest(argv));
	ASSERT_EQ(0, check_width(39));
	EXPECT_EQ(0, rep.n_conflicts);
	EXPECT_TRUE(rep.fits);
}

TEST(host_cpu_from_cpuinfo)
{
	hg_pf_guest_init(&g);
	hg_pf_host_cpu_parse(&g, "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
				"address sizes\t: 48 bits physical, 48 bits virtual\n");
	EXPECT_EQ(48, g.host_cpu_phys_bits);
	EXPECT_TRUE(g.host_vendor_set);
	EXPECT_EQ(HG_PF_VENDOR_AMD, g.host_vendor);
	snprintf(g.cpu_model, sizeof(g.cpu_model), "host");
	EXPECT_EQ(48, hg_pf_cpu_phys_bits(&g));
	EXPECT_EQ(HG_PF_VENDOR_AMD, hg_pf_cpu_vendor(&g));
}

TEST_HARNESS_MAIN
