# sap_aicore.admin: the README's commands.
#
#   make demo      run examples/cleanup_demo.yml twice against the local AI Core emulator
#   make emulator  keep the emulator running for your own playbooks (build/emulator/service-key.json, env)
#   make test    every quality gate, then a summary table (tests/tools/run_gates.py)
#   make check   the quick verdict while developing: sanity, units (ansible-core 2.21) and ansible-lint
#
# Nothing needs installing by hand: the targets build the two pinned virtual
# environments they use (.venv: ansible-core 2.21 on Python 3.13; .venv-2.18:
# ansible-core 2.18 on Python 3.11) from tests/requirements*.txt.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
PYTHON313  ?= $(PYENV_ROOT)/versions/3.13.0/bin/python3
PYTHON311  ?= $(PYENV_ROOT)/versions/3.11.7/bin/python3
# The oldest Python the modules support (tests/config.yml): the units-3.8 gate's, through ansible-test --venv.
PYTHON38   ?= $(PYENV_ROOT)/versions/3.8.18/bin/python3

VENV     := .venv
VENV_218 := .venv-2.18
STAMP     = .requirements.sha256

COLLECTIONS := build/collections
INSTALLED   := $(COLLECTIONS)/ansible_collections/sap_aicore/admin
VERSION     := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL     := dist/sap_aicore-admin-$(VERSION).tar.gz

.PHONY: help venv venv-2.18 build install demo emulator test check test-live lint molecule ee docs bench clean

help:
	@echo "make demo       run the cleanup demo against the local AI Core emulator"
	@echo "make emulator   run the emulator in the foreground until Ctrl-C; meanwhile build/emulator/service-key.json"
	@echo "                (service_key: build/emulator/service-key.json) and build/emulator/env (. build/emulator/env)"
	@echo "make test       run every gate (build, sanity, units, integration, lint, emulator, demo, ...) and summarise;"
	@echo "                GATES=\"units-2.21 integration-2.21\" runs only those (tests/tools/run_gates.py --list)"
	@echo "make check      quick verdict (a few minutes): sanity-2.21, units-2.21 and ansible-lint gates, summarised"
	@echo "make test-live AICORE_LIVE_RESOURCE_GROUP=<scratch group>  ask a real AI Core (AICORE_SERVICE_KEY) what it"
	@echo "                answers; writes build/live/report.{md,json} (docs/ai-core-api.md#asking-the-real-service)"
	@echo "make venv       .venv      (Python 3.13, ansible-core 2.21, tests/requirements.txt)"
	@echo "make venv-2.18  .venv-2.18 (Python 3.11, ansible-core 2.18, tests/requirements-2.18.txt)"
	@echo "make build      dist/sap_aicore-admin-$(VERSION).tar.gz"
	@echo "make install    install that tarball into $(INSTALLED)"
	@echo "make lint       ansible-lint --profile production"
	@echo "make molecule   molecule test of extensions/molecule/default (starts and stops the emulator)"
	@echo "make ee         build/ee/: build context of execution-environment.yml (docs/execution-environment.md)"
	@echo "make docs       build/docs/site/build/html/index.html: the docs site (antsibull-docs + Sphinx)"
	@echo "make bench      time uri loop / module loop / module list against the emulator; writes docs/performance.md"
	@echo "make clean      remove build/, dist/ and tests/output/ (not the venvs)"

# --- virtual environments ---------------------------------------------------
# The stamp records the requirements file's hash: ensure_venv.sh rebuilds the
# venv from scratch when it changes and does nothing when it does not.
venv: $(VENV)/$(STAMP)
venv-2.18: $(VENV_218)/$(STAMP)

$(VENV)/$(STAMP): tests/requirements.txt tests/tools/ensure_venv.sh
	tests/tools/ensure_venv.sh $(VENV) $(PYTHON313) tests/requirements.txt
	@touch $@

$(VENV_218)/$(STAMP): tests/requirements-2.18.txt tests/tools/ensure_venv.sh
	tests/tools/ensure_venv.sh $(VENV_218) $(PYTHON311) tests/requirements-2.18.txt
	@touch $@

# --- build and install, the way a user gets the collection ------------------
# Always rebuilt (about a second): a timestamp rule would miss deleted files.
build: $(VENV)/$(STAMP)
	$(VENV)/bin/ansible-galaxy collection build --force --output-path dist/

install: build
	$(VENV)/bin/ansible-galaxy collection install $(TARBALL) -p $(COLLECTIONS) --force

# --- the README's commands ----------------------------------------------------
demo: install
	tests/tools/demo.sh

# In the foreground until Ctrl-C, on plain http://127.0.0.1 with the standard resource groups (default, team-a, ...).
emulator: install
	$(VENV)/bin/python tests/emulator/with_emulator.py -- $(VENV)/bin/python tests/tools/emulator_session.py

# GATES="sanity-2.21 units-2.21" runs only those (tests/tools/run_gates.py --list).
test: venv venv-2.18
	PYTHON38=$(PYTHON38) $(VENV)/bin/python tests/tools/run_gates.py $(GATES)

# The gates a developer reruns on every change; no emulator-driven playbooks, no second ansible-core.
check: venv
	$(VENV)/bin/python tests/tools/run_gates.py sanity-2.21 units-2.21 ansible-lint

# Opt-in, never part of `make test`: a real tenant, a service key and a scratch group the user names
# (AICORE_LIVE_TENANT_WIDE=yes also creates and deletes one tenant-wide secret). No install needed:
# the probe checks the HTTP contract itself, with requests only.
test-live: venv
	$(VENV)/bin/python tests/live/probe_live.py --out build/live

lint: install
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/$(COLLECTIONS)" $(VENV)/bin/ansible-lint --offline

# The molecule scenario, against the installed collection; molecule's working files go to tests/output/molecule/.
molecule: install
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" MOLECULE_EPHEMERAL_DIRECTORY="$(CURDIR)/tests/output/molecule/default" $(VENV)/bin/molecule test

# The execution environment's build context (no image: that needs podman or docker), checked.
ee: build
	PYTHON313=$(PYTHON313) $(VENV)/bin/python tests/galaxy/galaxy_gates.py builder

# The docs site, built the way Ansible's own docs are (antsibull-docs + Sphinx) from the installed copy,
# with .venv-docs (tests/requirements-docs.txt): module pages, the guides in docs/, the changelog.
# Benchmarks print numbers (never assertions) and rewrite docs/performance.md and its plot.
bench: install
	$(VENV)/bin/pip install --quiet -r tests/bench/requirements.txt
	$(VENV)/bin/python tests/bench/bench.py $(BENCH_ARGS)

docs: install
	PYTHON313=$(PYTHON313) tests/docs/docs.sh build

clean:
	rm -rf build dist tests/output
