// SPDX-License-Identifier: GPL-2.0
/*
 * hostgeom explain's reasoning: config-space parsing (PCIe type, ACS) and
 * the isolation verdict, on crafted config spaces and a synthetic sysfs
 * path root port -> PCIe-to-PCI bridge -> endpoint.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/pci.h>

#include "fake_sysfs.h"
#include "kselftest_harness.h"

#define EXP_POS 0x40
#define ACS_POS 0x100

enum { ENDPOINT = 0x0, ROOT_PORT = 0x4, DOWNSTREAM = 0x6, PCIE_TO_PCI = 0x7 };

struct cfg {
	uint8_t b[4096];
};

static void put16(struct cfg *c, size_t off, uint16_t v)
{
	c->b[off] = v & 0xff;
	c->b[off + 1] = v >> 8;
}

static void put32(struct cfg *c, size_t off, uint32_t v)
{
	put16(c, off, v & 0xffff);
	put16(c, off + 2, v >> 16);
}

/* A PCIe function of @type; @acs_cap/@acs_ctrl < 0: no ACS capability. */
static void pcie(struct cfg *c, int type, bool bridge, bool mfd, int acs_cap,
		 int acs_ctrl)
{
	memset(c, 0, sizeof(*c));
	put16(c, 0x00, 0x1b36);
	put16(c, 0x02, 0x000c);
	put16(c, 0x06, 0x0010);			/* capability list */
	c->b[0x0e] = (bridge ? 1 : 0) | (mfd ? 0x80 : 0);
	c->b[0x34] = EXP_POS;
	c->b[EXP_POS] = 0x10;			/* PCI Express */
	c->b[EXP_POS + 1] = 0;
	put16(c, EXP_POS + 2, 0x2 | type << 4);
	if (acs_cap >= 0) {
		put32(c, ACS_POS, 0x000d | 1 << 16);	/* ACS, v1, last */
		put16(c, ACS_POS + 4, acs_cap);
		put16(c, ACS_POS + 6, acs_ctrl);
	}
}

static void conventional(struct cfg *c, bool mfd)
{
	memset(c, 0, sizeof(*c));
	put16(c, 0x00, 0x1234);
	put16(c, 0x02, 0x11e8);
	c->b[0x0e] = mfd ? 0x80 : 0;
}

static struct hg_pci_hop parse(struct __test_metadata *_metadata,
			       const struct cfg *c, size_t len)
{
	struct hg_pci_hop hop = { .bdf = "0000:00:00.0" };
	struct hg_err err = { 0 };

	EXPECT_EQ(0, hg_pci_parse_config(c->b, len, &hop, &err)) {
		TH_LOG("%s", err.msg);
	}
	return hop;
}

TEST(root_port_with_full_acs_isolates)
{
	struct cfg c;
	struct hg_pci_hop hop;

	pcie(&c, ROOT_PORT, true, false, 0x1f, 0x1d);
	hop = parse(_metadata, &c, sizeof(c.b));
	EXPECT_EQ(HG_PCI_ROOT_PORT, hop.role);
	EXPECT_TRUE(hop.is_pcie);
	EXPECT_TRUE(hop.has_acs);
	EXPECT_EQ(0x1f, hop.acs_cap);
	EXPECT_EQ(0x1d, hop.acs_ctrl);
	EXPECT_TRUE(hop.isolates);
	EXPECT_FALSE(hop.aliases);
}

TEST(acs_without_upstream_forwarding_does_not_isolate)
{
	struct cfg c;

	pcie(&c, ROOT_PORT, true, false, 0x1f, 0x0d);	/* UF off */
	EXPECT_FALSE(parse(_metadata, &c, sizeof(c.b)).isolates);
}

TEST(acs_bits_the_port_lacks_are_not_required)
{
	struct cfg c;

	pcie(&c, DOWNSTREAM, true, false, 0x0d, 0x0d);	/* no UF capability */
	EXPECT_TRUE(parse(_metadata, &c, sizeof(c.b)).isolates);
}

TEST(pcie_to_pci_bridge_aliases)
{
	struct cfg c;
	struct hg_pci_hop hop;

	pcie(&c, PCIE_TO_PCI, true, false, -1, 0);
	hop = parse(_metadata, &c, sizeof(c.b));
	EXPECT_EQ(HG_PCI_PCIE_TO_PCI_BRIDGE, hop.role);
	EXPECT_TRUE(hop.aliases);
	EXPECT_FALSE(hop.has_acs);
}

TEST(header_only_pcie_config_needs_root)
{
	struct hg_pci_hop hop = { .bdf = "0000:00:1c.0" };
	struct hg_err err = { 0 };
	struct cfg c;

	pcie(&c, ROOT_PORT, true, false, 0x1f, 0x1f);
	EXPECT_EQ(-EACCES, hg_pci_parse_config(c.b, 64, &hop, &err));
	EXPECT_NE(NULL, strstr(err.msg, "run as root"));
	EXPECT_NE(NULL, strstr(err.msg, "0000:00:1c.0"));
}

