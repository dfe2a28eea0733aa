#!/usr/bin/env bash
# The test command, on a fresh machine or a used one: sets it up (scripts/setup.sh), then runs
# the unit and end-to-end tests (`npm test`; arguments go to vitest, e.g. test/unit). As root,
# which the end-to-end tests need for their network namespaces; through sudo when not root.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/as-root.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
npm test -- "$@"
