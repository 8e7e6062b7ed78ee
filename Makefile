# Thin wrapper: the build is CMake, the tests are ctest.
BUILD ?= build
JOBS ?= 2

.PHONY: deps build test test-unprivileged run bench clean

deps:
	@scripts/install-deps.sh

build: deps
	@mkdir -p $(BUILD)
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo > $(BUILD)/configure.log 2>&1 || { cat $(BUILD)/configure.log; exit 1; }
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --output-junit junit.xml $(CTEST_ARGS)

# As root: the same suite as an unprivileged user under `unshare -Urn` (see README).
test-unprivileged: build
	scripts/test-unprivileged.sh $(BUILD)

run: build
	$(BUILD)/crashlab run cases --out results

bench: build
	$(BUILD)/topology_bench
	$(BUILD)/observer_bench || [ $$? -eq 2 ]  # 2: no tracepoints here, nothing to measure
	$(BUILD)/catalogue_bench

clean:
	rm -rf $(BUILD)
