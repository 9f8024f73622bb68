#!/usr/bin/env bash
# Sets up, builds the release page and serves it on http://127.0.0.1:8080 (rebuilds on change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
echo "Serving Agent State Doctor on http://127.0.0.1:8080 (Ctrl+C stops)"
exec trunk serve --release "$@"
