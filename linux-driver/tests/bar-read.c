// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bar-read: print big-endian 32-bit registers of a PCI memory BAR, read
 * through the function's sysfs resource file (no /dev/mem: the guest
 * kernel has none, and a BAR offset needs no physical address).
 *
 *   bar-read PCI BAR OFFSET...
 *
 * PCI is the function's address (0000:00:03.0), BAR its number, each
 * OFFSET a byte offset in the BAR (decimal or 0x hex, 4-byte aligned).
 * The values are printed in decimal on one line, in the order asked, one
 * 32-bit load each.  The guest suites read the cxsim statistics window
 * with it (tap.sh fw_stats).  Exit status: 0 ok, 1 the BAR cannot be
 * mapped, 2 bad arguments.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: bar-read PCI BAR OFFSET...\n");
	return 2;
}

int main(int argc, char **argv)
{
	char path[256];
	struct stat st;
	void *bar;
	char *end;
	int fd, i;

	if (argc < 4 || strchr(argv[1], '/') ||
	    strspn(argv[2], "0123456789") != strlen(argv[2]) || !*argv[2])
		return usage();
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%s",
		 argv[1], argv[2]);
	fd = open(path, O_RDONLY | O_SYNC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0) {
		fprintf(stderr, "bar-read: %s: %s\n", path,
			fd < 0 ? strerror(errno) : "no memory BAR");
		return 1;
	}
	bar = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		fprintf(stderr, "bar-read: mmap %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	for (i = 3; i < argc; i++) {
		unsigned long off;

		errno = 0;
		off = strtoul(argv[i], &end, 0);
		if (errno || end == argv[i] || *end || off % 4 ||
		    off > (unsigned long)st.st_size - 4) {
			fprintf(stderr, "bar-read: bad offset %s (BAR size 0x%llx)\n",
				argv[i], (unsigned long long)st.st_size);
			return 2;
		}
		printf("%s%u", i > 3 ? " " : "",
		       be32toh(*(volatile uint32_t *)((char *)bar + off)));
	}
	printf("\n");
	munmap(bar, st.st_size);
	close(fd);
	return 0;
}
