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

step "the checkout is as clean as before (tests write only ignored files)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  changed=$(git status --porcelain)
  if [ -n "$changed" ]; then
    printf 'The test run changed or created files that are not ignored:\n%s\n' "$changed" >&2
    exit 1
  fi
  echo "git status: clean"
else
  echo "not a git checkout: skipped"
fi