TEST(truncated_config_is_an_error)
{
	struct hg_pci_hop hop = { .bdf = "0000:00:02.0" };
	struct hg_err err = { 0 };
	struct cfg c;

	conventional(&c, false);
	EXPECT_EQ(-EINVAL, hg_pci_parse_config(c.b, 32, &hop, &err));
}

TEST(capability_loops_end)
{
	struct hg_pci_hop hop;
	struct cfg c;

	conventional(&c, false);
	put16(&c, 0x06, 0x0010);
	c.b[0x34] = 0x50;
	c.b[0x50] = 0x05;		/* MSI, next -> itself */
	c.b[0x51] = 0x50;
	hop = parse(_metadata, &c, 256);
	EXPECT_FALSE(hop.is_pcie);
	EXPECT_EQ(HG_PCI_ENDPOINT, hop.role);
}

TEST(extended_capability_loops_end)
{
	struct hg_pci_hop hop;
	struct cfg c;

	pcie(&c, ROOT_PORT, true, false, -1, 0);
	put32(&c, ACS_POS, 0x0001 | 0x100 << 20);	/* AER, next -> itself */
	hop = parse(_metadata, &c, sizeof(c.b));
	EXPECT_FALSE(hop.has_acs);
}

static struct hg_pci_hop hop_of(struct __test_metadata *_metadata,
				const struct cfg *c, const char *bdf)
{
	struct hg_pci_hop hop = parse(_metadata, c, sizeof(c->b));

	snprintf(hop.bdf, sizeof(hop.bdf), "%s", bdf);
	return hop;
}

TEST(verdicts)
{
	struct hg_pci_hop path[3];
	struct cfg rp_acs, rp_noacs, bridge, ep, ep_mfd, ep_mfd_acs, pci_ep;
	size_t at = 99;

	pcie(&rp_acs, ROOT_PORT, true, false, 0x1f, 0x1f);
	pcie(&rp_noacs, ROOT_PORT, true, false, -1, 0);
	pcie(&bridge, PCIE_TO_PCI, true, false, -1, 0);
	pcie(&ep, ENDPOINT, false, false, -1, 0);
	pcie(&ep_mfd, ENDPOINT, false, true, -1, 0);
	pcie(&ep_mfd_acs, ENDPOINT, false, true, 0x1f, 0x1f);
	conventional(&pci_ep, false);

	/* root port with ACS -> endpoint: alone */
	path[0] = hop_of(_metadata, &rp_acs, "0000:00:1c.0");
	path[1] = hop_of(_metadata, &ep, "0000:01:00.0");
	EXPECT_EQ(HG_PCI_ISOLATED, hg_pci_isolation(path, 2, &at));

	/* disable-acs=on root port: the endpoint joins the port's group */
	path[0] = hop_of(_metadata, &rp_noacs, "0000:00:1c.0");
	EXPECT_EQ(HG_PCI_NO_ACS, hg_pci_isolation(path, 2, &at));
	EXPECT_EQ(0, at);

	/*
	 * root port without ACS above a downstream port with it: the device
	 * shares the root port's group, so the root port is the one named
	 */
	path[1] = hop_of(_metadata, &rp_acs, "0000:01:00.0");
	path[2] = hop_of(_metadata, &ep, "0000:02:00.0");
	at = 99;
	EXPECT_EQ(HG_PCI_NO_ACS, hg_pci_isolation(path, 3, &at));
	EXPECT_EQ(0, at);
	/* and the other way round: the lower port is the gap */
	path[0] = hop_of(_metadata, &rp_acs, "0000:00:1c.0");
	path[1] = hop_of(_metadata, &rp_noacs, "0000:01:00.0");
	EXPECT_EQ(HG_PCI_NO_ACS, hg_pci_isolation(path, 3, &at));
	EXPECT_EQ(1, at);

	/* behind a PCIe-to-PCI bridge: the bridge's alias wins */
	path[0] = hop_of(_metadata, &rp_acs, "0000:00:1c.0");
	path[1] = hop_of(_metadata, &bridge, "0000:01:00.0");
	path[2] = hop_of(_metadata, &pci_ep, "0000:02:01.0");
	EXPECT_EQ(HG_PCI_ALIAS, hg_pci_isolation(path, 3, &at));
	EXPECT_EQ(1, at);

	/* multifunction endpoint: without ACS its functions share */
	path[0] = hop_of(_metadata, &rp_acs, "0000:00:1c.0");
	path[1] = hop_of(_metadata, &ep_mfd, "0000:01:00.0");
	EXPECT_EQ(HG_PCI_MULTIFUNCTION, hg_pci_isolation(path, 2, &at));
	EXPECT_EQ(1, at);
	path[1] = hop_of(_metadata, &ep_mfd_acs, "0000:01:00.0");
	EXPECT_EQ(HG_PCI_ISOLATED, hg_pci_isolation(path, 2, &at));

	/* a device on the root bus (integrated, like q35's ICH9 functions) */
	path[0] = hop_of(_metadata, &ep, "0000:00:02.0");
	EXPECT_EQ(HG_PCI_ISOLATED, hg_pci_isolation(path, 1, &at));
}

