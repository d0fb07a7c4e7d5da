# Two commands on a fresh clone: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= sqlite:///warehouse.db
# A demo key so the bundled fictional sample runs out of the box. Never use it for real data:
# set SENTIMENT_PSEUDONYM_KEY (or the Prefect Secret block `sentiment-pseudonym-key`).
DEMO_KEY := kali-pasir-pulse-DEMO-KEY-not-for-real-data

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: install run test bench lint audit serve serve-data clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@if [ -z "$$SENTIMENT_PSEUDONYM_KEY" ]; then \
	  echo "NOTE: SENTIMENT_PSEUDONYM_KEY is not set: using the DEMO key for the fictional sample data."; \
	  echo "      Set your own secret key before loading real survey data."; \
	fi
	SENTIMENT_PSEUDONYM_KEY="$${SENTIMENT_PSEUDONYM_KEY:-$(DEMO_KEY)}" \
	  $(BIN)/sentiment run examples/exports --db "$(DB)" --reports reports

test: install
	bash scripts/test_setup.sh
	$(BIN)/pytest -n 2 --dist loadfile -q

bench: install
	SENTIMENT_PSEUDONYM_KEY="$(DEMO_KEY)" $(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_nlp.py
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_startup.py

audit: install
	SENTIMENT_PSEUDONYM_KEY="$(DEMO_KEY)" SENTIMENT_TEST_PG_URL="$${SENTIMENT_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}" $(BIN)/python scripts/audit.py

serve-data: install
	$(BIN)/sentiment browse --db "$(DB)"

serve: install
	bash scripts/serve.sh

lint: install
	$(BIN)/ruff check src flows tests bench scripts

clean:
	rm -rf warehouse.db warehouse.db-* reports
