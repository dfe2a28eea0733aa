#!/usr/bin/env bash
# Prepares a fresh Debian (bookworm) machine to build and test patchbay. Run as root.
# Idempotent: installs only what is missing, reinstalls node modules only when the
# lockfile changed, and rebuilds (native addon + typecheck + bundle).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: must run as root (sudo bash scripts/setup.sh)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

# 1. System packages the CLI, the tests and the benchmarks use (sqlite3: the tamper tests edit
#    the log with it; netavark and containernetworking-plugins: the peers bench/ compares with).
mapfile -t missing < <(missing_packages nftables iproute2 iputils-ping util-linux procps build-essential python3 sqlite3 netavark containernetworking-plugins)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

# 1b. The key-value stores the multi-host tests start inside their own namespaces: etcd from
#     apt (never left running as a service), consul 1.8.7 from bullseye unpacked into vendor/consul.
bash scripts/install-cluster-stores.sh

# 2. Node.js >= 20 with npm must already be there (better-sqlite3 12 and oclif 4 need it;
#    Debian bookworm's own nodejs is 18, so it comes with the machine, not from apt).
if ! command -v node >/dev/null 2>&1 ||
  ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  ! command -v npm >/dev/null 2>&1; then
  echo "setup: patchbay needs Node.js 20 or newer with npm (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# 3. Node modules, reinstalled only when the lockfile (or package.json) changed. The first time
#    this is the long step: where no prebuilt better-sqlite3 can be fetched, it compiles SQLite.
#    --foreground-scripts shows that compile as it goes; -w leaves out the C/C++ warnings of
#    code that is not ours.
npm_install() {
  echo "setup: npm $1: installing node modules; compiling better-sqlite3 (when no prebuilt one can be fetched, which prebuild-install then warns about) takes about 2 minutes"
  CFLAGS=-w CXXFLAGS=-w npm "$@" --no-audit --no-fund --foreground-scripts --loglevel=warn
}
stamp=node_modules/.patchbay-setup-stamp
if [ -f package-lock.json ]; then
  want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    npm_install ci
    echo "$want" >"$stamp"
  fi
else
  want=$(sha256sum package.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    npm_install install
    echo "$want" >"$stamp"
  fi
fi

# 4. Build: native addon, typecheck, bundle -> bin/patchbay.
echo "setup: npm run build"
npm run build
echo "setup: done"
