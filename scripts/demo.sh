#!/usr/bin/env bash
# Replays the Docker 1.9 "advanced networking" walkthrough with patchbay, on the real
# kernel, inside a fresh sandbox "host" network namespace (pbdemo-<random>) with its own
# temporary state root. The machine's own network namespace is never touched: every
# patchbay call and every sysctl runs under `nsenter --net=/run/netns/pbdemo-...`.
# Everything the demo made is removed on exit, also after an error or Ctrl-C.
# Runs as root: started by anyone else it runs itself again through sudo.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/as-root.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)

bash scripts/setup.sh

NS="pbdemo-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
ROOT=$(mktemp -d /tmp/pbdemo-XXXXXXXX)

# The multi-host part: an underlay namespace with a bridge, two host namespaces on it, consul
# in the first, a root and a daemon per host (started near the end).
UNDER="$NS-u"
HOSTS=("$NS-h1" "$NS-h2")
HROOTS=()
HPIDS=()
CONSUL_PID=
CONSUL_DATA=$(mktemp -d /tmp/pbdemo-consul-XXXXXXXX)

# Unmounts a root's container namespaces and removes its run directory.
wipe_run() {
  local run
  run="/run/patchbay/$(printf '%s' "$1" | sha256sum | cut -c1-16)"
  if [ -d "$run/netns" ]; then
    for f in "$run"/netns/*; do
      [ -e "$f" ] || continue
      umount -l "$f" 2>/dev/null
      rm -f "$f"
    done
  fi
  rm -rf "$run"
}

cleanup() {
  set +e
  for pid in "${DAEMON:-}" "${HPIDS[@]}" "$CONSUL_PID"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  for r in "${HROOTS[@]}"; do
    wipe_run "$r"
    rm -rf "$r" "$r.log"
  done
  for n in "${HOSTS[@]}" "$UNDER"; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$CONSUL_DATA"
  wipe_run "$ROOT"
  rm -rf "$ROOT"
  ip netns del "$NS" 2>/dev/null
  echo
  echo "# cleaned up: sandbox namespace $NS, state root $ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NS"
nsenter --net="/run/netns/$NS" -- ip link set lo up

# `pb ARGS...` prints the command like a terminal session, then its output (and a
# non-zero exit code, which the demo expects in a few places). `pb_as SHOWN ARGS...` shows
# SHOWN as the command line instead (a template by the name it was given).
pb_as() {
  echo
  echo "\$ $1"
  shift
  local rc=0
  nsenter --net="/run/netns/$NS" -- env PATCHBAY_ROOT="$ROOT" "$REPO/bin/patchbay" "$@" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then echo "(exit code $rc)"; fi
  return 0
}
pb() {
  pb_as "patchbay $*" "$@"
}
say() {
  echo
  echo "# $*"
}

# What each step changes on a network, out of its `network inspect` JSON: the subnet, and who
# is on it at which address.
MEMBERS='{{.Name}} {{range .IPAM.Config}}{{.Subnet}} gateway {{.Gateway}}{{end}}{{range .Containers}}{{"\n  "}}{{.Name}} {{.IPv4Address}}{{end}}'
members() {
  pb_as "patchbay network inspect --format \"\$MEMBERS\" $1" network inspect --format "$MEMBERS" "$1"
}

echo "# patchbay demo: sandbox host namespace $NS, state root $ROOT"
echo "# Networks are shown by the fields that change (the whole JSON: patchbay network inspect NAME):"
echo "\$ MEMBERS='$MEMBERS'"

say "By default there are three networks"
pb network ls
members bridge

say "Containers start on the default bridge network"
pb run --name=container1
pb run --name=container2
members bridge

say "Containers on one network reach each other by name"
pb exec container1 -- ip -br addr show eth0
pb exec container1 -- ping -c 2 container2
pb exec container1 -- cat /etc/hosts
pb exec container2 -- ping -c 2 container1

say "A user-defined network is isolated from the others"
pb network create -d bridge isolated_nw
members isolated_nw
pb network ls
pb run --net=isolated_nw --name=container3
members isolated_nw

say "A container can sit on several networks"
pb network connect isolated_nw container2
members isolated_nw
pb inspect '--format={{.NetworkSettings.Networks}}' container2
pb exec container2 -- ip -br addr

say "container3 reaches container2 on isolated_nw, by either name"
pb exec container3 -- ping -c 2 container2.isolated_nw
pb exec container3 -- ping -c 2 container2

say "... but not container1: it cannot even resolve the name"
pb exec container3 -- ping -c 2 container1

say "Nor reach it by address, even with forwarding on in the host"
echo
echo "\$ sysctl -w net.ipv4.ip_forward=1     # in the sandbox host namespace $NS"
nsenter --net="/run/netns/$NS" -- sysctl -w net.ipv4.ip_forward=1
pb exec container3 -- ping -c 2 -W 1 172.17.0.2
pb exec container3 -- ping -c 2 -W 1 172.17.0.3

say "container2 is on both networks and reaches both"
pb exec container2 -- cat /etc/hosts
pb exec container2 -- ping -c 2 container3
pb exec container2 -- ping -c 2 container1

say "A network in use cannot be removed"
pb network rm isolated_nw
pb network ls

say "Disconnecting takes container2 off isolated_nw"
pb network disconnect isolated_nw container2
pb inspect '--format={{.NetworkSettings.Networks}}' container2
members isolated_nw
pb exec container2 -- ip -br addr
pb exec container2 -- ping -c 2 -W 1 172.18.0.2
pb exec container2 -- ping -c 2 container1

say "Once no container uses it, the network can be removed"
pb rm container3
members isolated_nw
pb network rm isolated_nw
pb network ls

say "With patchbay daemon running, the same commands take milliseconds instead of a Node start-up"
echo
echo "\$ patchbay daemon &"
nsenter --net="/run/netns/$NS" -- env PATCHBAY_ROOT="$ROOT" "$REPO/bin/patchbay" daemon &
DAEMON=$!
for _ in $(seq 200); do
  [ -S "$ROOT/daemon.sock" ] && break
  sleep 0.05
done
# `timed ARGS...` is pb with the wall time of the whole call (nsenter included).
timed() {
  local t0
  t0=$(date +%s%N)
  pb "$@"
  echo "($(( ($(date +%s%N) - t0) / 1000000 )) ms)"
}
timed network ls
timed network create -d bridge fast_nw
timed run --net=fast_nw --name=container4
timed network connect fast_nw container1
pb exec container1 -- ping -c 2 container4
timed network disconnect fast_nw container1
timed rm container4
timed network rm fast_nw
echo
echo "\$ kill $DAEMON     # the daemon stops; every command works on its own again"
kill "$DAEMON"
wait "$DAEMON" || true
DAEMON=
timed network ls

say "Every change is in the event log (a hash chain), whoever ran it"
pb events

say "Multi-host: two more host namespaces on an underlay, consul in the first, a daemon on each"
ip netns add "$UNDER"
ip -n "$UNDER" link add br0 type bridge
ip -n "$UNDER" link set br0 up
for i in 0 1; do
  h=${HOSTS[$i]}
  ip netns add "$h"
  ip -n "$h" link set lo up
  ip link add "pbdm$i" netns "$UNDER" type veth peer name ul0 netns "$h"
  ip -n "$UNDER" link set "pbdm$i" master br0 up
  ip -n "$h" addr add "10.98.0.$((i + 1))/24" dev ul0
  ip -n "$h" link set ul0 up
  HROOTS+=("$(mktemp -d /tmp/pbdemo-h$((i + 1))-XXXXXXXX)")
done
CONSUL="$REPO/vendor/consul/usr/bin/consul"
echo "\$ consul agent -server -bootstrap-expect=1 -bind=10.98.0.1 -client=10.98.0.1 …   # in ${HOSTS[0]}"
nsenter --net="/run/netns/${HOSTS[0]}" -- "$CONSUL" agent -server -bootstrap-expect=1 -node=demo -bind=10.98.0.1 -advertise=10.98.0.1 \
  -client=10.98.0.1 -data-dir="$CONSUL_DATA" -dns-port=-1 -grpc-port=-1 -log-level=warn -hcl='disable_update_check = true' >/dev/null 2>&1 &
CONSUL_PID=$!
for _ in $(seq 100); do
  nsenter --net="/run/netns/${HOSTS[0]}" -- "$CONSUL" kv put -http-addr=http://10.98.0.1:8500 demo-ready ok >/dev/null 2>&1 && break
  sleep 0.2
done
# `on N ARGS...` runs patchbay on host N (1 or 2), shown as "hostN$ patchbay ARGS".
on() {
  local i=$(($1 - 1))
  shift
  echo
  echo "host$((i + 1))\$ patchbay $*"
  local rc=0
  nsenter --net="/run/netns/${HOSTS[$i]}" -- env PATCHBAY_ROOT="${HROOTS[$i]}" "$REPO/bin/patchbay" "$@" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then echo "(exit code $rc)"; fi
  return 0
}
for i in 0 1; do
  echo "host$((i + 1))\$ patchbay daemon --cluster-store consul://10.98.0.1:8500 --cluster-advertise ul0 --cluster-host host$((i + 1)) &"
  nsenter --net="/run/netns/${HOSTS[$i]}" -- "$REPO/bin/patchbay" daemon --root "${HROOTS[$i]}" --cluster-store consul://10.98.0.1:8500 \
    --cluster-advertise ul0 --cluster-host "host$((i + 1))" >"${HROOTS[$i]}.log" 2>&1 &
  HPIDS+=($!)
done
for _ in $(seq 100); do
  grep -q 'cluster: joined' "${HROOTS[0]}.log" && grep -q 'cluster: joined' "${HROOTS[1]}.log" && break
  sleep 0.2
done
on 1 info
on 1 network create -d overlay multi-host-network
on 2 network ls
on 1 run --net=multi-host-network --name=web
on 2 run --net=multi-host-network --name=db
sleep 0.5
on 2 exec db -- ping -c 2 web
on 1 exec web -- ping -c 2 db.multi-host-network
on 1 network inspect --format "$MEMBERS{{range .Peers}}{{\"\\n  peer \"}}{{.Name}} {{.IP}}{{end}}" multi-host-network
on 2 network rm multi-host-network
on 2 events -f network=multi-host-network
