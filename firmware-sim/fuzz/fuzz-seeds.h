/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fuzz targets' starting inputs (fuzz-seeds DIR). */
#ifndef FUZZ_SEEDS_H
#define FUZZ_SEEDS_H

#include <stddef.h>

/* Write len bytes of data as DIR/NAME, or exit. */
void fuzz_seed_save(const char *dir, const char *name, const void *data,
                    size_t len);
/* fuzz-state's seeds, firmware states, into dir. */
void fuzz_seeds_state(const char *dir);

#endif
