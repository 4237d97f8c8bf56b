// SPDX-License-Identifier: GPL-2.0
/*
 * The capability chain of a VFIO_IOMMU_GET_INFO answer. The buffer comes
 * from the kernel (or a test), so every offset and count is checked before
 * it is used: a chain that loops, points into the fixed part or past the
 * end, or a capability too short for its own count, is an error.
 */
#include <errno.h>
#include <string.h>

#include <linux/vfio.h>

#include <hostgeom/vfio_type1.h>

void hg_type1_info_free(struct hg_type1_info *info)
{
	hg_ranges_free(&info->iova);
	memset(info, 0, sizeof(*info));
}

/* The kernel's buffer need not be aligned for us: copy, never cast. */
static int cap_fetch(const unsigned char *buf, size_t len, size_t off,
		     void *cap, size_t size, const char *name,
		     struct hg_err *err)
{
	if (size > len - off)
		return hg_err_set(err, -EPROTO,
				  "VFIO_IOMMU_GET_INFO: %s capability at offset %zu needs %zu bytes, only %zu left in the %zu-byte answer",
				  name, off, size, len - off, len);
	memcpy(cap, buf + off, size);
	return 0;
}

static int parse_iova_range(const unsigned char *buf, size_t len, size_t off,
			    struct hg_type1_info *out, struct hg_err *err)
{
	struct vfio_iommu_type1_info_cap_iova_range cap = { 0 };
	struct vfio_iova_range r;
	size_t i, room;
	int ret;

	if (out->have_iova_ranges)
		return hg_err_set(err, -EPROTO,
				  "VFIO_IOMMU_GET_INFO: a second IOVA range capability at offset %zu",
				  off);
	ret = cap_fetch(buf, len, off, &cap, sizeof(cap), "IOVA range", err);
	if (ret)
		return ret;
	/* Divide rather than multiply: nr_iovas comes from the kernel. */
	room = (len - off - sizeof(cap)) / sizeof(r);
	if (cap.nr_iovas > room)
		return hg_err_set(err, -EPROTO,
				  "VFIO_IOMMU_GET_INFO: IOVA range capability at offset %zu claims %u ranges, the %zu-byte answer holds at most %zu",
				  off, cap.nr_iovas, len, room);
	out->have_iova_ranges = true;
	for (i = 0; i < cap.nr_iovas; i++) {
		memcpy(&r, buf + off + sizeof(cap) + i * sizeof(r), sizeof(r));
		if (r.start > r.end)
			return hg_err_set(err, -EPROTO,
					  "VFIO_IOMMU_GET_INFO: IOVA range %zu starts at 0x%llx after its end 0x%llx",
					  i, (unsigned long long)r.start,
					  (unsigned long long)r.end);
		ret = hg_ranges_add(&out->iova, r.start, r.end);
		if (ret)
			return hg_err_set(err, ret, "out of memory");
	}
	return 0;
}

static int parse_cap(const unsigned char *buf, size_t len, size_t off,
		     unsigned int id, struct hg_type1_info *out,
		     struct hg_err *err)
{
	struct vfio_iommu_type1_info_cap_migration mig;
	struct vfio_iommu_type1_info_dma_avail avail;
	int ret;

	switch (id) {
	case VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE:
		return parse_iova_range(buf, len, off, out, err);
	case VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION:
		ret = cap_fetch(buf, len, off, &mig, sizeof(mig), "migration",
				err);
		if (ret)
			return ret;
		out->have_migration = true;
		out->mig_flags = mig.flags;
		out->mig_pgsize_bitmap = mig.pgsize_bitmap;
		out->mig_max_dirty_bitmap_size = mig.max_dirty_bitmap_size;
		return 0;
	case VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL:
		ret = cap_fetch(buf, len, off, &avail, sizeof(avail),
				"DMA available", err);
		if (ret)
			return ret;
		out->have_dma_avail = true;
		out->dma_avail = avail.avail;
		return 0;
	}
	return 0;	/* newer kernels may add capabilities: skip them */
}

static int walk_caps(const unsigned char *buf, size_t len, size_t off,
		     struct hg_type1_info *out, struct hg_err *err)
{
	const size_t fixed = sizeof(struct vfio_iommu_type1_info);
	struct vfio_info_cap_header hdr;
	size_t prev = 0;
	int ret;

	while (off) {
		if (off < fixed)
			return hg_err_set(err, -EPROTO,
					  "VFIO_IOMMU_GET_INFO: capability offset %zu points into the %zu-byte fixed part",
					  off, fixed);
		/*
		 * The kernel appends capabilities, so each next lies past
		 * the previous header: anything else is a loop.
		 */
		if (prev && off < prev + sizeof(hdr))
			return hg_err_set(err, -EPROTO,
					  "VFIO_IOMMU_GET_INFO: capability at offset %zu points back to offset %zu (a loop)",
					  prev, off);
		if (off > len || sizeof(hdr) > len - off)
			return hg_err_set(err, -EPROTO,
					  "VFIO_IOMMU_GET_INFO: capability header at offset %zu lies outside the %zu-byte answer",
					  off, len);
		memcpy(&hdr, buf + off, sizeof(hdr));
		ret = parse_cap(buf, len, off, hdr.id, out, err);
		if (ret)
			return ret;
		prev = off;
		off = hdr.next;
	}
	return 0;
}

int hg_type1_parse_info(const void *buf, size_t len, struct hg_type1_info *out,
			struct hg_err *err)
{
	struct vfio_iommu_type1_info info;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(info))
		return hg_err_set(err, -EPROTO,
				  "VFIO_IOMMU_GET_INFO: answer of %zu bytes is shorter than struct vfio_iommu_type1_info (%zu)",
				  len, sizeof(info));
	memcpy(&info, buf, sizeof(info));
	out->pgsizes = info.iova_pgsizes;
	if (!(info.flags & VFIO_IOMMU_INFO_CAPS))
		return 0;
	ret = walk_caps(buf, len, info.cap_offset, out, err);
	if (ret)
		hg_type1_info_free(out);
	return ret;
}
