# Sourced by the scripts: puts the project's tools on PATH (wasm-opt from node_modules, cargo bin).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
