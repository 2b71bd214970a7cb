# SPDX-License-Identifier: Apache-2.0
# Entry points. CMake does the building; this file names the jobs.
#   make demo     install missing packages, build, run qib on a built-in case
#   make test     install missing packages, build with ASan+UBSan, run every test
#   make bench    benchmarks (figures next to the targets; never pass/fail)
#   make install  install qib, libqib and the headers (PREFIX=/usr/local)
#   make docs     regenerate docs/FEATURES.md and docs/SETTINGS.md from the registries

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
RELEASE := build/release
TEST := build/test
GCC_CHECK := build/gcc-check

.PHONY: all deps build demo test bench install docs clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DQIB_TESTS=OFF >/dev/null
	@cmake --build $(RELEASE) -j$(JOBS)

demo: build
	@scripts/demo.sh $(RELEASE)/qib qib-demo

# gcc and clang must both build without warnings; the tests run in the
# clang build under AddressSanitizer + UndefinedBehaviorSanitizer, with the
# libFuzzer targets run briefly on their seed corpora.
test: deps
	@cmake -S . -B $(GCC_CHECK) -DCMAKE_C_COMPILER=gcc -DQIB_WERROR=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(GCC_CHECK) -j$(JOBS)
	@cmake -S . -B $(TEST) -DCMAKE_C_COMPILER=clang -DQIB_SANITIZE=ON -DQIB_FUZZ=ON -DQIB_WERROR=ON \
	  -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(TEST) -j$(JOBS)
	@cd $(TEST) && ctest --output-on-failure -j$(JOBS)

bench:
	@QIB_DEPS_BENCH=1 scripts/install-deps.sh
	@scripts/bench.sh

install: build
	@cmake --install $(RELEASE) --prefix $(PREFIX)

docs: build
	@$(RELEASE)/qib features --markdown > docs/FEATURES.md
	@$(RELEASE)/qib settings --markdown > docs/SETTINGS.md
	@echo "docs/FEATURES.md and docs/SETTINGS.md regenerated"

clean:
	rm -rf build qib-demo
