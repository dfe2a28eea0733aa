#!/usr/bin/env bash
# Installs the key-value stores the multi-host tests run inside their namespaces: Debian's
# etcd-server (+ etcd-client for etcdctl), never left running as the machine's own service,
# and consul 1.8.7, which only Debian bullseye has: fetched with a private apt list (the
# system's sources are not changed) and unpacked into vendor/consul/. Run as root; idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "install-cluster-stores.sh: must run as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# 1. etcd. Debian's package starts etcd.service on install; the tests start their own etcd in
#    namespaces, so a policy-rc.d that refuses every start is in place during the install
#    (an existing one, as in containers, is left as it is), and the unit is masked afterwards.
if installed etcd-server && installed etcd-client; then
  echo "cluster-stores: etcd $(etcd --version | sed -n 's/^etcd Version: //p') already installed"
else
  echo "cluster-stores: installing etcd-server and etcd-client (apt)"
  policy=/usr/sbin/policy-rc.d
  ours=""
  if [ ! -e "$policy" ]; then
    ours=$policy
    printf '#!/bin/sh\n# installed by patchbay scripts/install-cluster-stores.sh during an apt-get install\nexit 101\n' >"$ours"
    chmod 755 "$ours"
    trap 'rm -f "$ours"' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends etcd-server etcd-client >/dev/null
  if [ -n "$ours" ]; then
    rm -f "$ours"
    trap - EXIT
  fi
fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  if [ "$(systemctl is-enabled etcd.service 2>/dev/null || true)" != masked ]; then
    echo "cluster-stores: stopping and masking the system's etcd.service"
    systemctl stop etcd.service 2>/dev/null || true
    systemctl disable etcd.service 2>/dev/null || true
    systemctl mask etcd.service >/dev/null
  fi
fi

# 2. consul 1.8.7 from bullseye, unpacked into vendor/consul/ (not installed system-wide).
consul=vendor/consul/usr/bin/consul
if "$consul" version >/dev/null 2>&1; then
  echo "cluster-stores: $("$consul" version | head -n 1) already in vendor/consul"
  exit 0
fi

# The mirror is whatever this machine's apt already uses: the URIs of the first stanza of
# debian.sources whose suites are not security updates (deb822), else the first plain
# "deb" line of sources.list.
uri=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  uri=$(awk '
    /^[[:space:]]*$/ { if (u != "" && s !~ /-security/) { print u; exit } u = ""; s = ""; next }
    tolower($1) == "uris:" { u = $2 }
    tolower($1) == "suites:" { s = $0 }
    END { if (u != "" && s !~ /-security/) print u }' /etc/apt/sources.list.d/debian.sources | head -n 1)
fi
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' /etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
  echo "install-cluster-stores.sh: no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list" >&2
  exit 1
fi

work=.cache/consul-apt
rm -rf "$work"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bullseye main" >"$work/sources.list"
# Every apt state and cache path points into $work: the system's lists and caches stay as they were.
apt_opts=(
  -o "Dir::Etc::sourcelist=$PWD/$work/sources.list"
  -o Dir::Etc::sourceparts=/dev/null
  -o "Dir::State::Lists=$PWD/$work/lists"
  -o "Dir::Cache=$PWD/$work/cache"
)
echo "cluster-stores: reading the bullseye package list (private apt lists in $work)"
apt-get update -qq "${apt_opts[@]}"
echo "cluster-stores: downloading consul from bullseye"
# apt-get download writes into the current folder, which its unprivileged _apt user may not
# reach inside the project: download as root, as apt would do anyway after warning.
(cd "$work/deb" && apt-get download -qq "${apt_opts[@]}" -o APT::Sandbox::User=root consul)
deb=$(ls "$work"/deb/consul_*.deb)
echo "cluster-stores: unpacking $(basename "$deb") into vendor/consul"
rm -rf vendor/consul
mkdir -p vendor/consul
dpkg-deb -x "$deb" vendor/consul
rm -rf "$work"
echo "cluster-stores: $("$consul" version | head -n 1) ready in vendor/consul"