TEST(acs_flag_names)
{
	char buf[64];

	hg_pci_acs_flags(0x001d, buf, sizeof(buf));
	EXPECT_STREQ("SV RR CR UF", buf);
	hg_pci_acs_flags(0, buf, sizeof(buf));
	EXPECT_STREQ("none", buf);
	hg_pci_acs_flags(0x7f, buf, 8);
	EXPECT_EQ(7, strlen(buf));
}

/* root port -> PCIe-to-PCI bridge -> conventional endpoint, in sysfs */
FIXTURE(sysfs_path) {
	struct fake_sysfs *fs;
};

/* Adds @name below @parent with config space @c. */
static int add_with_config(struct fake_sysfs *fs, const char *name,
			   const char *parent, const struct cfg *c)
{
	struct fake_dev dev = { .name = name, .parent = parent, .group = 1,
				.pci = true };
	int ret = fake_sysfs_add_dev(fs, &dev);

	return ret ? ret : fake_sysfs_dev_write(fs, name, "config", c->b,
						sizeof(c->b));
}

FIXTURE_SETUP(sysfs_path)
{
	struct cfg c;

	self->fs = fake_sysfs_create();
	ASSERT_NE(NULL, self->fs);
	ASSERT_EQ(0, fake_sysfs_add_group(self->fs, 1, "DMA", ""));
	pcie(&c, ROOT_PORT, true, false, 0x1f, 0x1f);
	ASSERT_EQ(0, add_with_config(self->fs, "0000:00:1c.0", NULL, &c));
	pcie(&c, PCIE_TO_PCI, true, false, -1, 0);
	ASSERT_EQ(0, add_with_config(self->fs, "0000:01:00.0", "0000:00:1c.0", &c));
	conventional(&c, false);
	ASSERT_EQ(0, add_with_config(self->fs, "0000:02:01.0", "0000:01:00.0", &c));
}

FIXTURE_TEARDOWN(sysfs_path)
{
	fake_sysfs_destroy(self->fs);
}

TEST_F(sysfs_path, walks_from_the_root)
{
	struct hg_ctx ctx = { .sysfs = fake_sysfs_root(self->fs) };
	struct hg_err err = { 0 };
	struct hg_pci_hop *hops = NULL;
	size_t n = 0, at;

	ASSERT_EQ(0, hg_pci_path(&ctx, "0000:02:01.0", &hops, &n, &err)) {
		TH_LOG("%s", err.msg);
	}
	ASSERT_EQ(3, n);
	EXPECT_STREQ("0000:00:1c.0", hops[0].bdf);
	EXPECT_EQ(HG_PCI_ROOT_PORT, hops[0].role);
	EXPECT_STREQ("0000:01:00.0", hops[1].bdf);
	EXPECT_EQ(HG_PCI_PCIE_TO_PCI_BRIDGE, hops[1].role);
	EXPECT_STREQ("0000:02:01.0", hops[2].bdf);
	EXPECT_EQ(0x11e8, hops[2].device);
	EXPECT_EQ(HG_PCI_ALIAS, hg_pci_isolation(hops, n, &at));
	EXPECT_EQ(1, at);
	free(hops);
}

TEST_F(sysfs_path, unknown_device_names_the_fix)
{
	struct hg_ctx ctx = { .sysfs = fake_sysfs_root(self->fs) };
	struct hg_err err = { 0 };
	struct hg_pci_hop *hops = NULL;
	size_t n = 0;

	EXPECT_EQ(-ENODEV, hg_pci_path(&ctx, "0000:09:00.0", &hops, &n, &err));
	EXPECT_NE(NULL, strstr(err.msg, "lspci -D"));
	EXPECT_EQ(NULL, hops);
}

/* A pipe as a bridge's config space: refused at once, nothing returned. */
TEST_F_TIMEOUT(sysfs_path, fifo_config_refused, 10)
{
	struct hg_ctx ctx = { .sysfs = fake_sysfs_root(self->fs) };
	struct hg_err err = { 0 };
	struct hg_pci_hop *hops = NULL;
	char path[256];
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/config",
		 fake_sysfs_dev_path(self->fs, "0000:01:00.0"));
	ASSERT_EQ(0, fake_sysfs_replace(self->fs, path, FAKE_FIFO));
	EXPECT_GT(0, hg_pci_path(&ctx, "0000:02:01.0", &hops, &n, &err));
	EXPECT_NE(NULL, strstr(err.msg, "0000:01:00.0/config: not a regular file")) {
		TH_LOG("%s", err.msg);
	}
	EXPECT_EQ(NULL, hops);
	EXPECT_EQ(0, n);
}

TEST_HARNESS_MAIN
