/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The mlx5ctl device a guest test program works on: the path given on the
 * command line or the first /dev/mlx5ctl-*, and sysfs writes for unbinding
 * its PCI function.  Header-only, like cxtest.h; tap_open_dev() needs
 * cxtest.h included first.
 */
#ifndef MLX5CTL_DEV_H
#define MLX5CTL_DEV_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char dev_path[PATH_MAX];

static inline int open_dev(void)
{
	return open(dev_path, O_RDWR | O_CLOEXEC);
}

/* the first /dev/mlx5ctl-* into dev_path */
static inline int find_dev(void)
{
	struct dirent *de;
	DIR *d = opendir("/dev");

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "mlx5ctl-", 8)) {
			snprintf(dev_path, sizeof(dev_path), "/dev/%s",
				 de->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -ENOENT;
}

#ifdef CXTEST_H
/*
 * A TAP program's device: argv[1] or the first /dev/mlx5ctl-*, opened as
 * the first result.  The fd, or -1 after a "Bail out!" line.
 */
static inline int tap_open_dev(int argc, char **argv)
{
	int fd;

	if (argc > 1)
		snprintf(dev_path, sizeof(dev_path), "%s", argv[1]);
	else if (find_dev()) {
		printf("Bail out! no /dev/mlx5ctl-* device\n");
		return -1;
	}
	fd = open_dev();
	ok(fd >= 0, "open %s", dev_path);
	if (fd < 0)
		printf("Bail out! %s\n", strerror(errno));
	return fd;
}
#endif

/* the PCI function of dev_path (its bus address, e.g. 0000:00:03.0) */
static inline int dev_pci_name(char *pci, size_t len)
{
	char link[PATH_MAX + 64], real[PATH_MAX];
	const char *base;

	snprintf(link, sizeof(link), "/sys/class/misc/%s/device/..",
		 dev_path + 5);
	if (!realpath(link, real))
		return -errno;
	base = strrchr(real, '/');
	if ((size_t)snprintf(pci, len, "%s", base ? base + 1 : real) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

#endif
