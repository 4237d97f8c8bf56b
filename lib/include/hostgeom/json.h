/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON forms of the library's objects (json-c). Addresses and masks are
 * "0x..." strings, never JSON numbers: JSON numbers lose precision above
 * 2^53. The schema is documented in hostgeom(1), Documentation/hostgeom.1.
 */
#ifndef HOSTGEOM_JSON_H
#define HOSTGEOM_JSON_H

#include <stdint.h>

#include <json-c/json.h>

#include <hostgeom/range.h>
#include <hostgeom/sysfs.h>

#define HG_JSON_SCHEMA_VERSION 1

/*
 * Every builder returns a new reference, or NULL when memory runs out.
 * Keys are always present; what is absent is null.
 */

/* "0x%llx": lower case, no padding. */
json_object *hg_json_hex(uint64_t value);
/*
 * Parses "0x..." back (1 to 16 significant hex digits, nothing else);
 * -EINVAL when @obj is not such a string.
 */
int hg_json_get_hex(json_object *obj, uint64_t *value);
/* {"start": hex, "end": hex}, end inclusive. */
json_object *hg_json_range(uint64_t start, uint64_t end);
/* [range...] */
json_object *hg_json_ranges(const struct hg_ranges *set);
/* [{"start": hex, "end": hex, "type": "msi"}...], end inclusive. */
json_object *hg_json_resv(const struct hg_resv *resv, size_t n);
/*
 * {"name": str, "pci": bool, "vendor": "0x8086"|null, "device":
 * "0x29c0"|null, "class": "0x060000"|null, "driver": str|null,
 * "vfio_cdev": "vfio0"|null}
 */
json_object *hg_json_device(const struct hg_device *dev);
/* {"id": int, "type": str|null, "devices": [device...], "reserved_regions": [resv...]} */
json_object *hg_json_group(const struct hg_group *group);
/* [group...], sorted by id */
json_object *hg_json_topology(const struct hg_topology *topo);

#endif
