# SPDX-License-Identifier: GPL-2.0-or-later
# Thin entry points; the work is in scripts/.

.PHONY: all check demo docs bench fuzz fuzz-repro fuzz-qemu fuzz-guest clean

all: check

# Install what is missing, build everything (cached), run every suite.
check:
	@bash scripts/check.sh

# Start QEMU with the device and show it answering commands.
demo:
	@bash scripts/demo.sh

# Every benchmark: in-process firmware and guest RPCs (BENCH_SECONDS each).
bench:
	@bash scripts/bench.sh

# Run every libFuzzer target for FUZZ_TIME seconds (default 60) each.
FUZZ_TIME ?= 60
fuzz:
	@bash scripts/fuzz.sh run $(FUZZ_TIME) $(FUZZ_TARGETS)

# Replay one input: make fuzz-repro FILE=build/fuzz/crashes/exec-crash-...
fuzz-repro:
	@bash scripts/fuzz.sh repro $(FILE) $(TARGET)

# QEMU's generic-fuzz against the device (a clang fuzzing build of QEMU).
fuzz-qemu:
	@bash scripts/qemu-fuzz.sh $(FUZZ_TIME)

# Random and mutated RPCs from a guest user through both cxctl ABIs
# (rpc-fuzz) for FUZZ_TIME seconds, then its figures and findings.
fuzz-guest:
	@bash scripts/fuzz-guest.sh $(FUZZ_TIME)

# Regenerate the reference pages generated from the firmware's tables.
docs:
	@meson setup build/host >/dev/null 2>&1 || true
	@meson compile -C build/host firmware-sim/tools/cxfw-docgen >/dev/null
	build/host/firmware-sim/tools/cxfw-docgen syndromes > docs/syndromes.md
	build/host/firmware-sim/tools/cxfw-docgen commands > docs/commands.md
	build/host/firmware-sim/tools/cxfw-docgen diag-counters > docs/diag-counters.md
	build/host/firmware-sim/tools/cxfw-docgen policy | \
		firmware-sim/tools/docs-block.sh replace docs/security-model.md policy
	build/host/firmware-sim/tools/cxfw-docgen stats-window | \
		firmware-sim/tools/docs-block.sh replace docs/prm-coverage.md stats-window

clean:
	rm -rf build
