# SPDX-License-Identifier: GPL-2.0-or-later
# Thin entry points; the work is in scripts/.

.PHONY: all check demo docs clean

all: check

# Install what is missing, build everything (cached), run every suite.
check:
	@bash scripts/check.sh

# Start QEMU with the device and show it answering commands.
demo:
	@bash scripts/demo.sh

# Regenerate the reference pages generated from the firmware's tables.
docs:
	@meson setup build/host >/dev/null 2>&1 || true
	@meson compile -C build/host firmware-sim/tools/cxfw-docgen >/dev/null
	build/host/firmware-sim/tools/cxfw-docgen syndromes > docs/syndromes.md
	build/host/firmware-sim/tools/cxfw-docgen commands > docs/commands.md

clean:
	rm -rf build
