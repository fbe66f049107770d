// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cxcore: PCI driver for cxsim, an emulated ConnectX-like function.
 *
 * Probe brings the function up in the order mlx5_core does (a subset of
 * it: no ports, no data path): PCI and BAR0, wait for the firmware, the
 * command queue, ENABLE_HCA, ISSI, boot pages, host endianness, general
 * capabilities, init pages, INIT_HCA, a UAR page, MSI-X, the command EQ
 * and event mode; then debugfs and the auxiliary device cxcore.ctl.N.
 * Each step records how far probe got (dev->stage); a failed probe and
 * remove undo the same steps in reverse from there.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "priv.h"

bool cxcore_poll_mode;
module_param_named(poll_mode, cxcore_poll_mode, bool, 0444);
MODULE_PARM_DESC(poll_mode,
		 "Complete commands by polling only; the command EQ is still created (default: events)");

#define CXCORE_FW_INIT_TIMEOUT_MS	120000
#define CXCORE_FW_INIT_WARN_MS		10000
#define CXCORE_ISEG_INITIALIZING	BIT(31)
#define CXCORE_ISEG_SIZE		sizeof(struct mlx5_init_seg)

static const struct pci_device_id cxcore_pci_ids[] = {
	{ PCI_VDEVICE(MELLANOX, 0x101d) },	/* cxsim (ConnectX-6 Dx id) */
	{ }
};
MODULE_DEVICE_TABLE(pci, cxcore_pci_ids);

struct device *cxcore_device(struct cxcore_dev *dev)
{
	return &dev->pdev->dev;
}
EXPORT_SYMBOL_NS_GPL(cxcore_device, "CXCORE");

void cxcore_fw_version(struct cxcore_dev *dev, u16 *major, u16 *minor,
		       u16 *subminor)
{
	u32 rev = ioread32be(&dev->iseg->fw_rev);

	*major = rev & 0xffff;
	*minor = rev >> 16;
	*subminor = ioread32be(&dev->iseg->cmdif_rev_fw_sub) & 0xffff;
}
EXPORT_SYMBOL_NS_GPL(cxcore_fw_version, "CXCORE");

static int cxcore_pci_init(struct cxcore_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	int err;

	err = pci_enable_device(pdev);
	if (err) {
		dev_err(&pdev->dev, "cannot enable the PCI device: %d\n", err);
		return err;
	}
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < CXCORE_ISEG_SIZE) {
		dev_err(&pdev->dev, "BAR0 is not a memory BAR of at least %zu bytes\n",
			CXCORE_ISEG_SIZE);
		err = -ENODEV;
		goto err_disable;
	}
	err = pci_request_regions(pdev, KBUILD_MODNAME);
	if (err) {
		dev_err(&pdev->dev, "cannot claim the BARs: %d\n", err);
		goto err_disable;
	}
	pci_set_master(pdev);

	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		dev_err(&pdev->dev, "cannot set a 64-bit DMA mask: %d\n", err);
		goto err_regions;
	}

	dev->bar_len = pci_resource_len(pdev, 0);
	dev->bar = pci_iomap(pdev, 0, 0);
	if (!dev->bar) {
		dev_err(&pdev->dev, "cannot map BAR0\n");
		err = -ENOMEM;
		goto err_regions;
	}
	dev->iseg = dev->bar;
	return 0;

err_regions:
	pci_clear_master(pdev);
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void cxcore_pci_cleanup(struct cxcore_dev *dev)
{
	pci_iounmap(dev->pdev, dev->bar);
	dev->bar = NULL;
	dev->iseg = NULL;
	pci_clear_master(dev->pdev);
	pci_release_regions(dev->pdev);
	pci_disable_device(dev->pdev);
}

