#!/usr/bin/env bash
# Sets up, then runs every test: native, wasm in headless Chromium, and the real-browser suite
# against the release build. Finishes by printing the page's weight.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "formatting (rustfmt)"
cargo fmt --all -- --check

step "native tests (cargo test)"
cargo test --workspace

step "the same suites compiled to wasm, in headless Chromium (wasm-bindgen-test)"
cargo test -p agent-state-doctor --target wasm32-unknown-unknown --tests

step "release build (trunk, wasm-opt)"
trunk build --release

step "real-browser tests (Playwright, Debian's Chromium; the relay and the simulated tenant over HTTP)"
cargo build -p agent-state-doctor-relay --bins
node --test --test-concurrency=1 tests/e2e/*.test.mjs

step "page weight"
bash scripts/weight.sh
