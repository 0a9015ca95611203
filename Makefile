# `make demo` and `make test` set up everything on a fresh machine and reuse
# what is already there: the .venv is rebuilt only when requirements change,
# node_modules only when the lock file changes, Chromium only if missing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
LABEXT := python/traincurves/labextension
CHROMIUM := /usr/bin/chromium

export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export KERAS_BACKEND ?= torch
export PIP_DISABLE_PIP_VERSION_CHECK := 1

TS_SOURCES := $(wildcard src/*.ts) $(wildcard style/*) $(wildcard schema/*.json schema/settings/*.json) package.json tsconfig.json
PY_SOURCES := $(wildcard python/traincurves/*.py python/traincurves/*/*.py) pyproject.toml install.json

.PHONY: help install demo test lint test-js test-py test-wheel test-ui bench clean

help:
	@echo "make demo   set up everything and open JupyterLab on examples/demo.ipynb"
	@echo "make test   set up everything and run every check"

$(VENV)/.requirements: requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(CHROMIUM):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core

$(LABEXT)/package.json: $(VENV)/.requirements node_modules/.installed $(TS_SOURCES)
	npm run build:prod

$(VENV)/.traincurves: $(LABEXT)/package.json $(PY_SOURCES)
	$(PY) -m pip install --quiet --no-build-isolation --no-deps --force-reinstall .
	touch $@

install: $(VENV)/.traincurves

demo: install
	cd examples && jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) demo.ipynb

lint: install
	ruff check .
	ruff format --check .
	npm run lint

test-js: install
	npx jest

test-py: install
	$(PY) -m pytest

test-wheel: install
	bash scripts/check-wheel.sh

test-ui: install $(CHROMIUM)
	cd ui-tests && npx playwright test

# -k: one failing check does not hide the others; make still fails.
test: install
	$(MAKE) -k lint test-js test-py test-wheel test-ui

bench: install $(CHROMIUM)
	$(PY) bench/bundle_size.py
	node bench/render.mjs

clean:
	rm -rf $(VENV) node_modules lib $(LABEXT) dist tsconfig.tsbuildinfo
