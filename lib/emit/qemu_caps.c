// SPDX-License-Identifier: GPL-2.0
/*
 * Which QEMU, and what its vIOMMU devices take. A binary answers for itself:
 * "--version" gives "QEMU emulator version 7.2.22 (...)", and
 * "-device NAME,help" lists NAME's properties one per line ("  aw-bits=<uint8>
 * ..."), or prints nothing (exit 0) when the binary has no such device.
 * Without a binary, only the versions the kit ran are known (the table).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hostgeom/qemu_caps.h>

#include "internal.h"

/* "-device NAME,help" lists some 60 properties; "--version" two lines */
#define HELP_MAX 16384
/*
 * A QEMU run over 9p in a TCG test guest took over 10 s to print its
 * version with the host loaded (vm_geometry_test, kselftest-debian-6.12).
 */
#define QEMU_TIMEOUT_MS 30000
#define VERSION_PART_MAX 999

/*
 * The versions the kit ran, each asked with -device NAME,help: Debian 12's
 * own 7.2 and bookworm-backports' 10.0 (recorded in selftests/test_data/qemu).
 */
static const struct {
	unsigned int major, minor;
	bool virtio_aw_bits, virtio_granule, intel_aw_bits;
} known[] = {
	{ 7, 2, false, false, true },
	{ 10, 0, true, true, true },
};

static int parse_numbers(const char *s, struct hg_qemu_caps *caps,
			 const char **rest)
{
	unsigned int part[3] = { 0, 0, 0 };
	char *end;
	int n;

	for (n = 0; n < 3; n++) {
		unsigned long v;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || v > VERSION_PART_MAX)
			return -EINVAL;
		part[n] = (unsigned int)v;
		s = end;
		if (*s != '.' || n == 2)
			break;
		s++;
	}
	if (n < 1)
		return -EINVAL;
	caps->major = part[0];
	caps->minor = part[1];
	caps->micro = part[2];
	*rest = s;
	return 0;
}

int hg_qemu_caps_parse_version(const char *text, struct hg_qemu_caps *caps)
{
	static const char head[] = "QEMU emulator version ";
	const char *rest;

	if (strncmp(text, head, sizeof(head) - 1) ||
	    parse_numbers(text + sizeof(head) - 1, caps, &rest))
		return -EINVAL;
	return *rest == ' ' || *rest == '\n' || !*rest ? 0 : -EINVAL;
}

