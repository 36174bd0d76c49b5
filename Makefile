# newswire — every target sets itself up on a fresh machine (downloads cached under .cache/).
#   make demo    stack up, generate, produce, run the pipeline, show where the output is
#   make test    all tests (starts and stops the local stack it needs)
#   make eval    quality on real data (../shared/benchmarks)
#   make bench   performance, as ratios against baselines (BENCH_SIZE=small|large)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CACHE := $(CURDIR)/.cache
export PIP_CACHE_DIR := $(CACHE)/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1
SHARED ?= $(abspath ../shared)
export NEWSWIRE_SHARED := $(SHARED)
BENCH_SIZE ?= small
PYTEST_ARGS ?=

.PHONY: help venv tools kafka-jars prism stack-up stack-down stack-status demo test test-unit \
        lint fmt eval bench compose-check clean

help:
	@grep -E '^#   make' Makefile | sed 's/^#   //'

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade 'pip>=24'
	$(BIN)/pip install -q -e '.[local,dev]'
	@touch $@

# System tools: a JDK and Maven (Kafka), Go (Prism), docker-compose (compose file check).
tools:
	@bash deploy/local/tools.sh

kafka-jars: tools
	@bash deploy/local/kafka.sh fetch

prism: venv tools
	@bash deploy/local/prism.sh build >/dev/null

stack-up: venv kafka-jars
	$(BIN)/newswire stack up

stack-down: venv
	$(BIN)/newswire stack down

stack-status: venv
	$(BIN)/newswire stack status

demo: venv kafka-jars prism
	@bash deploy/local/demo.sh

compose-check: tools
	docker-compose -f docker-compose.yml config -q
	docker-compose -f docker-compose.yml --profile flink config -q
	@echo "docker-compose.yml: valid"

test: venv kafka-jars prism compose-check lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-unit: venv
	$(BIN)/python -m pytest -q -m "not integration" $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check pipelines tests benchmarks
	$(BIN)/ruff format --check pipelines tests benchmarks
	$(BIN)/mypy pipelines

fmt: venv
	$(BIN)/ruff format pipelines tests benchmarks
	$(BIN)/ruff check --fix pipelines tests benchmarks

eval: venv
	$(BIN)/python -m benchmarks.quality

bench: venv kafka-jars prism
	BENCH_SIZE=$(BENCH_SIZE) $(BIN)/python -m benchmarks.perf

clean:
	rm -rf out build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
