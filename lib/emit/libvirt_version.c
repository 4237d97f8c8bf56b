// SPDX-License-Identifier: GPL-2.0
/*
 * Which libvirt is installed: the programs say it themselves ("libvirtd
 * (libvirt) 11.3.0", "11.3.0" from virsh). The daemon comes first since it
 * is the one that parses a domain's XML.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/libvirt_version.h>

#include "internal.h"

#define VERSION_PART_MAX 999
/* a --version that has not answered by then never will */
#define VERSION_TIMEOUT_MS 5000

static const char *const version_programs[] = {
	"virtqemud", "libvirtd", "virsh"
};

static int not_a_version(const char *s, struct hg_err *err)
{
	return hg_err_set(err, -EINVAL,
			  "libvirt version '%.40s' is not MAJOR.MINOR[.MICRO] (for example 11.3.0, as 'virsh version' shows it)",
			  s);
}

int hg_libvirt_version_parse(const char *s, unsigned long *version,
			     struct hg_err *err)
{
	unsigned long part[3] = { 0, 0, 0 };
	const char *p = s;
	char *end;
	int n;

	for (n = 0; n < 3; n++) {
		if (!isdigit((unsigned char)*p))
			return not_a_version(s, err);
		errno = 0;
		part[n] = strtoul(p, &end, 10);
		if (errno || part[n] > VERSION_PART_MAX)
			return not_a_version(s, err);
		p = end;
		if (*p != '.')
			break;
		p++;
	}
	if (*p || n < 1)
		return not_a_version(s, err);
	*version = HG_LIBVIRT_VERSION(part[0], part[1], part[2]);
	return 0;
}

void hg_libvirt_version_str(unsigned long version, char *buf, size_t len)
{
	if (!version) {
		snprintf(buf, len, "unknown");
		return;
	}
	snprintf(buf, len, "%lu.%lu.%lu", version / 1000000,
		 version / 1000 % 1000, version % 1000);
}

/* Runs "@prog --version"; its first output line into @buf. */
static int run_version(const char *prog, char *buf, size_t len)
{
	char *argv[] = { (char *)prog, "--version", NULL };
	int ret = hg_emit_run(argv, buf, len, VERSION_TIMEOUT_MS);

	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

/* The last word of @line: "libvirtd (libvirt) 11.3.0" gives 11.3.0. */
static int version_of_line(const char *line, unsigned long *version)
{
	const char *word = strrchr(line, ' ');

	return hg_libvirt_version_parse(word ? word + 1 : line, version, NULL);
}

int hg_libvirt_installed_version(unsigned long *version, const char **from,
				 struct hg_err *err)
{
	char line[256];
	size_t i;

	for (i = 0; i < sizeof(version_programs) / sizeof(*version_programs);
	     i++) {
		if (run_version(version_programs[i], line, sizeof(line)) ||
		    version_of_line(line, version))
			continue;
		*from = version_programs[i];
		return 0;
	}
	return hg_err_set(err, -ENOENT,
			  "no libvirt found: none of virtqemud, libvirtd and virsh in PATH answered --version with a version");
}
