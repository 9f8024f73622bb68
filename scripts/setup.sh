#!/usr/bin/env bash
# Installs what building and testing the page needs, skipping whatever is already present at the
# right version, so a second run takes seconds. Run by both README commands and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The wasm-bindgen version Cargo.lock resolved (Cargo.toml pins it exactly); the CLI must equal it.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# 1. The Rust target for the browser.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. Cargo.lock must exist before its wasm-bindgen version can be read.
[ -f Cargo.lock ] || cargo generate-lockfile
WASM_BINDGEN_VERSION=$(locked_version wasm-bindgen)

# 3. Trunk (0.22 needs a newer rustc than these machines have).
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 7 minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# 4. The wasm-bindgen CLI and test runner, matching Cargo.lock exactly (--locked fails for this crate).
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 5. The page's splitter (tools/wasm-split, our own front end to wasm_split_cli_support): the
# release build's post-build hook (scripts/build-wasm.mjs) runs target/tools/bin/doctor-wasm-split.
# Reinstalled whenever its sources change (a stamp of their checksum beside it).
splitter=target/tools/bin/doctor-wasm-split
splitter_sum=$(cat tools/wasm-split/Cargo.toml tools/wasm-split/Cargo.lock tools/wasm-split/src/*.rs | sha256sum | cut -d' ' -f1)
if [ ! -x "$splitter" ] || [ "$(cat "$splitter.sum" 2>/dev/null)" != "$splitter_sum" ]; then
  say "building the wasm splitter tools/wasm-split (about 2 minutes, once)"
  cargo install --path tools/wasm-split --locked --force --root target/tools --target-dir target/tools/build
  echo "$splitter_sum" > "$splitter.sum"
fi

# 6. Debian's Chromium and its driver, for wasm-bindgen-test and the Playwright tests.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# 7. Node tools from the committed lock file: wasm-opt (binaryen 132) and playwright-core.
stamp=node_modules/.installed-from-lock
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  say "installing Node tools from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

say "ready: trunk $(trunk --version | awk '{print $2}'), wasm-bindgen $WASM_BINDGEN_VERSION, $("$splitter" --version), $(node_modules/.bin/wasm-opt --version | awk '{print $1, $3}'), $(chromium --version 2>/dev/null | awk '{print $1, $2}')"
