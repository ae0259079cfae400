# Two commands: `make run` and `make test`. Every Dockerfile step is a script called here too.
VENV := .venv
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint types migrate bench pwa system-test-deps clean

run: $(STAMP) pwa
	scripts/run.sh

test: $(DEV_STAMP) pwa system-test-deps
	scripts/test.sh

$(STAMP): pyproject.toml constraints.txt scripts/install-python.sh
	scripts/install-python.sh $(VENV)
	touch $@

$(DEV_STAMP): pyproject.toml constraints.txt scripts/install-python.sh
	scripts/install-python.sh $(VENV) --dev
	touch $@ $(STAMP)

pwa: pwa/dist/index.html

pwa/dist/index.html: pwa/package.json pwa/package-lock.json $(shell find pwa/src pwa/public -type f 2>/dev/null) pwa/index.html pwa/vite.config.ts scripts/build-pwa.sh
	scripts/build-pwa.sh

system-test-deps:
	scripts/install-test-system-deps.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check api visit_forms tests
	$(VENV)/bin/ruff format --check api visit_forms tests

types: $(DEV_STAMP)
	$(VENV)/bin/mypy
	cd pwa && npx tsc --noEmit

migrate: $(STAMP)
	$(VENV)/bin/keukentafel migrate

# Figures, never assertions (about 15 minutes; BENCH=quick: a couple). scripts/bench.sh says more.
bench: $(DEV_STAMP) pwa system-test-deps
	scripts/bench.sh

clean:
	rm -rf $(VENV) pwa/dist pwa/node_modules