/* The firmware clears "initializing" (bit 31 at 0x1fc) when it can work. */
static int cxcore_wait_fw_ready(struct cxcore_dev *dev)
{
	unsigned long start = jiffies, warned = jiffies;
	unsigned long end = start + msecs_to_jiffies(CXCORE_FW_INIT_TIMEOUT_MS);
	u32 val;

	for (;;) {
		val = ioread32be(&dev->iseg->initializing);
		if (val == 0xffffffff) {
			dev_err(&dev->pdev->dev,
				"device does not respond (initialization segment reads all-ones)\n");
			return -ENODEV;
		}
		if (!(val & CXCORE_ISEG_INITIALIZING))
			return 0;
		if (time_after(jiffies, end)) {
			dev_err(&dev->pdev->dev,
				"firmware still initializing after %u ms (0x%08x)\n",
				CXCORE_FW_INIT_TIMEOUT_MS, val);
			return -ETIMEDOUT;
		}
		if (time_after(jiffies, warned +
			       msecs_to_jiffies(CXCORE_FW_INIT_WARN_MS))) {
			dev_warn(&dev->pdev->dev,
				 "waiting for the firmware to initialize (%u ms)\n",
				 jiffies_to_msecs(jiffies - start));
			warned = jiffies;
		}
		msleep(20);
	}
}

static int cxcore_irq_alloc(struct cxcore_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	int max;

	/* vector 0 serves the command EQ; one more per CPU for later use */
	max = pci_msix_vec_count(pdev);
	if (max < 0) {
		dev_err(&pdev->dev, "no MSI-X capability: %d\n", max);
		return max;
	}
	max = min_t(int, max, num_online_cpus() + 1);
	dev->nvec = pci_alloc_irq_vectors(pdev, 1, max, PCI_IRQ_MSIX);
	if (dev->nvec < 0) {
		dev_err(&pdev->dev, "cannot allocate MSI-X vectors: %d\n",
			dev->nvec);
		return dev->nvec;
	}
	return 0;
}

static int cxcore_cmd_eq_start(struct cxcore_dev *dev)
{
	int err;

	err = cxcore_eq_create_cmd(dev);
	if (err)
		return err;
	if (!cxcore_poll_mode)
		cxcore_cmd_use_events(dev);
	return 0;
}

static const struct cxcore_step {
	const char *name;
	int (*run)(struct cxcore_dev *dev);
	enum cxcore_stage reached;
} cxcore_steps[] = {
	{ "PCI setup", cxcore_pci_init, CXCORE_STAGE_PCI },
	{ "firmware initialization", cxcore_wait_fw_ready, CXCORE_STAGE_PCI },
	{ "command interface", cxcore_cmd_init, CXCORE_STAGE_CMD },
	{ "ENABLE_HCA", cxcore_hca_enable, CXCORE_STAGE_ENABLED },
	{ "QUERY_ISSI/SET_ISSI", cxcore_hca_set_issi, CXCORE_STAGE_ENABLED },
	{ "boot pages", cxcore_pages_give_boot, CXCORE_STAGE_ENABLED },
	{ "host endianness", cxcore_hca_set_endianness, CXCORE_STAGE_ENABLED },
	{ "capabilities", cxcore_hca_setup_caps, CXCORE_STAGE_ENABLED },
	{ "init pages", cxcore_pages_give_init, CXCORE_STAGE_ENABLED },
	{ "INIT_HCA", cxcore_hca_init, CXCORE_STAGE_INITIALIZED },
	{ "ALLOC_UAR", cxcore_uar_alloc, CXCORE_STAGE_UAR },
	{ "MSI-X", cxcore_irq_alloc, CXCORE_STAGE_IRQ },
	{ "command EQ", cxcore_cmd_eq_start, CXCORE_STAGE_EQ },
	{ "debugfs", cxcore_debugfs_add, CXCORE_STAGE_DEBUGFS },
	{ "auxiliary device", cxcore_aux_add, CXCORE_STAGE_AUX },
};

