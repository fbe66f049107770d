// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Device nodes: finding them in sysfs, opening them, and the ioctls of the
 * two ABIs behind one small interface (info, rpc, umem).
 *
 * An mlx5ctl node is a misc device, /sys/class/misc/mlx5ctl-<auxdev>,
 * whose parent is the auxiliary device (cxcore.ctl.N) whose parent is the
 * PCI function.  A fwctl node is /sys/class/fwctl/fwctlN; mlx5_fwctl
 * gives it the PCI function as its parent.  Both are found by walking up
 * from the node's "device" link, by the "subsystem" of each directory.
 * Listing and finding nodes only reads sysfs: it opens nothing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fwctl/fwctl.h>
#include <fwctl/mlx5.h>
#include "../../include/uapi/misc/mlx5ctl.h"
#include "cxctl.h"

#define SYS_MISC	"/sys/class/misc"
#define SYS_FWCTL	"/sys/class/fwctl"

#define PCI_VENDOR_MELLANOX	0x15b3

const char *cx_kind_name(enum cx_kind kind)
{
	return kind == CX_KIND_FWCTL ? "fwctl" : "mlx5ctl";
}

const char *cx_fwctl_type_name(int type)
{
	switch (type) {
	case FWCTL_DEVICE_TYPE_MLX5: return "MLX5";
	case FWCTL_DEVICE_TYPE_CXL: return "CXL";
	case FWCTL_DEVICE_TYPE_BNXT: return "BNXT";
	case FWCTL_DEVICE_TYPE_PDS: return "PDS";
	}
	return "unknown";
}

/* strlcpy: truncating to @size - 1 characters */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* basename of the target of the symlink @dir/@link, "" if none */
static void link_name(const char *dir, const char *link, char *buf,
		      size_t size)
{
	char path[PATH_MAX + 32], real[PATH_MAX];
	const char *slash;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, link);
	if (!realpath(path, real))
		return;
	slash = strrchr(real, '/');
	copy_str(buf, size, slash ? slash + 1 : real);
}

/*
 * Fill @node's auxiliary device, driver and PCI function from the sysfs
 * directory @sysdir of its class device.
 */
static void node_parents(struct cx_node *node, const char *sysdir)
{
	char dir[PATH_MAX], link[PATH_MAX + 16], subsys[64], *slash;

	snprintf(link, sizeof(link), "%s/device", sysdir);
	if (!realpath(link, dir))
		return;
	while (strncmp(dir, "/sys/devices/", 13) == 0) {
		link_name(dir, "subsystem", subsys, sizeof(subsys));
		slash = strrchr(dir, '/');
		if (!strcmp(subsys, "auxiliary") && !node->auxdev[0]) {
			copy_str(node->auxdev, sizeof(node->auxdev), slash + 1);
			link_name(dir, "driver", node->driver,
				  sizeof(node->driver));
		} else if (!strcmp(subsys, "pci")) {
			copy_str(node->pci, sizeof(node->pci), slash + 1);
			if (!node->driver[0])
				link_name(dir, "driver", node->driver,
					  sizeof(node->driver));
			return;
		}
		*slash = '\0';
	}
}

/*
 * The fwctl device type without opening the node (an open creates a
 * firmware user context): MLX5 when the PCI function is Mellanox's.
 * FWCTL_INFO says it for sure once the node is open (cx_info).
 */
static int fwctl_type(const struct cx_node *node)
{
	char path[96], vendor[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
		 node->pci);
	f = node->pci[0] ? fopen(path, "r") : NULL;
	if (!f)
		return -ENODEV;
	if (!fgets(vendor, sizeof(vendor), f))
		vendor[0] = '\0';
	fclose(f);
	return strtoul(vendor, NULL, 16) == PCI_VENDOR_MELLANOX ?
	       FWCTL_DEVICE_TYPE_MLX5 : -ENODEV;
}

static void node_init(struct cx_node *node, enum cx_kind kind,
		      const char *name, const char *sysdir)
{
	memset(node, 0, sizeof(*node));
	node->kind = kind;
	copy_str(node->name, sizeof(node->name), name);
	snprintf(node->path, sizeof(node->path), "/dev/%s%s",
		 kind == CX_KIND_FWCTL ? "fwctl/" : "", name);
	node_parents(node, sysdir);
	node->fwctl_type = kind == CX_KIND_FWCTL ? fwctl_type(node) : 0;
}

static int name_filter_mlx5ctl(const struct dirent *de)
{
	return !strncmp(de->d_name, "mlx5ctl-", 8);
}

static int name_filter_fwctl(const struct dirent *de)
{
	return !strncmp(de->d_name, "fwctl", 5);
}

static int list_class(const char *classdir, enum cx_kind kind,
		      int (*filter)(const struct dirent *),
		      struct cx_node *nodes, int n, int max)
{
	char sysdir[PATH_MAX];
	struct dirent **names;
	int count, i;

	count = scandir(classdir, &names, filter, versionsort);
	if (count < 0)
		return n;
	for (i = 0; i < count; i++) {
		struct cx_node *node = &nodes[n];

		snprintf(sysdir, sizeof(sysdir), "%s/%s", classdir,
			 names[i]->d_name);
		if (n < max) {
			node_init(node, kind, names[i]->d_name, sysdir);
			/* fwctl devices of other vendors are not ours */
			if (kind != CX_KIND_FWCTL ||
			    node->fwctl_type == FWCTL_DEVICE_TYPE_MLX5)
				n++;
		}
		free(names[i]);
	}
	free(names);
	return n;
}

