#!/usr/bin/env bash
# Sets up, builds the release page and serves it with the reference relay on
# http://127.0.0.1:8080: page and relay share one origin, so the page relays through /relay/.
# Extra arguments go to the relay (for example --allow, --listen; see relay/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trunk build --release
# The relay's own profile: like release, but a panic unwinds (a 500) instead of aborting.
cargo build --profile relay -p agent-state-doctor-relay --bin doctor-relay
echo "Agent State Doctor: open http://127.0.0.1:8080 (Ctrl+C stops)"
exec target/relay/doctor-relay --listen 127.0.0.1:8080 --serve dist "$@"
