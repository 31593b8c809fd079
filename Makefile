# Vigil: two commands on a fresh Debian 12 machine, as root.
#   make run    install what is missing, build, run the demo, summarise it
#   make test   install what is missing, build (normal, ASan/UBSan, fuzz), run every test
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
DEB_BUILD ?= build-deb
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_JOBS ?= 2
PYTHON3 := /usr/bin/python3
PYTEST := $(PYTHON3) -m pytest -p no:cacheprovider
# Where ccache is installed (a developer's machine), rebuilds reuse its
# cache; a fresh machine builds as before.
ifneq ($(shell command -v ccache),)
export CMAKE_CXX_COMPILER_LAUNCHER ?= ccache
export CMAKE_C_COMPILER_LAUNCHER ?= ccache
endif
export ASAN_OPTIONS := detect_leaks=0:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS := halt_on_error=1:print_stacktrace=1
# The developers' and CI's trees hold the code to -Werror; the package's
# tree (deb) builds as Debian builds packages, without it.
WERROR := -DVIGIL_WERROR=ON

# The everyday software tests/detection/benign runs under vigil-python: none
# of it may raise an alert of severity medium or above.
BENIGN_CORPUS_PACKAGES := ansible-core cron procps python3-pip python3-setuptools python3-wheel python3-build \
  python3-pytest-mock python3-pytest-xdist python3-pytest-timeout python3-pytest-cov python3-pytest-asyncio \
  python3-sqlalchemy python3-celery python3-kombu python3-requests python3-yaml python3-numpy python3-sphinx \
  python3-attr python3-pydantic python3-cryptography python3-paramiko python3-lxml python3-bs4 python3-docutils \
  python3-pygments python3-babel python3-markdown tox python3-nox python3-virtualenv python3-pandas python3-matplotlib \
  python3-psutil python3-click python3-apt

# The CPython this tree builds against: Debian 12's here; 3.13 and 3.14 in
# their releases' chroots (release-tests below).
PYTHON_VERSION ?= 3.11
STOCK_PYTHON := /usr/bin/python$(PYTHON_VERSION)
export VIGIL_STOCK_PYTHON := $(STOCK_PYTHON)

# What building and testing Vigil needs on a Debian release, for CPython $(1).
release_packages = build-essential cmake ninja-build pkgconf git python$(1) libpython$(1)-dev \
  libpython$(1)-testsuite python$(1)-venv python3-pytest libssl-dev libsodium-dev libzstd-dev zlib1g-dev libcli11-dev \
  nlohmann-json3-dev libtomlplusplus-dev libre2-dev libsimdjson-dev libgtest-dev valgrind python3-jinja2 \
  python3-django python3-flask libaudit-dev rsyslog rsyslog-openssl auditd systemd openssl chromium \
  tesseract-ocr tesseract-ocr-eng python3-pil fonts-dejavu-core bash-completion man-db groff-base time e2fsprogs \
  file patchelf \
  $(BENIGN_CORPUS_PACKAGES)
DEB_PACKAGES := $(call release_packages,3.11) clang-14 libclang-rt-14-dev debootstrap

# Debian releases whose CPython make test covers beside this machine's, each
# in a chroot made by tools/release-chroot.sh and kept in CHROOT_DIR.
CHROOT_DIR ?= /var/cache/vigil/chroots
RELEASES := trixie sid
PYTHON_trixie := 3.13
PYTHON_sid := 3.14

BENCH_PACKAGES := python3-jinja2 python3-django valgrind hyperfine

.PHONY: all deps bench-deps install-packages build asan deb fuzz-build run test unit unit-asan e2e e2e-asan \
  package-tests cpython-tests fuzz fuzz-regress bench detection-matrix clean release-build release-tests \
  host-builds host-tests release-builds release-tests-all build-types \
  $(addprefix chroot-,$(RELEASES)) $(addprefix build-,$(RELEASES)) $(addprefix test-,$(RELEASES)) \
  $(addprefix build-types-,$(RELEASES)) deb-package $(addprefix deb-,$(RELEASES)) \
  release-bench $(addprefix bench-,$(RELEASES))

all: build

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

bench-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(BENCH_PACKAGES)"

