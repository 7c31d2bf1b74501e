# npsdesk — one command to run the app, one to test everything, on a fresh Debian 12 / Ubuntu machine with
# Rust and Node. Missing system packages are installed with apt (as root, or through sudo).
#
#   make run     install what is missing, build, open the app on the bundled demo workspace
#   make test    install what is missing, then every check: fmt, clippy, Rust tests, IPC type drift,
#                UI type check + unit tests, every screen in chromium (Playwright, mocked IPC), and the
#                end-to-end suite in the real Tauri window (Xvfb)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The shared design folder (generator, real fixtures) lives beside the repository.
NPSDESK_SHARED ?= $(abspath ../shared)
export NPSDESK_SHARED
# `make run` builds optimised (a real export can have a million rows); tests use the debug build.
RUN_PROFILE ?= release
TAURI_DRIVER_VERSION := 2.1.0
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin

APT_RUN  := libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev libsoup-3.0-dev \
            libssl-dev pkg-config build-essential file python3
APT_TEST := $(APT_RUN) webkit2gtk-driver xvfb xauth imagemagick chromium libreoffice-impress poppler-utils

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run test deps-run deps-test system-packages node-deps tauri-driver ui app cli \
        check-fmt clippy rust-tests bindings-drift ui-checks browser-tests e2e clean bench-launch \
        cargo-deny deny audit cargo-fuzz fuzz-build fuzz-replay fuzz reliability

help:
	@echo "make run    build and open the npsdesk window on the demo workspace"
	@echo "make test   every test (what CI runs)"

# ---------------------------------------------------------------------------------------------- set-up
system-packages:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then \
	    echo "error: need root or sudo to install:$$missing" >&2; exit 1; fi; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps-run:
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(APT_RUN)"
	@$(MAKE) --no-print-directory node-deps

deps-test:
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(APT_TEST)"
	@$(MAKE) --no-print-directory node-deps tauri-driver

# npm ci only when the lockfile changed since the last install.
node-deps: ui/node_modules/.installed
ui/node_modules/.installed: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	touch $@

tauri-driver:
	@if ! "$(CARGO_BIN)/tauri-driver" --help 2>/dev/null | grep -q . || \
	   [ "$$(cat $(CARGO_BIN)/.tauri-driver-version 2>/dev/null)" != "$(TAURI_DRIVER_VERSION)" ]; then \
	  cargo install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked && \
	  echo $(TAURI_DRIVER_VERSION) > "$(CARGO_BIN)/.tauri-driver-version"; \
	fi

# ---------------------------------------------------------------------------------------------- build
# The app embeds ui/dist at compile time, so the front end is built first.
ui: node-deps
	cd ui && npm run build && npm run build:cli

app: ui
	cargo build -p npsdesk-app -p npsdesk-cli

run: deps-run ui
	cargo build --profile $(RUN_PROFILE) -p npsdesk-app -p npsdesk-cli
	./target/$(RUN_PROFILE)/npsdesk-app --demo

# ---------------------------------------------------------------------------------------------- tests
test: deps-test check-fmt ui clippy rust-tests bindings-drift deny fuzz-replay ui-checks browser-tests e2e
	@echo "make test: all checks passed"

check-fmt:
	cargo fmt --all --check

clippy: ui
	cargo clippy --workspace --all-targets -- -D warnings

# Rust tests also regenerate the TypeScript IPC types (ts-rs) into ui/src/api/generated (.cargo/config.toml).
# The folder is not redirected elsewhere on purpose: a different TS_RS_EXPORT_DIR would change cargo's
# fingerprint and rebuild every crate for the next cargo command.
rust-tests: ui
	@test -f "$(NPSDESK_SHARED)/tools/gen_surveymonkey.py" || \
	  { echo "error: $(NPSDESK_SHARED) (the shared design folder) is missing; set NPSDESK_SHARED" >&2; exit 1; }
	cargo test --workspace

# The regenerated types must equal the committed ones (changed or new files both count).
bindings-drift: rust-tests
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  drift="$$(git status --porcelain -- ui/src/api/generated)"; \
	  if [ -n "$$drift" ]; then echo "$$drift"; git --no-pager diff --stat -- ui/src/api/generated; \
	    echo "error: ui/src/api/generated drifted from the Rust types: commit what cargo test generated" >&2; exit 1; fi; \
	  echo "IPC types: no drift"; \
	else echo "IPC types: not a git checkout, drift not checked"; fi

ui-checks: node-deps
	cd ui && npm run typecheck && npm run check && npm test && npm run office

# Every screen of the mocked preview in Debian's chromium (Playwright, no browser download); screenshots in
# target/browser-artifacts/screens.
browser-tests: node-deps
	cd ui && CHROMIUM=$$(command -v chromium) npm run browser

# The real window: tauri-driver + WebKitWebDriver under Xvfb; screenshots land in target/e2e-artifacts.
e2e: app
	rm -rf target/e2e-artifacts && mkdir -p target/e2e-artifacts
	NPSDESK_APP=$(CURDIR)/target/debug/npsdesk-app NPSDESK_CLI=$(CURDIR)/target/debug/npsdesk \
	NPSDESK_GEN=$(NPSDESK_SHARED)/tools/gen_surveymonkey.py TAURI_DRIVER=$(CARGO_BIN)/tauri-driver \
	E2E_ARTIFACTS=$(CURDIR)/target/e2e-artifacts \
	  xvfb-run -a -s "-screen 0 1280x900x24" node ui/e2e/real-window.mjs

