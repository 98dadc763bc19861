# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test install lint format regions vendor messages test-postgres pinyin clean bench eval-search eval-ingest eval-figures bench-ingest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py load_seeds
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	@echo "== SQLite pass (with coverage)"
	$(BIN)/pytest -m "not browser" --cov --cov-report=term:skip-covered
	@$(MAKE) --no-print-directory test-postgres
	@echo "== Browser pass (Playwright + Chromium$${REQUIRE_BROWSER:+, required})"
	@if [ ! -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] && [ "$$REQUIRE_BROWSER" != "1" ]; then \
		echo "!!! No Chromium at $${CHROMIUM_PATH:-/usr/bin/chromium}: SKIPPING the browser tests (apt-get install chromium)"; \
	else \
		$(BIN)/pytest -m browser -p no:cacheprovider -rs; \
	fi

# The PostgreSQL pass runs when a server answers; REQUIRE_POSTGRES=1 (CI) makes its absence a failure.
test-postgres: install
	@if $(BIN)/python scripts/pg_ready.py "$(TEST_DATABASE_URL)"; then \
		echo "== PostgreSQL pass ($(TEST_DATABASE_URL))"; \
		DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -m "not browser" -q; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "!!! PostgreSQL at $(TEST_DATABASE_URL) does not answer and REQUIRE_POSTGRES=1"; exit 1; \
	else \
		echo "!!! PostgreSQL at $(TEST_DATABASE_URL) does not answer: SKIPPING the PostgreSQL pass"; \
	fi

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

regions: install
	$(BIN)/python scripts/build_regions.py

# The phrases pypinyin reads otherwise than by their characters (fixtures/pinyin_phrases.tsv), from the
# installed pypinyin: the portal runs it without its 44 MB phrase dictionary (cases/ingest/chinese.py).
pinyin: install
	$(BIN)/python scripts/build_pinyin.py

# Front-end files served by the portal itself (echarts, China's boundaries) and axe-core for the tests.
vendor:
	bash scripts/vendor_assets.sh

# The English catalogue: extract, translate in locale/en/LC_MESSAGES/django.po, compile (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=".venv/*" --ignore="tests/*"
	$(BIN)/python manage.py compilemessages -l en --ignore=".venv/*"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .coverage

# Performance at library scale (issue 6): BENCH_CASES (100000) and BENCH_REQUESTS (200) per scenario.
bench: install
	$(BIN)/python bench/run.py

# Search relevance on our own query set (fixtures/search_relevance.toml): nDCG@10 and empty pages by class,
# on a fresh seeded SQLite library (tests/test_search_relevance.py pins the same scores on both databases).
EVAL_DB := /tmp/eval-search-$(shell id -u).sqlite3
eval-search: install
	rm -f $(EVAL_DB)
	DATABASE_URL=sqlite:///$(EVAL_DB) $(BIN)/python manage.py migrate -v0
	DATABASE_URL=sqlite:///$(EVAL_DB) $(BIN)/python manage.py load_seeds
	DATABASE_URL=sqlite:///$(EVAL_DB) $(BIN)/python manage.py eval_search $(if $(DETAILS),--details)

# Ingestion quality on the documents we wrote (tests/documents/): per-field scores, pinned by tests/test_eval_ingest.py.
eval-ingest: install
	$(BIN)/python scripts/eval_ingest.py

# Key-figure proposals on our own annotation (fixtures/figures_annotation.toml): precision and recall,
# pinned by tests/test_eval_figures.py; DETAILS=1 lists what was missed and what was wrongly proposed.
eval-figures: install
	$(BIN)/python scripts/eval_figures.py $(if $(DETAILS),--details)

# Parsing time and peak memory of a 5 MB document (issue 15): a measurement, not a timed test.
bench-ingest: install
	$(BIN)/python scripts/bench_ingest.py