install-packages:
	@missing=$$(for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_PYTHON=$(STOCK_PYTHON) -DVIGIL_BUILD_BENCH=ON \
	  $(WERROR) >/dev/null
	cmake --build $(BUILD)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON $(WERROR) >/dev/null
	cmake --build $(ASAN_BUILD)

# The libFuzzer harnesses (tests/fuzz, docs/fuzzing.md) in a clang tree of
# their own, every library under ASan and UBSan. The gcc trees hold the
# code to -Werror; clang's extra warnings only show here.
fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang-14 \
	  -DCMAKE_CXX_COMPILER=clang++-14 -DVIGIL_FUZZ=ON -DVIGIL_WERROR=OFF >/dev/null
	cmake --build $(FUZZ_BUILD)

# The Debian package for $(STOCK_PYTHON), built by CPack from its own release
# tree without -Werror: $(DEB_BUILD)/vigil_<version>+py<python>_<arch>.deb
# (docs/packaging.md). make deb-<release>: the package for that release's
# CPython, built in its chroot, in build-deb-py<python>.
deb: deps
	@$(MAKE) --no-print-directory deb-package

$(addprefix deb-,$(RELEASES)): deb-%: chroot-%
	tools/release-chroot.sh run $(CHROOT_DIR)/$* $(CURDIR) make deb-package PYTHON_VERSION=$(PYTHON_$*) \
	  DEB_BUILD=build-deb-py$(PYTHON_$*)

deb-package:
	cmake -S . -B $(DEB_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
	  -DVIGIL_PYTHON=$(STOCK_PYTHON) -DVIGIL_WERROR=OFF -DVIGIL_BUILD_TESTS=OFF >/dev/null
	cmake --build $(DEB_BUILD)
	rm -f $(DEB_BUILD)/vigil_*.deb
	cd $(DEB_BUILD) && cpack -G DEB >/dev/null
	@ls $(DEB_BUILD)/vigil_*.deb

run: build
	@echo "== demo/demo.py under vigil-python, default policy and default log =="
	@$(BUILD)/bin/vigil-python demo/demo.py & pid=$$!; wait $$pid; status=$$?; \
	  echo; echo "== What Vigil recorded (vigil summary --tree $$pid) =="; \
	  $(BUILD)/bin/vigil summary --tree $$pid; \
	  echo; echo "== Verified execution (demo/verified.sh) =="; \
	  demo/verified.sh $(BUILD)/bin; exit $$status

# Two lanes at once, as they mostly wait on different things: this
# machine's trees build while the release chroots are made (network, dpkg)
# and built; then this machine's tests run beside the chroots'. Either
# lane's failure fails make test once both have ended.
test: deps
	$(MAKE) -j2 --output-sync=line host-builds release-builds
	$(MAKE) -j2 --output-sync=line host-tests release-tests-all

host-builds:
	$(MAKE) -j1 build asan deb fuzz-build

host-tests:
	$(MAKE) -j1 unit unit-asan e2e e2e-asan package-tests cpython-tests fuzz-regress

release-builds:
	$(MAKE) -j1 $(addprefix build-,$(RELEASES))

release-tests-all:
	$(MAKE) -j1 $(addprefix test-,$(RELEASES))

# Each release's chroot: made or brought up to date; the tree built against
# its CPython inside it (release-build); then tested (release-tests).
$(addprefix chroot-,$(RELEASES)): chroot-%: deps
	tools/release-chroot.sh prepare $* $(CHROOT_DIR)/$* $(call release_packages,$(PYTHON_$*))

$(addprefix build-,$(RELEASES)): build-%: chroot-%
	tools/release-chroot.sh run $(CHROOT_DIR)/$* $(CURDIR) make release-build PYTHON_VERSION=$(PYTHON_$*)

$(addprefix test-,$(RELEASES)): test-%: build-%
	tools/release-chroot.sh run $(CHROOT_DIR)/$* $(CURDIR) make release-tests PYTHON_VERSION=$(PYTHON_$*)

# Inside a release's chroot: build-py<version>; its unit tests, the e2e
# suite (the benign corpus only on this machine: see docs/detection.md),
# CPython's test_audit and the regression slice's core modules.
RELEASE_BUILD := build-py$(PYTHON_VERSION)
release-build:
	cmake -S . -B $(RELEASE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_PYTHON=$(STOCK_PYTHON) $(WERROR) >/dev/null
	cmake --build $(RELEASE_BUILD)

release-tests:
	ctest --test-dir $(RELEASE_BUILD) --output-on-failure
	VIGIL_BIN=$(CURDIR)/$(RELEASE_BUILD)/bin VIGIL_DETECTION_CORPORA=attacks $(PYTEST) -q tests/e2e
	$(PYTHON3) tests/cpython/run_regrtest.py --core --vigil-python $(RELEASE_BUILD)/bin/vigil-python

# vigil-python, vigil and the unit tests in every CMake build type, with
# -Werror: distributions build Release, RelWithDebInfo or MinSizeRel, and a
# compiler's warnings differ with the optimisation level. In a release's
# chroot: make build-types-<release> (no deps: run make deps first on a
# fresh machine).
BUILD_TYPES := Debug Release RelWithDebInfo MinSizeRel
BUILD_TYPES_DIR ?= build-types
build-types:
	@for type in $(BUILD_TYPES); do \
	  started=$$(date +%s); \
	  cmake -S . -B $(BUILD_TYPES_DIR)/$$type -G Ninja -DCMAKE_BUILD_TYPE=$$type -DVIGIL_PYTHON=$(STOCK_PYTHON) \
	    $(WERROR) >/dev/null && \
	  cmake --build $(BUILD_TYPES_DIR)/$$type --target vigil-python vigil vigil_unit_tests || exit 1; \
	  echo "$(BUILD_TYPES_DIR)/$$type: built in $$(( $$(date +%s) - started )) s"; \
	done

$(addprefix build-types-,$(RELEASES)): build-types-%: chroot-%
	tools/release-chroot.sh run $(CHROOT_DIR)/$* $(CURDIR) make build-types PYTHON_VERSION=$(PYTHON_$*) \
	  BUILD_TYPES_DIR=build-types-py$(PYTHON_$*)

unit:
	ctest --test-dir $(BUILD) --output-on-failure

unit-asan:
	ctest --test-dir $(ASAN_BUILD) --output-on-failure

e2e:
	VIGIL_BIN=$(CURDIR)/$(BUILD)/bin $(PYTEST) -q tests/e2e

e2e-asan:
	VIGIL_BIN=$(CURDIR)/$(ASAN_BUILD)/bin $(PYTEST) -q tests/e2e

# Installs the package on this machine, runs it, removes and purges it.
package-tests:
	VIGIL_BIN=$(CURDIR)/$(BUILD)/bin VIGIL_DEB_DIR=$(CURDIR)/$(DEB_BUILD) $(PYTEST) -q tests/package

cpython-tests:
	$(PYTHON3) tests/cpython/run_regrtest.py --vigil-python $(BUILD)/bin/vigil-python

# Each harness over its corpus, then 30 s of new inputs; FUZZ_JOBS at once.
fuzz-regress:
	$(PYTHON3) tests/fuzz/run_fuzzers.py --bin $(FUZZ_BUILD)/bin --seconds 30 --jobs $(FUZZ_JOBS)

# The same for longer: FUZZ_SECONDS of new inputs per harness.
fuzz: fuzz-build
	$(PYTHON3) tests/fuzz/run_fuzzers.py --bin $(FUZZ_BUILD)/bin --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS)

# The detection suites (tests/e2e/test_detection.py), then the matrix of
# docs/detection.md regenerated from their results. Attacks that are not
# detected are what the matrix reports, so their failures do not stop it.
DETECTION_RESULTS ?= $(BUILD)/detection-results.jsonl
detection-matrix: build
	-VIGIL_BIN=$(CURDIR)/$(BUILD)/bin VIGIL_DETECTION_RESULTS=$(CURDIR)/$(DETECTION_RESULTS) \
	  $(PYTEST) -q tests/e2e/test_detection.py
	$(PYTHON3) tools/detection_matrix.py --results $(DETECTION_RESULTS) --doc docs/detection.md
	$(PYTHON3) tools/policy_rules_table.py --doc docs/detection.md

# The shipped build's instruction counts (callgrind) and wall times
# (hyperfine) against $(STOCK_PYTHON); writes bench/RESULTS.md and copies
# its headline table into README.md (bench/README.md). About 10 minutes on
# 2 idle cores.
BENCH_OUTPUT ?= bench/RESULTS.md
# README quotes this machine's default run only, not another output's.
BENCH_README = $(if $(filter bench/RESULTS.md,$(BENCH_OUTPUT)),--readme README.md)
bench: build bench-deps
	$(PYTHON3) bench/run_bench.py --bin $(BUILD)/bin --stock $(STOCK_PYTHON) --output $(BENCH_OUTPUT) $(BENCH_README)

# The same against the other releases' CPython, each in its chroot, each
# measured against that release's own stock interpreter:
# bench/RESULTS-py<version>.md.
$(addprefix bench-,$(RELEASES)): bench-%: chroot-%
	tools/release-chroot.sh run $(CHROOT_DIR)/$* $(CURDIR) make release-bench PYTHON_VERSION=$(PYTHON_$*)

release-bench: bench-deps
	cmake -S . -B $(RELEASE_BUILD) -DVIGIL_BUILD_BENCH=ON >/dev/null
	cmake --build $(RELEASE_BUILD)
	$(PYTHON3) bench/run_bench.py --bin $(RELEASE_BUILD)/bin --stock $(STOCK_PYTHON) \
	  --output bench/RESULTS-py$(PYTHON_VERSION).md

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(DEB_BUILD) $(FUZZ_BUILD) $(BUILD_TYPES_DIR) build-types-py* build-deb-py*
