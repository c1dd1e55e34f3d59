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
	@# Blind sets over the seed store, then blind sets with their own store (rebuilt each time from entries.json).
	@for set in h i k; do for part in dev heldout; do \
	  echo "== blind $$set $$part (seed store)"; \
	  $(TEPAI) eval --config $(CONFIG) --now $(NOW) --queries seeds/blind-$$set/$$part.json || exit 1; \
	done; done
	@for set in f g j l m n o p; do \
	  rm -f data/blind-$$set.sqlite && $(TEPAI) import seeds/blind-$$set/entries.json --config $(CONFIG) --db data/blind-$$set.sqlite > /dev/null || exit 1; \
	  for part in dev heldout; do \
	    echo "== blind $$set $$part (own store)"; \
	    $(TEPAI) eval --config $(CONFIG) --db data/blind-$$set.sqlite --now $(NOW) --queries seeds/blind-$$set/$$part.json || exit 1; \
	  done; \
	done

bench: build
	bench/run.sh

clean:
	rm -rf .build data
