/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HOSTGEOM_SELFTESTS_KLOG_H
#define HOSTGEOM_SELFTESTS_KLOG_H

#include <stddef.h>

/*
 * The kernel log from a point on, one message a line: /dev/kmsg read from
 * its end, or, where it cannot be opened, klogctl()'s buffer without the
 * lines that were there before.
 */
struct klog {
	int fd;
	size_t skip;		/* klogctl: lines before klog_open() */
	char *text;
	size_t len;
};

/* From now on; klog_close() when done. */
void klog_open(struct klog *k);

/* From the oldest line the kernel still holds; klog_close() when done. */
void klog_open_all(struct klog *k);

/*
 * The lines since klog_open() holding @a and @b: how many, the first in
 * @first (when not NULL).
 */
unsigned int klog_grep(struct klog *k, const char *a, const char *b,
		       char *first, size_t len);

/*
 * The kernel's time stamp, in microseconds, of the first line since
 * klog_open() holding @a and @b: -1 when there is none or the time is not
 * known (klogctl()).
 */
long long klog_when(struct klog *k, const char *a, const char *b);

void klog_close(struct klog *k);

#endif