# ---------------------------------------------------------------------------------------------- reliability
# See RELIABILITY.md for what each of these proves and the last figures.
CARGO_DENY_VERSION := 0.20.2
CARGO_FUZZ_VERSION := 0.13.2
FUZZ_TARGETS := import_csv import_xlsx decode dates score rules records
# `make fuzz`: seconds per target (one target at a time). `make test` replays the committed corpus and
# mutates for FUZZ_SMOKE_SECONDS per target.
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 6
# cargo-fuzz passes -Z flags: on stable Rust, RUSTC_BOOTSTRAP=1 lets it (no sanitizer: none needs nightly).
FUZZ := RUSTC_BOOTSTRAP=1 "$(CARGO_BIN)/cargo-fuzz"

cargo-deny:
	@if [ "$$("$(CARGO_BIN)/cargo-deny" --version 2>/dev/null)" != "cargo-deny $(CARGO_DENY_VERSION)" ]; then \
	  cargo install cargo-deny --version $(CARGO_DENY_VERSION) --locked; fi

# Licenses (allow-list), bans (tauri only in the shell, polars only in analytics) and sources: offline.
deny: cargo-deny
	"$(CARGO_BIN)/cargo-deny" check licenses bans sources

# Needs the RustSec database from GitHub and npm's audit endpoint: not reachable from every build machine,
# so not part of `make test` (RELIABILITY.md).
audit: cargo-deny node-deps
	"$(CARGO_BIN)/cargo-deny" check advisories
	cd ui && npm audit --omit=dev

cargo-fuzz:
	@if [ "$$("$(CARGO_BIN)/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $(CARGO_FUZZ_VERSION)" ]; then \
	  cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked; fi

fuzz-build: cargo-fuzz
	$(FUZZ) build --fuzz-dir fuzz --sanitizer none -O

# Every committed corpus input once, then a few seconds of mutation per target; new inputs go to a scratch
# folder, never into fuzz/corpus.
fuzz-replay: fuzz-build
	@scratch="$$(mktemp -d)"; trap 'rm -rf "$$scratch"' EXIT; \
	for t in $(FUZZ_TARGETS); do mkdir -p "$$scratch/$$t"; \
	  if ! $(FUZZ) run --fuzz-dir fuzz $$t --sanitizer none -O "$$scratch/$$t" fuzz/corpus/$$t -- \
	       -max_total_time=$(FUZZ_SMOKE_SECONDS) -timeout=20 -rss_limit_mb=2048 > "$$scratch/$$t.log" 2>&1; then \
	    tail -n 80 "$$scratch/$$t.log"; echo "error: fuzz target $$t failed (input in fuzz/artifacts/$$t)" >&2; exit 1; fi; \
	  echo "fuzz $$t: $$(grep -E '^Done' "$$scratch/$$t.log" | tail -n 1)"; \
	done

# Long fuzzing, one target at a time (FUZZ_SECONDS each); new inputs are added to fuzz/corpus: minimise with
# `RUSTC_BOOTSTRAP=1 cargo fuzz cmin --fuzz-dir fuzz <target> --sanitizer none -O` before committing.
fuzz: fuzz-build
	for t in $(FUZZ_TARGETS); do \
	  env RUSTC_BOOTSTRAP=1 nice -n 19 "$(CARGO_BIN)/cargo-fuzz" run --fuzz-dir fuzz $$t --sanitizer none -O fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 || exit 1; \
	done

# ---------------------------------------------------------------------------------------------- benchmark
# npsdesk against pandas, polars and DuckDB on the same exports (bench/run.py, BENCHMARKS.md); not part of
# `make test`. Inputs, the rivals' venv and workspaces live in BENCH_CACHE, never in the repository.
# BENCH_ARGS: e.g. --with-5m, --sizes 100k --reps 5, --skip-build.
BENCH_CACHE ?= /tmp/npsdesk-bench
BENCH_ARGS ?=
.PHONY: bench
bench:
	python3 bench/run.py --cache $(BENCH_CACHE) $(BENCH_ARGS)

# The real window (release build) from launch to a painted dashboard, on WORKSPACE (e.g. `npsdesk import` of
# the 1M export of `make bench` into a new workspace), LAUNCH_RUNS times; run it on a tiny workspace too, for
# the part that is tauri-driver's and WebKitWebDriver's own start.
LAUNCH_RUNS ?= 5
bench-launch: ui tauri-driver
	cargo build --release -p npsdesk-app
	NPSDESK_APP=$(CURDIR)/target/release/npsdesk-app TAURI_DRIVER=$(CARGO_BIN)/tauri-driver \
	  xvfb-run -a -s "-screen 0 1280x900x24" node ui/e2e/app-launch.mjs $(WORKSPACE) $(LAUNCH_RUNS)

# The full kill -9 runs (100 trials of import, of rules save and of a follow-up edit) and the 1 GB single line.
reliability:
	NPSDESK_KILL_TRIALS=100 cargo test -p npsdesk-cli --test crash -- --nocapture
	NPSDESK_LONG_LINE_MB=1024 cargo test -p npsdesk-cli --test broken -- --nocapture

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