/* Undo everything from dev->stage down. */
static void cxcore_unload(struct cxcore_dev *dev)
{
	bool reclaim = true;

	switch (dev->stage) {
	case CXCORE_STAGE_AUX:
		cxcore_aux_del(dev);
		fallthrough;
	case CXCORE_STAGE_DEBUGFS:
		cxcore_debugfs_remove(dev);
		fallthrough;
	case CXCORE_STAGE_EQ:
		cxcore_cmd_use_polling(dev);
		cxcore_eq_destroy_cmd(dev);
		fallthrough;
	case CXCORE_STAGE_IRQ:
		pci_free_irq_vectors(dev->pdev);
		fallthrough;
	case CXCORE_STAGE_UAR:
		cxcore_uar_free(dev);
		fallthrough;
	case CXCORE_STAGE_INITIALIZED:
		/* a running HCA keeps its pages: no use asking for them */
		reclaim = !cxcore_hca_teardown(dev);
		fallthrough;
	case CXCORE_STAGE_ENABLED:
		if (reclaim)
			cxcore_pages_reclaim(dev);
		cxcore_hca_disable(dev);
		fallthrough;
	case CXCORE_STAGE_CMD:
		/* no DMA from here on: free what the device may have held */
		pci_clear_master(dev->pdev);
		cxcore_eq_free(dev);
		cxcore_pages_free_all(dev);
		cxcore_cmd_cleanup(dev);
		fallthrough;
	case CXCORE_STAGE_PCI:
		cxcore_pci_cleanup(dev);
		fallthrough;
	case CXCORE_STAGE_NONE:
		break;
	}
	dev->stage = CXCORE_STAGE_NONE;
}

static void cxcore_free(struct cxcore_dev *dev)
{
	kfree(dev->caps_max);
	kfree(dev->caps_cur);
	kfree(dev);
}

static int cxcore_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct cxcore_dev *dev;
	u16 major, minor, subminor;
	unsigned int i;
	int err;

	dev = kzalloc_obj(*dev);
	if (!dev)
		return -ENOMEM;
	dev->pdev = pdev;
	cxcore_pages_init(dev);
	pci_set_drvdata(pdev, dev);

	for (i = 0; i < ARRAY_SIZE(cxcore_steps); i++) {
		err = cxcore_steps[i].run(dev);
		if (err) {
			dev_err(&pdev->dev, "probe failed at step '%s': %d\n",
				cxcore_steps[i].name, err);
			cxcore_unload(dev);
			pci_set_drvdata(pdev, NULL);
			cxcore_free(dev);
			return err;
		}
		dev->stage = cxcore_steps[i].reached;
	}

	cxcore_fw_version(dev, &major, &minor, &subminor);
	dev_info(&pdev->dev,
		 "firmware %u.%u.%u, ISSI %u, %u command slots, %s mode, %u firmware pages, %s\n",
		 major, minor, subminor, dev->issi, dev->cmd.nslots,
		 cxcore_poll_mode ? "polling" : "event", dev->pages.count,
		 dev_name(&dev->adev->adev.dev));
	return 0;
}

static void cxcore_remove(struct pci_dev *pdev)
{
	struct cxcore_dev *dev = pci_get_drvdata(pdev);

	/* surprise removal: do not wait for commands that cannot complete */
	if (!pci_device_is_present(pdev))
		cxcore_cmd_set_down(dev);
	cxcore_unload(dev);
	pci_set_drvdata(pdev, NULL);
	cxcore_free(dev);
}

/*
 * Reboot, power-off, kexec: stop the function as remove does, so that it
 * holds no host memory and does no DMA; keep the (now empty) structure,
 * remove may still follow.
 */
static void cxcore_shutdown(struct pci_dev *pdev)
{
	struct cxcore_dev *dev = pci_get_drvdata(pdev);

	cxcore_unload(dev);
}

static struct pci_driver cxcore_driver = {
	.name = KBUILD_MODNAME,
	.id_table = cxcore_pci_ids,
	.probe = cxcore_probe,
	.remove = cxcore_remove,
	.shutdown = cxcore_shutdown,
};

static int __init cxcore_init(void)
{
	int err;

	cxcore_debugfs_init();
	err = pci_register_driver(&cxcore_driver);
	if (err)
		cxcore_debugfs_exit();
	return err;
}
module_init(cxcore_init);

static void __exit cxcore_exit(void)
{
	pci_unregister_driver(&cxcore_driver);
	cxcore_debugfs_exit();
	cxcore_aux_exit();
}
module_exit(cxcore_exit);

MODULE_DESCRIPTION("Core driver for the cxsim ConnectX-like PCI function");
MODULE_LICENSE("Dual BSD/GPL");
