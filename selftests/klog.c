// SPDX-License-Identifier: GPL-2.0
/* The kernel log from a point on, for the tests that look for its words. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "klog.h"

/* klogctl()'s whole buffer, NUL-terminated (NULL when unreadable). */
static char *klog_buffer(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), got;
	char *buf;

	if (size <= 0 || !(buf = calloc(1, (size_t)size + 1)))
		return NULL;
	got = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	buf[got > 0 ? got : 0] = '\0';
	return buf;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * One line of k->text: "USEC;TEXT\n", USEC the kernel's time stamp in
 * microseconds ("-" where klogctl() gave the line).
 */
static void klog_add(struct klog *k, const char *ts, size_t tn,
		     const char *line, size_t n)
{
	char *grown = realloc(k->text, k->len + tn + n + 3);

	if (!grown)
		return;
	k->text = grown;
	memcpy(k->text + k->len, ts, tn);
	k->len += tn;
	k->text[k->len++] = ';';
	memcpy(k->text + k->len, line, n);
	k->len += n;
	k->text[k->len++] = '\n';
	k->text[k->len] = '\0';
}

void klog_open(struct klog *k)
{
	char *buf;

	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd >= 0) {
		lseek(k->fd, 0, SEEK_END);
		return;
	}
	buf = klog_buffer();
	k->skip = count_lines(buf);
	free(buf);
}

void klog_open_all(struct klog *k)
{
	memset(k, 0, sizeof(*k));
	/* a fresh reader of /dev/kmsg starts at the oldest record */
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* Takes in what the kernel logged since the last call. */
static void klog_read(struct klog *k)
{
	char rec[2048], *msg, *ts, *buf, *line;
	size_t i = 0;
	ssize_t n;

	if (k->fd < 0) {
		buf = klog_buffer();
		k->len = 0;
		for (line = buf; line && *line; i++) {
			n = strcspn(line, "\n");
			if (i >= k->skip)
				klog_add(k, "-", 1, line, n);
			line += n + (line[n] == '\n');
		}
		free(buf);
		return;
	}
	for (;;) {
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten meanwhile: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		/* "prio,seq,usec,flags;text": the time kept with the text */
		ts = strchr(rec, ',');
		ts = ts ? strchr(ts + 1, ',') : NULL;
		if (msg && ts && ts < msg)
			klog_add(k, ts + 1, strcspn(ts + 1, ",;"), msg + 1,
				  strcspn(msg + 1, "\n"));
	}
}

/*
 * The lines since klog_open() holding @a and @b: how many, the first in
 * @first (when not NULL).
 */
static unsigned int klog_find(struct klog *k, const char *a, const char *b,
			      char *first, size_t len, long long *usec)
{
	unsigned int n = 0;
	char *line, *end, *text;

	klog_read(k);
	for (line = k->text; line && *line; line = end + 1) {
		/* Every line ends with a newline (klog_add()). */
		end = strchr(line, '\n');
		*end = '\0';
		text = strchr(line, ';') + 1;
		if (strstr(text, a) && strstr(text, b) && !n++) {
			if (first)
				snprintf(first, len, "%s", text);
			if (usec)
				*usec = *line == '-' ? -1 : atoll(line);
		}
		*end = '\n';
	}
	return n;
}

unsigned int klog_grep(struct klog *k, const char *a, const char *b,
		       char *first, size_t len)
{
	return klog_find(k, a, b, first, len, NULL);
}

long long klog_when(struct klog *k, const char *a, const char *b)
{
	long long usec = -1;

	klog_find(k, a, b, NULL, 0, &usec);
	return usec;
}

void klog_close(struct klog *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->text);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}
