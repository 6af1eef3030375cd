# lapor — one command to run, one command to test.
#   make run    build (release) and serve http://127.0.0.1:3000 with demo data (SQLite)
#   make test   every test: unit, integration on SQLite and PostgreSQL, browser, a11y, budget
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export LAPOR_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432
DATABASE_URL ?= sqlite://lapor.db

.PHONY: run test build-tools test-tools build unit integration e2e budget deploy-check lighthouse lint fmt

run: build
	DATABASE_URL=$(DATABASE_URL) ./target/release/lapor --demo

build-tools:
	@.ci/tools build

test-tools:
	@.ci/tools test

# Rebuilt only when a source changed, so a second `make run` starts in seconds.
SOURCES := $(shell find app/src app/locales frontend/src frontend/live server/src style public migrations -type f) \
	Cargo.toml Cargo.lock app/Cargo.toml frontend/Cargo.toml server/Cargo.toml
target/release/lapor: $(SOURCES) | build-tools
	cargo leptos build --release --precompress
	frontend/live/build.sh
	touch $@

build: build-tools target/release/lapor

test: test-tools lint unit integration build e2e budget deploy-check

lint:
	cargo fmt --all -- --check
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p live --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p live --target wasm32-unknown-unknown --features desk -- -D warnings

unit:
	cargo test -p app --features ssr --lib

integration:
	.ci/postgres
	cargo test -p server

e2e: build
	cd end2end && npx playwright test

budget: build
	.ci/budget

# The systemd unit and the nginx site of deploy/, checked with the real tools.
deploy-check: build
	deploy/check

# Mobile Lighthouse figures of the citizen pages (printed, not gated).
lighthouse: test-tools build
	.ci/lighthouse

fmt:
	cargo fmt --all
