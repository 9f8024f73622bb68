#!/usr/bin/env bash
# The benchmark (not a test): the release page in Chromium against the simulated tenant over HTTP,
# every answer held back by a delay, the same origin (/relay/) and a cross-origin relay. Prints,
# per verdict path, click-to-verdict time, the network floor, their ratio, the page's own time per
# round, and navigation to a usable form. See README.md, "How fast".
#   scripts/bench.sh [--delay-ms 50] [--runs 5] [--paths logged-in,platform-logged-in,...]
# Builds what it needs first (release page, relay and sim-tenant) unless BENCH_NO_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  trunk build --release >/dev/null 2>&1 || trunk build --release
  # The relay's own optimised profile (as scripts/serve.sh and the Dockerfile use): a debug relay
  # would put its own slowness into the figures.
  cargo build --profile relay -p agent-state-doctor-relay --bins --quiet
fi
exec node scripts/bench.mjs "$@"
