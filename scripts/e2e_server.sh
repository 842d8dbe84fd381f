#!/usr/bin/env bash
# The server the end-to-end suite drives: `staketrack serve` on the demo network with a
# fresh data directory, the built SPA, chain data fetched before it listens.
#   E2E_PORT (8765)  E2E_DATA_DIR (frontend/test-results/e2e-data-$E2E_PORT)
# The last step execs the server, so the PID Playwright stops is the server itself.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${E2E_PORT:-8765}"
export DATA_DIR="${E2E_DATA_DIR:-$PWD/frontend/test-results/e2e-data-$PORT}"
export NETWORK=demo HOST=127.0.0.1 PORT LOG_FORMAT=console LOG_LEVEL=WARNING
export APP_DOMAIN="127.0.0.1:$PORT"
# Every test signs in from the same IP: the default 10/minute on /api/auth/* (nonce and
# refresh included) would refuse a suite's sign-ins. The limit itself is tested in tests/api.
export RATE_LIMIT_AUTH="${RATE_LIMIT_AUTH:-600/minute}"
# The admin of the suite: the demo "empty" wallet's ETH address (its key derives from a
# public seed, frontend/e2e/demo.ts), never an admin outside this throwaway server.
export ADMIN_WALLETS=0x8C00BFfd3561397CcE4c74C7C7Fbd15F2537e880
unset DATABASE_URL REDIS_URL
rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"
.venv/bin/staketrack migrate >/dev/null
.venv/bin/staketrack fetch --chain all >"$DATA_DIR/fetch.log" 2>&1 || { cat "$DATA_DIR/fetch.log" >&2; exit 1; }
exec .venv/bin/staketrack serve
