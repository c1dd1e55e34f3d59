# The two commands of the README:
#   make run   — install what is missing, build, import the seed content, start the daemon (SQLite, log channel)
#   make test  — install what is missing, run every test
CONFIG ?= config/tepai.yaml
NOW    ?= 2026-11-23
TEPAI  := .build/release/tepai

.PHONY: deps build run test seed eval bench clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release --product tepai

seed: build
	$(TEPAI) import seeds/entries/*.json --config $(CONFIG)

run: seed
	$(TEPAI) serve --config $(CONFIG)

# The PostgreSQL backend's tests need a server: a throwaway one is started (scripts/pg-test-server.sh) unless
# TEPAI_TEST_POSTGRES_URL names one. Without it they fail under CI=true and are skipped (with a note) locally.
test: deps
	@url="$${TEPAI_TEST_POSTGRES_URL:-}"; \
	if [ -z "$$url" ]; then url="$$(scripts/pg-test-server.sh start)" || { [ -z "$${CI:-}" ] || exit 1; url=""; }; fi; \
	TEPAI_TEST_POSTGRES_URL="$$url" swift test

# Retrieval quality on the labeled dev and held-out sets (fixed clock: the sets were labeled on $(NOW)).
eval: seed
	@echo "== dev";      $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/queries/a-dev.json --queries seeds/queries/b-dev.json --queries seeds/queries/c-dev.json --queries seeds/queries/d-dev.json --queries seeds/queries/e-dev.json
	@echo "== held-out"; $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/queries/a-heldout.json --queries seeds/queries/b-heldout.json --queries seeds/queries/d-heldout.json --queries seeds/queries/e-heldout.json
	@rm -f data/blind-f.sqlite && $(TEPAI) import seeds/blind-f/entries.json --config $(CONFIG) --db data/blind-f.sqlite > /dev/null
	@echo "== blind f dev (own store)";      $(TEPAI) eval --config $(CONFIG) --db data/blind-f.sqlite --now $(NOW) --queries seeds/blind-f/dev.json
	@echo "== blind f held-out (own store)"; $(TEPAI) eval --config $(CONFIG) --db data/blind-f.sqlite --now $(NOW) --queries seeds/blind-f/heldout.json
	@echo "== blind h dev (seed store)";      $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/blind-h/dev.json
	@echo "== blind h held-out (seed store)"; $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/blind-h/heldout.json
	@rm -f data/blind-g.sqlite && $(TEPAI) import seeds/blind-g/entries.json --config $(CONFIG) --db data/blind-g.sqlite > /dev/null
	@echo "== blind g dev (own store)";      $(TEPAI) eval --config $(CONFIG) --db data/blind-g.sqlite --now $(NOW) --queries seeds/blind-g/dev.json
	@echo "== blind g held-out (own store)"; $(TEPAI) eval --config $(CONFIG) --db data/blind-g.sqlite --now $(NOW) --queries seeds/blind-g/heldout.json
	@echo "== blind i dev (seed store)";      $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/blind-i/dev.json
	@echo "== blind i held-out (seed store)"; $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/blind-i/heldout.json
	@rm -f data/blind-j.sqlite && $(TEPAI) import seeds/blind-j/entries.json --config $(CONFIG) --db data/blind-j.sqlite > /dev/null
	@echo "== blind j dev (own store)";      $(TEPAI) eval --config $(CONFIG) --db data/blind-j.sqlite --now $(NOW) --queries seeds/blind-j/dev.json
	@echo "== blind j held-out (own store)"; $(TEPAI) eval --config $(CONFIG) --db data/blind-j.sqlite --now $(NOW) --queries seeds/blind-j/heldout.json
	@echo "== blind k dev (seed store)";      $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/blind-k/dev.json
	@echo "== blind k held-out (seed store)"; $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/blind-k/heldout.json
	@rm -f data/blind-l.sqlite && $(TEPAI) import seeds/blind-l/entries.json --config $(CONFIG) --db data/blind-l.sqlite > /dev/null
	@echo "== blind l dev (own store)";      $(TEPAI) eval --config $(CONFIG) --db data/blind-l.sqlite --now $(NOW) --queries seeds/blind-l/dev.json
	@echo "== blind l held-out (own store)"; $(TEPAI) eval --config $(CONFIG) --db data/blind-l.sqlite --now $(NOW) --queries seeds/blind-l/heldout.json

bench: build
	bench/run.sh

clean:
	rm -rf .build data
