// SPDX-License-Identifier: GPL-2.0
/*
 * A real driver's own DMA beside a group member's RMRR: a network card
 * that shares an IOMMU group with the PCIe port in front of it (no ACS)
 * and has an RMRR of its own where the IOVA allocator starts (the
 * vtd39-rmrr-nic rows: 0xfffc0000-0xffffffff, e820-reserved by SeaBIOS).
 * The port sets up the group's DMA domain first; unless every member's
 * regions are reserved, the card's rings are mapped inside its RMRR when
 * its link goes up: 6.12's VT-d then says "DMA PTE for vPFN ... already
 * set" (and WARNs) for each page, 7.3 refuses the mappings and the link
 * does not come up. With the fix the rings go below the RMRR, silently.
 *
 * It changes a link's state: it runs only in a scripts/vm-run guest
 * (HOSTGEOM_IN_VM=1), as root; elsewhere, or without such a card, it
 * skips. The link is put back down on every exit path.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klog.h"

#define NET_CLASS "/sys/class/net"
/* intel-iommu's words for a mapping over a present PTE */
#define PTE_SET "already set"

/* The group of @ifname's PCI device has 2+ members and a direct region. */
static bool in_shared_group_with_rmrr(const char *ifname, char *why,
				      size_t len)
{
	char path[PATH_MAX], line[256];
	bool direct = false;
	int members = 0;
	struct dirent *d;
	FILE *f;
	DIR *dir;

	snprintf(path, sizeof(path), NET_CLASS "/%s/device/iommu_group/devices",
		 ifname);
	dir = opendir(path);
	if (!dir) {
		snprintf(why, len, "%s: no IOMMU group", ifname);
		return false;
	}
	while ((d = readdir(dir)))
		members += d->d_name[0] != '.';
	closedir(dir);
	snprintf(path, sizeof(path),
		 NET_CLASS "/%s/device/iommu_group/reserved_regions", ifname);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		direct |= strstr(line, " direct\n") != NULL;
	if (f)
		fclose(f);
	snprintf(why, len, "%s: a group of %d with%s a direct region", ifname,
		 members, direct ? "" : "out");
	return members >= 2 && direct;
}

FIXTURE(nic) {
	char ifname[IFNAMSIZ];
	int sock;
	struct klog klog;	/* from the set-up on */
	short flags;		/* as found, put back in the teardown */
};

FIXTURE_SETUP(nic)
{
	const char *vm = getenv("HOSTGEOM_IN_VM");
	char why[256] = "no network interface";
	struct ifreq ifr = { 0 };
	struct dirent *d;
	DIR *dir;

	self->sock = -1;
	self->klog.fd = -1;
	if (!vm || strcmp(vm, "1"))
		SKIP(return, "brings a link up: runs only in a scripts/vm-run guest (HOSTGEOM_IN_VM=1)");
	if (geteuid())
		SKIP(return, "brings a link up: needs root");
	dir = opendir(NET_CLASS);
	while (dir && (d = readdir(dir)) && !self->ifname[0])
		if (d->d_name[0] != '.' && strlen(d->d_name) < IFNAMSIZ &&
		    in_shared_group_with_rmrr(d->d_name, why, sizeof(why)))
			memcpy(self->ifname, d->d_name, strlen(d->d_name) + 1);
	if (dir)
		closedir(dir);
	if (!self->ifname[0])
		SKIP(return, "no network card shares an IOMMU group that has a direct region (the vtd39-rmrr-nic rows give one); last seen: %s",
		     why);
	/* Any socket reaches the interface ioctls; the kit's kernel has no INET. */
	self->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->sock);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", self->ifname);
	ASSERT_EQ(0, ioctl(self->sock, SIOCGIFFLAGS, &ifr));
	self->flags = ifr.ifr_flags;
	klog_open(&self->klog);
}

FIXTURE_TEARDOWN(nic)
{
	struct ifreq ifr = { 0 };

	if (self->sock >= 0) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", self->ifname);
		ifr.ifr_flags = self->flags;
		if (ioctl(self->sock, SIOCSIFFLAGS, &ifr))
			TH_LOG("teardown: %s's flags not restored: %s",
			       self->ifname, strerror(errno));
		close(self->sock);
	}
	klog_close(&self->klog);
}

TEST_F(nic, rings_are_mapped_outside_the_rmrr_of_their_card)
{
	struct timespec settle = { 1, 0 };
	struct ifreq ifr = { 0 };
	char first[512] = "";
	int up, err = 0, set;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", self->ifname);
	ifr.ifr_flags = self->flags | IFF_UP;
	up = ioctl(self->sock, SIOCSIFFLAGS, &ifr);
	if (up)
		err = errno;
	nanosleep(&settle, NULL);
	set = klog_grep(&self->klog, PTE_SET, "", first, sizeof(first));
	TH_LOG("%s up: %s; \"%s\" messages: %d%s%s", self->ifname,
	       up ? strerror(err) : "yes", PTE_SET, set, set ? ", first: " : "",
	       first);
	EXPECT_EQ(0, set) {
		TH_LOG("%s's rings were mapped over its own RMRR's identity mapping",
		       self->ifname);
	}
	EXPECT_EQ(0, up) {
		TH_LOG("%s did not come up (its DMA mappings failed?): %s",
		       self->ifname, strerror(err));
	}
}

TEST_HARNESS_MAIN
