// SPDX-License-Identifier: GPL-2.0
/*
 * Group viability as VFIO sees it: a group may be used when no member is
 * driven by a kernel driver that does its own DMA and at least one member
 * is vfio-bound.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hostgeom/vfio_policy.h>

bool hg_driver_is_vfio(const char *driver)
{
	size_t len = strlen(driver);

	return !strncmp(driver, "vfio-", 5) ||
	       (len > 9 && !strcmp(driver + len - 9, "_vfio_pci"));
}

/*
 * Drivers that leave DMA ownership to VFIO (driver_managed_dma in the
 * kernel): vfio-pci and its variant drivers, the other vfio bus drivers,
 * pci-stub and the PCIe port driver. Any other bound driver makes the group
 * "not viable"; an unbound device does not.
 */
bool hg_driver_lets_vfio_own(const char *driver)
{
	static const char *const allowed[] = {
		"pci-stub", "pcieport", "fsl-pci",
	};
	size_t i;

	if (!driver[0] || hg_driver_is_vfio(driver))
		return true;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(driver, allowed[i]))
			return true;
	return false;
}

static bool selected(const struct hg_device *d, enum hg_member_filter filter)
{
	if (filter == HG_MEMBERS_IN_THE_WAY)
		return !hg_driver_lets_vfio_own(d->driver);
	return !hg_driver_is_vfio(d->driver);
}

/* Room kept for " and 99999 more" in a list that does not fit. */
#define MORE_ROOM 16

/* One member as hg_group_members() lists it, into @entry. */
static size_t member_entry(const struct hg_device *d,
			   enum hg_member_filter filter, bool first,
			   char *entry, size_t len)
{
	bool drivers = filter == HG_MEMBERS_IN_THE_WAY;
	int w = snprintf(entry, len, "%s%s%s%s%s",
			 first ? "" : drivers ? ", " : ",", d->name,
			 drivers ? " (" : "", drivers ? d->driver : "",
			 drivers ? ")" : "");

	return w > 0 ? (size_t)w : 0;
}

size_t hg_group_members(const struct hg_group *group,
			enum hg_member_filter filter, char *buf, size_t len)
{
	size_t i, count = 0, shown = 0, used = 0, n;
	char entry[160];

	if (len)
		buf[0] = '\0';
	for (i = 0; i < group->n_members; i++) {
		const struct hg_device *d = &group->members[i];

		if (!selected(d, filter))
			continue;
		count++;
		n = member_entry(d, filter, !shown, entry, sizeof(entry));
		/* Whole names only, and room left to say how many are not. */
		if (shown + 1 != count || used + n + MORE_ROOM >= len)
			continue;
		memcpy(buf + used, entry, n + 1);
		used += n;
		shown++;
	}
	if (shown < count && filter == HG_MEMBERS_IN_THE_WAY && len > used)
		snprintf(buf + used, len - used, "%sand %zu more",
			 shown ? " " : "", count - shown);
	return count;
}

size_t hg_group_vfio_members(const struct hg_group *group,
			     const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < group->n_members; i++)
		if (hg_driver_is_vfio(group->members[i].driver)) {
			if (n < max)
				names[n] = group->members[i].name;
			n++;
		}
	return n;
}

/* Appends as snprintf would: @used counts past a full buffer. */
static size_t __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t used, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(used < len ? buf + used : NULL,
		      used < len ? len - used : 0, fmt, ap);
	va_end(ap);
	return used + (w > 0 ? (size_t)w : 0);
}

/* The verb after the members in the way, for one or several. */
static const char in_the_way_one[] = " is bound to a kernel driver";
static const char in_the_way_many[] = " are bound to kernel drivers";

size_t hg_group_vfio_why(const struct hg_group *group, char *why, size_t len)
{
	size_t i, blockers = 0, used = 0;
	const struct hg_device *d;
	char entry[160];

	if (!why)
		len = 0;
	if (len)
		why[0] = '\0';
	for (i = 0; i < group->n_members; i++) {
		d = &group->members[i];
		if (!selected(d, HG_MEMBERS_IN_THE_WAY))
			continue;
		/* every one, however many */
		member_entry(d, HG_MEMBERS_IN_THE_WAY, !blockers++, entry,
			     sizeof(entry));
		used = append(why, len, used, "%s", entry);
	}
	if (blockers)
		return append(why, len, used, "%s", blockers > 1 ?
			      in_the_way_many : in_the_way_one);
	if (!hg_group_vfio_members(group, NULL, 0))
		return append(why, len, 0, "no member is bound to vfio-pci");
	return 0;
}

/* In a fixed buffer: whole names, " and N more", then the verb. */
bool hg_group_vfio_ready(const struct hg_group *group, char *why, size_t len)
{
	size_t blockers, room;

	blockers = hg_group_members(group, HG_MEMBERS_IN_THE_WAY, NULL, 0);
	if (blockers) {
		/* The list is cut, never the verb after it. */
		room = len > sizeof(in_the_way_many) ?
		       len - sizeof(in_the_way_many) + 1 : 0;
		if (why && room) {
			hg_group_members(group, HG_MEMBERS_IN_THE_WAY, why,
					 room);
			strcat(why, blockers > 1 ? in_the_way_many :
			       in_the_way_one);
		}
		return false;
	}
	return !hg_group_vfio_why(group, why, len);
}
