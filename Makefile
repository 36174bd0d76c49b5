# newswire — every target sets itself up on a fresh machine (downloads cached under .cache/).
#   make demo    stack up, generate, produce, run the pipeline, show where the output is
#   make test    all tests (starts and stops the local stack it needs), compose-test included
#   make compose-test   builds every image here and runs docker-compose.yml for real
#   make eval    quality on real data (../shared/benchmarks)
#   make eval-data   prepare the keyphrase set for make eval (KEYPHRASE_SRC=copy of SIFRank)
#   make bench   performance, as ratios against baselines (BENCH_SIZE=small|medium|large)
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
        lint fmt eval eval-data bench compose-check compose-test clean

help:
	@grep -E '^#   make' Makefile | sed 's/^#   //'

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade 'pip>=24'
	$(BIN)/pip install -q -e '.[local,dev]'
	@touch $@

# System tools: a JDK and Maven (Kafka), Go (Prism), docker-compose, and for the compose test
# Docker's engine (docker.io: dockerd, started by the test when none runs) and debootstrap.
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

# Builds every image on this machine (deploy/local/images.sh: no Docker Hub needed), runs the
# default profile of docker-compose.yml with a crash of the pipeline, reads the output from
# the host, drains and removes it (tests/deploy/test_compose_run.py). A private dockerd it
# starts (deploy/local/dockerd.sh) is stopped at the end; images stay cached in .cache/docker.
compose-test: venv tools kafka-jars prism
	NEWSWIRE_COMPOSE_TEST=1 $(BIN)/python -m pytest -q -p no:cacheprovider \
	  tests/deploy/test_compose_run.py $(PYTEST_ARGS)

test: venv kafka-jars prism compose-check lint compose-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-unit: venv
	$(BIN)/python -m pytest -q -m "not integration" $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check pipelines tests benchmarks
	$(BIN)/ruff format --check pipelines tests benchmarks
	$(BIN)/mypy pipelines
	$(BIN)/python -m pipelines.tools.layering

fmt: venv
	$(BIN)/ruff format pipelines tests benchmarks
	$(BIN)/ruff check --fix pipelines tests benchmarks

eval: venv
	$(BIN)/python -m benchmarks.quality

# DUC-2001 keyphrases (never committed: NIST research licence) from a clone or bare git copy
# of github.com/sunyilgdx/SIFRank, into NEWSWIRE_KEYPHRASE_DIR or .cache/datasets/keyphrase.
KEYPHRASE_SRC ?= $(CACHE)/datasets/SIFRank
eval-data: venv
	@test -e $(KEYPHRASE_SRC) || { echo "no copy of github.com/sunyilgdx/SIFRank at \
	  $(KEYPHRASE_SRC): clone it there or pass KEYPHRASE_SRC=DIR"; exit 1; }
	$(BIN)/python -m benchmarks.quality.keyphrase_data $(KEYPHRASE_SRC)

bench: venv kafka-jars prism
	BENCH_SIZE=$(BENCH_SIZE) $(BIN)/python -m benchmarks.perf

clean:
	rm -rf out build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
