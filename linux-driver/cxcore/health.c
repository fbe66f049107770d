// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Health polling.  Every 2 s, from ENABLE_HCA to DISABLE_HCA, read the
 * initialization segment's health counter, which a live firmware keeps
 * incrementing.  Three polls in a row without a change mean the firmware
 * may be hung: warn once, and again only after it moved in between.  The
 * same work reports a new non-zero health syndrome, notices a device that
 * reads all-ones (surprise removal: the command interface is then marked
 * down so that commands fail at once), and reclaims command slots whose
 * timed-out command the device has completed since.
 */
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/workqueue.h>

#include "priv.h"

#define CXCORE_HEALTH_PERIOD_MS		2000
#define CXCORE_HEALTH_MAX_MISSES	3
#define CXCORE_DEVICE_GONE		0xffffffff

static void cxcore_health_report_synd(struct cxcore_dev *dev, u8 synd)
{
	struct health_buffer __iomem *h = &dev->iseg->health;

	dev_err(&dev->pdev->dev,
		"firmware health syndrome 0x%x (ext 0x%x), assert_exit_ptr 0x%08x, assert_callra 0x%08x, irisc %u, fw_ver 0x%08x\n",
		synd, ioread16be(&h->ext_synd),
		ioread32be(&h->assert_exit_ptr), ioread32be(&h->assert_callra),
		ioread8(&h->irisc_index), ioread32be(&h->fw_ver));
}

static void cxcore_health_poll(struct work_struct *work)
{
	struct cxcore_health *health =
		container_of(to_delayed_work(work), struct cxcore_health, work);
	struct cxcore_dev *dev = container_of(health, struct cxcore_dev, health);
	u32 count;
	u8 synd;

	if (ioread32be(&dev->iseg->health.fw_ver) == CXCORE_DEVICE_GONE) {
		if (!health->gone_reported) {
			dev_err(&dev->pdev->dev,
				"device does not respond (reads all-ones); failing commands from now on\n");
			health->gone_reported = true;
			cxcore_cmd_set_down(dev);
		}
		goto requeue;
	}

	count = ioread32be(&dev->iseg->health_counter);
	if (count == health->last_count) {
		if (++health->misses == CXCORE_HEALTH_MAX_MISSES &&
		    !health->stuck_reported) {
			dev_warn(&dev->pdev->dev,
				 "health counter stuck at 0x%x for %u polls (%u ms apart): firmware may be hung\n",
				 count, health->misses, CXCORE_HEALTH_PERIOD_MS);
			health->stuck_reported = true;
		}
	} else {
		if (health->stuck_reported)
			dev_info(&dev->pdev->dev, "health counter moving again\n");
		health->misses = 0;
		health->stuck_reported = false;
		health->last_count = count;
	}

	synd = ioread8(&dev->iseg->health.synd);
	if (synd && synd != health->last_synd)
		cxcore_health_report_synd(dev, synd);
	health->last_synd = synd;

	cxcore_cmd_reap_stale(dev, false);
requeue:
	schedule_delayed_work(&health->work,
			      msecs_to_jiffies(CXCORE_HEALTH_PERIOD_MS));
}

void cxcore_health_start(struct cxcore_dev *dev)
{
	struct cxcore_health *health = &dev->health;

	INIT_DELAYED_WORK(&health->work, cxcore_health_poll);
	health->last_count = ioread32be(&dev->iseg->health_counter);
	health->misses = 0;
	health->stuck_reported = false;
	health->last_synd = 0;
	health->gone_reported = false;
	health->running = true;
	schedule_delayed_work(&health->work,
			      msecs_to_jiffies(CXCORE_HEALTH_PERIOD_MS));
}

void cxcore_health_stop(struct cxcore_dev *dev)
{
	if (!dev->health.running)
		return;
	cancel_delayed_work_sync(&dev->health.work);
	dev->health.running = false;
}
