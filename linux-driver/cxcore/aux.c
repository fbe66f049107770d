// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The auxiliary device "cxcore.ctl.<id>" through which cxctl reaches the
 * command interface.  <id> comes from a module-wide IDA and is released
 * with the device (when its last reference goes), so that a new device
 * never collides with the name of one still being torn down.
 */
#include <linux/idr.h>
#include <linux/slab.h>

#include "priv.h"

static DEFINE_IDA(cxcore_adev_ida);

static void cxcore_adev_release(struct device *d)
{
	struct auxiliary_device *adev = to_auxiliary_dev(d);
	struct cxcore_adev *cadev = container_of(adev, struct cxcore_adev, adev);

	ida_free(&cxcore_adev_ida, adev->id);
	kfree(cadev);
}

int cxcore_aux_add(struct cxcore_dev *dev)
{
	struct cxcore_adev *cadev;
	struct auxiliary_device *adev;
	int id, err;

	cadev = kzalloc_obj(*cadev);
	if (!cadev)
		return -ENOMEM;
	id = ida_alloc(&cxcore_adev_ida, GFP_KERNEL);
	if (id < 0) {
		kfree(cadev);
		return id;
	}

	cadev->cdev = dev;
	adev = &cadev->adev;
	adev->name = CXCORE_ADEV_CTL;
	adev->id = id;
	adev->dev.parent = &dev->pdev->dev;
	adev->dev.release = cxcore_adev_release;

	err = auxiliary_device_init(adev);
	if (err) {
		ida_free(&cxcore_adev_ida, id);
		kfree(cadev);
		return err;
	}
	err = auxiliary_device_add(adev);
	if (err) {
		auxiliary_device_uninit(adev);	/* releases id and cadev */
		return err;
	}
	dev->adev = cadev;
	return 0;
}

/* Unbinds the auxiliary driver (its remove runs now), then drops the device. */
void cxcore_aux_del(struct cxcore_dev *dev)
{
	struct auxiliary_device *adev = &dev->adev->adev;

	auxiliary_device_delete(adev);
	auxiliary_device_uninit(adev);
	dev->adev = NULL;
}

void cxcore_aux_exit(void)
{
	ida_destroy(&cxcore_adev_ida);
}