/* Every mlx5ctl node, then every mlx5 fwctl node: the number found. */
int cx_list(struct cx_node *nodes, int max)
{
	int n = list_class(SYS_MISC, CX_KIND_MLX5CTL, name_filter_mlx5ctl,
			   nodes, 0, max);

	return list_class(SYS_FWCTL, CX_KIND_FWCTL, name_filter_fwctl, nodes,
			  n, max);
}

/* A node given by its path: what sysfs says about its device number. */
static int resolve_path(const char *path, struct cx_node *node)
{
	char link[64], real[PATH_MAX], *slash;
	enum cx_kind kind = CX_KIND_MLX5CTL;
	struct stat st;

	memset(node, 0, sizeof(*node));
	if (stat(path, &st))
		return -errno;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u",
		 major(st.st_rdev), minor(st.st_rdev));
	if (S_ISCHR(st.st_mode) && realpath(link, real)) {
		slash = strrchr(real, '/');
		*slash = '\0';
		if (!strcmp(strrchr(real, '/'), "/fwctl"))
			kind = CX_KIND_FWCTL;
		*slash = '/';
		node_init(node, kind, slash + 1, real);
	} else {
		/* not a class device: the ioctls will say what it is */
		node->kind = kind;
		copy_str(node->name, sizeof(node->name), path);
	}
	copy_str(node->path, sizeof(node->path), path);
	return 0;
}

static bool node_matches(const struct cx_node *node, const char *spec)
{
	return !strcmp(node->name, spec) || !strcmp(node->pci, spec) ||
	       (node->auxdev[0] && !strcmp(node->auxdev, spec));
}

/*
 * @spec: a path (anything with a '/'), a node name (mlx5ctl-cxcore.ctl.0,
 * fwctl0), an auxiliary device (cxcore.ctl.0) or a PCI function
 * (0000:00:04.0); NULL: the first node.  mlx5ctl nodes come first.
 */
int cx_resolve(const char *spec, struct cx_node *node)
{
	static struct cx_node nodes[CX_MAX_NODES];
	int n, i;

	if (spec && strchr(spec, '/'))
		return resolve_path(spec, node);
	n = cx_list(nodes, CX_MAX_NODES);
	for (i = 0; i < n; i++) {
		if (!spec || node_matches(&nodes[i], spec)) {
			*node = nodes[i];
			return 0;
		}
	}
	return -ENOENT;
}

int cx_open(struct cx_dev *dev, const struct cx_node *node)
{
	dev->node = *node;
	dev->fd = open(node->path, O_RDWR | O_CLOEXEC);
	return dev->fd < 0 ? -errno : 0;
}

void cx_close(struct cx_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

static int fwctl_info(struct cx_dev *dev, struct cx_info *info)
{
	struct fwctl_info_mlx5 data = { 0 };
	struct fwctl_info fi = {
		.size = sizeof(fi),
		.device_data_len = sizeof(data),
		.out_device_data = (uintptr_t)&data,
	};

	if (ioctl(dev->fd, FWCTL_INFO, &fi))
		return -errno;
	if (fi.out_device_type != FWCTL_DEVICE_TYPE_MLX5)
		return -ENOTTY;
	info->uid = data.uid;
	info->uctx_cap = data.uctx_caps;
	return 0;
}

int cx_info(struct cx_dev *dev, struct cx_info *info)
{
	struct mlx5ctl_info mi = { 0 };

	memset(info, 0, sizeof(*info));
	if (dev->node.kind == CX_KIND_FWCTL)
		return fwctl_info(dev, info);
	if (ioctl(dev->fd, MLX5CTL_IOCTL_INFO, &mi))
		return -errno;
	info->uid = mi.uctx_uid;
	info->uctx_cap = mi.uctx_cap;
	info->has_dev_caps = true;
	info->dev_uctx_cap = mi.dev_uctx_cap;
	info->ucap = mi.ucap;
	return 0;
}

static int fwctl_rpc(struct cx_dev *dev, const void *in, uint32_t inlen,
		     void *out, uint32_t *outlen)
{
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = dev->scope,
		.in_len = inlen,
		.out_len = *outlen,
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
	};

	if (ioctl(dev->fd, FWCTL_RPC, &rpc))
		return -errno;
	if (rpc.out_len < *outlen)
		*outlen = rpc.out_len;
	return 0;
}

/* One command; *@outlen: the buffer's size, then the output's length. */
int cx_rpc(struct cx_dev *dev, const void *in, uint32_t inlen, void *out,
	   uint32_t *outlen)
{
	struct mlx5ctl_cmdrpc rpc = {
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
		.inlen = inlen,
		.outlen = *outlen,
	};

	if (dev->node.kind == CX_KIND_FWCTL)
		return fwctl_rpc(dev, in, inlen, out, outlen);
	return ioctl(dev->fd, MLX5CTL_IOCTL_CMDRPC, &rpc) ? -errno : 0;
}

/* fwctl has no user memory: the fwctl rule is that nothing outlives RPCs */
int cx_umem_reg(struct cx_dev *dev, void *addr, uint64_t len,
		uint32_t *umem_id)
{
	struct mlx5ctl_umem_reg reg = {
		.addr = (uintptr_t)addr,
		.len = len,
	};

	if (dev->node.kind == CX_KIND_FWCTL)
		return -EOPNOTSUPP;
	if (ioctl(dev->fd, MLX5CTL_IOCTL_UMEM_REG, &reg))
		return -errno;
	*umem_id = reg.umem_id;
	return 0;
}

int cx_umem_unreg(struct cx_dev *dev, uint32_t umem_id)
{
	struct mlx5ctl_umem_unreg unreg = { .umem_id = umem_id };

	if (dev->node.kind == CX_KIND_FWCTL)
		return -EOPNOTSUPP;
	return ioctl(dev->fd, MLX5CTL_IOCTL_UMEM_UNREG, &unreg) ? -errno : 0;
}
