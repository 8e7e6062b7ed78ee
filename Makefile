# Thin wrapper: the build is CMake, the tests are ctest. `make` alone lists the targets.
BUILD ?= build
JOBS ?= 2
# Tests at once: the case tests mostly wait on kernel timers, so twice the cores keeps both
# busy without distorting them (README, "In CI": the root pass took 273 s at 4, 420 s at 2).
TEST_JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))
RESULTS ?= $(BUILD)/results
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
# Ninja (scripts/packages.txt) for a new build folder; an existing one keeps its generator.
GENERATOR ?= $(if $(shell command -v ninja),Ninja,Unix Makefiles)

.PHONY: help deps configure build test test-unprivileged run bench cli-docs fuzz clean
.DEFAULT_GOAL := help

help:
	@echo "crashlab: make TARGET"
	@echo "  deps               install the packages of scripts/packages.txt (as root; silent if present)"
	@echo "  build              configure and build everything in $(BUILD)/ (tests and benchmarks too)"
	@echo "  run                build only crashlab and its endpoint, run every case; results in $(RESULTS)/latest/"
	@echo "  test               build, then every test under ctest (unit, netns, root, cases); JUnit in $(BUILD)/"
	@echo "  test-unprivileged  as root: the suite as nobody under unshare -Urn"
	@echo "  bench              the benchmarks (docs/benchmarks.md)"
	@echo "  kernel-matrix      every case on this kernel and Debian's 6.1 and 6.12 under qemu, side by side (docs/kernels.md)"
	@echo "  cli-docs           regenerate docs/cli.md from the command line's definitions"
	@echo "  soak               as root, ~30 min: random kills, loaded catalogue, every case x10 at once, fuzz corpus (scripts/soak.py)"
	@echo "  fuzz               libFuzzer on case files and --set strings for FUZZ_SECONDS=$(FUZZ_SECONDS) (clang; $(FUZZ_BUILD)/)"
	@echo "  clean              remove $(BUILD)/"
	@echo "Variables: BUILD=$(BUILD) JOBS=$(JOBS) TEST_JOBS=$(TEST_JOBS) RESULTS=$(RESULTS) CTEST_ARGS=..."

deps:
	@scripts/install-deps.sh

configure: deps
	@mkdir -p $(BUILD)
	@cmake -S . -B $(BUILD) $(if $(wildcard $(BUILD)/CMakeCache.txt),,-G "$(GENERATOR)") -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  > $(BUILD)/configure.log 2>&1 || { cat $(BUILD)/configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest -j $(TEST_JOBS) --output-on-failure --output-junit junit.xml $(CTEST_ARGS) \
	  || { s=$$?; $(CURDIR)/scripts/failure-summary.py junit.xml; exit $$s; }

# As root: the same suite as an unprivileged user under `unshare -Urn` (see README).
test-unprivileged: build
	CRASHLAB_TEST_JOBS=$(TEST_JOBS) scripts/test-unprivileged.sh $(BUILD)

run: configure
	@cmake --build $(BUILD) -j $(JOBS) --target crashlab crashlab-endpoint
	$(BUILD)/crashlab run cases --out $(RESULTS)

bench: build
	$(BUILD)/topology_bench
	$(BUILD)/observer_bench || [ $$? -eq 2 ]  # 2: no tracepoints here, nothing to measure
	$(BUILD)/catalogue_bench
	$(BUILD)/sweep_bench
	$(BUILD)/sweep_bench cases/host-crash/idle-keepalive.json \
	  --set server.socket.TCP_KEEPIDLE=1 --set server.socket.TCP_KEEPINTVL=1 --set server.socket.TCP_KEEPCNT=6

cli-docs: configure
	@cmake --build $(BUILD) -j $(JOBS) --target cli-docs

# Its own build with clang, ASan and UBSan; a crash exits non-zero and leaves the
# input in $(FUZZ_BUILD)/crash-*. Seeds: tests/data/fuzz/ and the shipped cases.
fuzz: deps
	@command -v clang++ >/dev/null || { echo "make fuzz needs clang++ (apt-get install clang)"; exit 2; }
	@mkdir -p $(FUZZ_BUILD)
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCRASHLAB_FUZZ=ON \
	  > $(FUZZ_BUILD)/configure.log 2>&1 || { cat $(FUZZ_BUILD)/configure.log; exit 1; }
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target case_fuzzer
	@mkdir -p $(FUZZ_BUILD)/corpus
	@cp tests/data/fuzz/* $(FUZZ_BUILD)/corpus/
	@for f in $$(find cases -name '*.json'); do cp "$$f" $(FUZZ_BUILD)/corpus/$$(echo "$$f" | tr / -); done
	$(FUZZ_BUILD)/case_fuzzer -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	  -dict=tests/fuzz/case.dict -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus

clean:
	rm -rf $(BUILD)

# The catalogue on this kernel and on Debian's 6.1 and 6.12 under qemu, side by side
# (docs/kernels.md). .ci/run runs it after the tests: about 4.5 minutes here (the guests at
# once), plus a first download of the two kernel packages. KERNELS="host 6.1 6.12".
KERNELS ?= host 6.1 6.12
.PHONY: kernel-matrix
kernel-matrix: configure
	@cmake --build $(BUILD) -j $(JOBS) --target crashlab crashlab-endpoint
	scripts/kernel-matrix --build $(BUILD) --kernels "$(KERNELS)"

# Issue #15's soak trial (README "Soak"): >= 150 random kills checked for leaks, the
# catalogue x5 with both cores loaded, every case x10 in one run (510), the fuzz corpus. As root; not
# in `make test` or .ci/run: it takes about half an hour. SOAK_KILLS=5 etc. shorten it
# (scripts/soak.py --help).
.PHONY: soak
soak: configure
	@cmake --build $(BUILD) -j $(JOBS) --target crashlab crashlab-endpoint
	scripts/soak.py --crashlab $(BUILD)/crashlab
