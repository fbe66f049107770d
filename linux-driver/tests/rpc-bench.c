// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * rpc-bench: firmware RPCs per second through the mlx5ctl device, as a
 * ratio to an ioctl that never reaches the device (MLX5CTL_IOCTL_INFO)
 * measured in the same run.  Prints one line of figures:
 *
 *	rpc-bench [DEVICE] [SECONDS]
 *	mode=<label> info_per_s=N nop_per_s=N ratio=R
 *
 * The label is $RPC_BENCH_MODE (the suite sets cxcore's poll_mode and
 * names it).  A figure, not a test: nothing here is asserted.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "../include/uapi/misc/mlx5ctl.h"
#include "mlx5ctl-dev.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Calls of @fn in @secs seconds, per second; -1 on the first failure. */
static double rate(int fd, double secs, int (*fn)(int fd))
{
	double start = now(), end = start + secs, t;
	long n = 0;

	do {
		for (int i = 0; i < 64; i++, n++)
			if (fn(fd))
				return -1;
		t = now();
	} while (t < end);
	return n / (t - start);
}

static int do_info(int fd)
{
	struct mlx5ctl_info inf;

	return ioctl(fd, MLX5CTL_IOCTL_INFO, &inf);
}

static int do_nop(int fd)
{
	uint8_t in[16] = { 0x08, 0x0d }, out[16];
	struct mlx5ctl_cmdrpc rpc = {
		.in = (uintptr_t)in, .out = (uintptr_t)out,
		.inlen = sizeof(in), .outlen = sizeof(out),
	};

	if (ioctl(fd, MLX5CTL_IOCTL_CMDRPC, &rpc))
		return -1;
	return out[0];		/* the firmware's status */
}

int main(int argc, char **argv)
{
	const char *mode = getenv("RPC_BENCH_MODE");
	double secs = argc > 2 ? atof(argv[2]) : 3, info_rate, nop_rate;
	int fd;

	if (argc > 1 && argv[1][0])
		snprintf(dev_path, sizeof(dev_path), "%s", argv[1]);
	else if (find_dev())
		return fprintf(stderr, "rpc-bench: no /dev/mlx5ctl-*\n"), 1;
	fd = open_dev();
	if (fd < 0)
		return perror(dev_path), 1;
	info_rate = rate(fd, secs, do_info);
	nop_rate = rate(fd, secs, do_nop);
	if (info_rate <= 0 || nop_rate <= 0)
		return fprintf(stderr, "rpc-bench: an ioctl failed\n"), 1;
	printf("mode=%s info_per_s=%.0f nop_per_s=%.0f ratio=%.4f\n",
	       mode ? mode : "?", info_rate, nop_rate, nop_rate / info_rate);
	return 0;
}