/* Whether one of @text's lines is "  @prop=..." */
static bool has_prop(const char *text, const char *prop)
{
	size_t n = strlen(prop);
	const char *line = text;

	while (line) {
		const char *p = line + strspn(line, " ");

		if (!strncmp(p, prop, n) && p[n] == '=')
			return true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

/* Whether @text is "-device @driver,help"'s list ("@driver options:") */
static bool lists_device(const char *text, const char *driver)
{
	size_t n = strlen(driver);

	return text && !strncmp(text, driver, n) &&
	       !strncmp(text + n, " options:", 9);
}

void hg_qemu_caps_parse_device(struct hg_qemu_caps *caps, const char *driver,
			       const char *text)
{
	bool there = lists_device(text, driver);

	if (!strcmp(driver, "virtio-iommu-pci")) {
		caps->virtio_iommu = there;
		caps->virtio_aw_bits = there && has_prop(text, "aw-bits");
		caps->virtio_granule = there && has_prop(text, "granule");
	} else if (!strcmp(driver, "intel-iommu")) {
		caps->intel_iommu = there;
		caps->intel_aw_bits = there && has_prop(text, "aw-bits");
	} else if (!strcmp(driver, "vfio-pci")) {
		caps->vfio_pci = there;
	}
}

static int ask(const char *binary, const char *arg1, const char *arg2,
	       char *buf)
{
	char *argv[] = { (char *)binary, (char *)arg1, (char *)arg2, NULL };

	return hg_emit_run(argv, buf, HELP_MAX, QEMU_TIMEOUT_MS);
}

static int probe(const char *binary, struct hg_qemu_caps *caps, char *buf,
		 struct hg_err *err)
{
	static const char *const drivers[] = {
		"virtio-iommu-pci", "intel-iommu", "vfio-pci"
	};
	char arg[64];
	size_t i;
	int ret;

	ret = ask(binary, "--version", NULL, buf);
	if (ret == -ENOENT || ret == -EACCES)
		return hg_err_set(err, ret, "QEMU binary '%s': %s", binary,
				  strerror(-ret));
	if (ret == -ENOEXEC)
		return hg_err_set(err, ret,
				  "QEMU binary '%s' cannot run on this machine (%s): a binary of another architecture?",
				  binary, strerror(-ret));
	if (ret == -ETIMEDOUT)
		return hg_err_set(err, -EINVAL,
				  "'%s' is not QEMU: '%s --version' did not answer within %d s",
				  binary, binary, QEMU_TIMEOUT_MS / 1000);
	if (ret)
		return hg_err_set(err, -EINVAL,
				  "'%s' is not QEMU: '%s --version' failed", binary,
				  binary);
	if (hg_qemu_caps_parse_version(buf, caps)) {
		buf[strcspn(buf, "\n")] = '\0';
		return hg_err_set(err, -EINVAL,
				  "'%s' is not QEMU: its --version says '%.60s', not 'QEMU emulator version X.Y.Z'",
				  binary, buf);
	}
	for (i = 0; i < sizeof(drivers) / sizeof(*drivers); i++) {
		snprintf(arg, sizeof(arg), "%s,help", drivers[i]);
		ret = ask(binary, "-device", arg, buf);
		hg_qemu_caps_parse_device(caps, drivers[i], ret ? NULL : buf);
	}
	if (!caps->virtio_iommu || !caps->vfio_pci)
		return hg_err_set(err, -EINVAL,
				  "QEMU %u.%u.%u '%s' has no %s%s%s ('-device NAME,help' lists no properties): the kit's options need both",
				  caps->major, caps->minor, caps->micro, binary,
				  caps->virtio_iommu ? "" : "virtio-iommu-pci",
				  !caps->virtio_iommu && !caps->vfio_pci ? " and no " : "",
				  caps->vfio_pci ? "" : "vfio-pci");
	return 0;
}

int hg_qemu_caps_probe(const char *binary, struct hg_qemu_caps *caps,
		       struct hg_err *err)
{
	char *buf = malloc(HELP_MAX);
	int ret;

	memset(caps, 0, sizeof(*caps));
	if (!buf)
		return hg_err_set(err, -ENOMEM, "out of memory");
	snprintf(caps->binary, sizeof(caps->binary), "%s", binary);
	caps->source = "binary";
	ret = probe(binary, caps, buf, err);
	free(buf);
	return ret;
}

int hg_qemu_caps_from_version(const char *version, struct hg_qemu_caps *caps,
			      struct hg_err *err)
{
	const char *rest;
	size_t i;

	memset(caps, 0, sizeof(*caps));
	if (parse_numbers(version, caps, &rest) || *rest)
		return hg_err_set(err, -EINVAL,
				  "QEMU version '%.40s' is not MAJOR.MINOR[.MICRO] (for example 7.2, as 'qemu-system-x86_64 --version' shows it)",
				  version);
	for (i = 0; i < sizeof(known) / sizeof(*known); i++) {
		if (known[i].major != caps->major ||
		    known[i].minor != caps->minor)
			continue;
		caps->source = "table";
		caps->virtio_iommu = caps->vfio_pci = caps->intel_iommu = true;
		caps->virtio_aw_bits = known[i].virtio_aw_bits;
		caps->virtio_granule = known[i].virtio_granule;
		caps->intel_aw_bits = known[i].intel_aw_bits;
		return 0;
	}
	return hg_err_set(err, -ENOENT,
			  "no table for QEMU %u.%u (the kit has 7.2 and 10.0): give its binary with --qemu BINARY, whose properties are then read from it",
			  caps->major, caps->minor);
}

void hg_qemu_caps_str(const struct hg_qemu_caps *caps, char *buf, size_t len)
{
	if (caps->binary[0])
		snprintf(buf, len, "%u.%u.%u (%s)", caps->major, caps->minor,
			 caps->micro, caps->binary);
	else
		snprintf(buf, len, "%u.%u (given)", caps->major, caps->minor);
}

bool hg_qemu_caps_at_least(const struct hg_qemu_caps *caps,
			   unsigned int major, unsigned int minor)
{
	return caps->major > major ||
	       (caps->major == major && caps->minor >= minor);
}
