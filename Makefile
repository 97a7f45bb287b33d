# The one front door. `make demo` and `make test` each bootstrap .venv on a fresh machine.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install demo test test-fast lint format mypy bench asyncapi clean eval

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,model]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/eventwatch run --once

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not integration and not faults and not monitoring and not alertmanager"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

mypy: $(STAMP)
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf .eventwatch .pytest_cache .mypy_cache .ruff_cache

eval: $(STAMP)
	@for set in seeds tests/heldout tests/heldout2 tests/heldout3 tests/heldout4 tests/heldout5 tests/heldout6 tests/heldout7 tests/heldout8 tests/heldout9 tests/heldout10 tests/heldout11 tests/heldout12 tests/heldout13 tests/heldout14 tests/heldout15 tests/heldout16; do \
	  if [ $$set = seeds ]; then gold=../shared/gold/seeds.jsonl; else gold=$$set/gold.jsonl; fi; \
	  $(VENV)/bin/eventwatch extract $$set/*.txt > .eventwatch-eval.jsonl 2>/dev/null; \
	  printf '%-16s ' $$set; $(PY) ../shared/eval/score.py --gold $$gold --pred .eventwatch-eval.jsonl --json; \
	done; rm -f .eventwatch-eval.jsonl

asyncapi: $(STAMP)
	$(VENV)/bin/eventwatch asyncapi --folder docs/asyncapi
