#!/usr/bin/env bash
# Run the eecal testbed on one Linux machine over a shaped link: the edge and the cloud each get a
# network namespace of their own, joined by a veth pair whose edge→cloud direction (the uplink) is
# rate-limited in the kernel with an HTB qdisc. The end node (eecal testbed) runs in the edge's
# namespace and talks to the edge over that namespace's loopback.
#
# Needs root (ip netns, tc) and the kernel's sch_htb. No netem: a propagation delay is not emulated;
# --configured-delay-ms only records a delay you want the analysis to assume, and it is written to the
# sidecar as configured, never added to measured times.
#
# Everything the script creates (two namespaces, the veth pair, the servers it starts) is removed on
# exit, on failure and on Ctrl-C. Addresses (10.231.X.1/.2) exist only inside those namespaces.
#
# usage: scripts/testbed-net.sh --model DIR --uplink 3g|4g|wifi|all|MBPS --out DIR
#          [--edge-exits 1] [--p-tar 0.8] [--calibration FILE]… [--downlink MBPS]
#          [--configured-delay-ms D] [--wire float32|float16] [-- TESTBED-ARGS…]
#   TESTBED-ARGS go to `eecal testbed` (e.g. --data ARCHIVE --split test --limit 200 --methods none,temperature).
#   --uplink all runs the three uplink rates of eecal's latency model (3g 1.1, 4g 5.85, wifi 18.8 Mbit/s),
#   writing OUT/<rate>/measured.csv each.
#   EECAL="node --import tsx test/faults/runCli.ts" runs the sources instead of bin/eecal.js (dist/).
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "testbed-net: $*" >&2; exit 2; }

REPO="$(cd "$(dirname "$0")/.." && pwd)"
EECAL="${EECAL:-node $REPO/bin/eecal.js}"
MODEL="" UPLINK="" OUT="" K=1 PTAR=0.8 DOWNLINK="" DELAY="" WIRE=float32
CALIB=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --uplink) UPLINK="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --edge-exits) K="$2"; shift 2 ;;
    --p-tar) PTAR="$2"; shift 2 ;;
    --calibration) CALIB+=(--calibration "$2"); shift 2 ;;
    --downlink) DOWNLINK="$2"; shift 2 ;;
    --configured-delay-ms) DELAY="$2"; shift 2 ;;
    --wire) WIRE="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ -n "$MODEL" ] || die "--model is required"
[ -n "$UPLINK" ] || die "--uplink is required (3g, 4g, wifi, all or Mbit/s)"
[ -n "$OUT" ] || die "--out is required"
[ "$(id -u)" = 0 ] || die "needs root (ip netns and tc); run it with sudo"
command -v ip >/dev/null && command -v tc >/dev/null || die "needs iproute2 (ip, tc)"
TESTBED_ARGS=("$@")

# The presets of src/offloading/latencyModel.ts (UPLINK_PRESETS), Mbit/s.
rate_of() {
  case "$1" in
    3g) echo 1.1 ;; 4g) echo 5.85 ;; wifi) echo 18.8 ;;
    *) [[ "$1" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--uplink \"$1\": expected 3g, 4g, wifi, all or a rate in Mbit/s"; echo "$1" ;;
  esac
}

# Short unique names (interface names are limited to 15 characters).
ID="$(( $$ % 100000 ))"
NS_EDGE="eecal-edge-$ID" NS_CLOUD="eecal-cloud-$ID"
IF_EDGE="eec${ID}e" IF_CLOUD="eec${ID}c"
NET="10.231.$(( ID % 250 ))"
PIDS=()

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  ip netns del "$NS_EDGE" 2>/dev/null || true
  ip netns del "$NS_CLOUD" 2>/dev/null || true   # deleting a namespace removes its end of the veth pair, and so the pair
  ip link del "$IF_EDGE" 2>/dev/null || true
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS_EDGE"
ip netns add "$NS_CLOUD"
ip link add "$IF_EDGE" type veth peer name "$IF_CLOUD"
ip link set "$IF_EDGE" netns "$NS_EDGE"
ip link set "$IF_CLOUD" netns "$NS_CLOUD"
ip -n "$NS_EDGE" addr add "$NET.1/30" dev "$IF_EDGE"
ip -n "$NS_CLOUD" addr add "$NET.2/30" dev "$IF_CLOUD"
for ns in "$NS_EDGE" "$NS_CLOUD"; do ip -n "$ns" link set lo up; done
ip -n "$NS_EDGE" link set "$IF_EDGE" up
ip -n "$NS_CLOUD" link set "$IF_CLOUD" up

# Shape one direction: an HTB class at RATE Mbit/s for everything leaving IF (HTB, not TBF: veth hands
# the qdisc GSO super-packets larger than a TBF bucket, which TBF would drop).
shape() { # ns if mbit
  tc -n "$1" qdisc del dev "$2" root 2>/dev/null || true
  tc -n "$1" qdisc add dev "$2" root handle 1: htb default 10
  tc -n "$1" class add dev "$2" parent 1: classid 1:10 htb rate "${3}mbit" ceil "${3}mbit" quantum 1514
}
[ -n "$DOWNLINK" ] && shape "$NS_CLOUD" "$IF_CLOUD" "$(rate_of "$DOWNLINK")"

wait_health() { # ns url pid
  for _ in $(seq 1 240); do
    kill -0 "$3" 2>/dev/null || die "server for $2 exited; see its log under $OUT"
    if ip netns exec "$1" node -e "fetch('$2/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  die "no answer from $2/health after 120 s"
}

mkdir -p "$OUT"
ip netns exec "$NS_CLOUD" $EECAL serve cloud --model "$MODEL" --host "$NET.2" --port 8081 \
  --access-log "$OUT/cloud-access.log" >"$OUT/cloud.log" 2>&1 &
PIDS+=($!)
ip netns exec "$NS_EDGE" $EECAL serve edge --model "$MODEL" --cloud "http://$NET.2:8081" --port 8080 \
  --edge-exits "$K" --p-tar "$PTAR" --wire "$WIRE" "${CALIB[@]}" --access-log "$OUT/edge-access.log" >"$OUT/edge.log" 2>&1 &
PIDS+=($!)
wait_health "$NS_CLOUD" "http://$NET.2:8081" "${PIDS[0]}"
wait_health "$NS_EDGE" "http://127.0.0.1:8080" "${PIDS[1]}"

if [ "$UPLINK" = all ]; then RATES=(3g 4g wifi); else RATES=("$UPLINK"); fi
for r in "${RATES[@]}"; do
  mbps="$(rate_of "$r")"
  shape "$NS_EDGE" "$IF_EDGE" "$mbps"
  dir="$OUT"; [ "${#RATES[@]}" -gt 1 ] && dir="$OUT/$r"
  echo "testbed-net: uplink $r = $mbps Mbit/s (HTB on the edge's veth), results in $dir" >&2
  extra=(--uplink-mbps "$mbps" --link-note "testbed-net.sh: veth between two network namespaces, HTB ${mbps} Mbit/s edge→cloud${DOWNLINK:+, ${DOWNLINK} cloud→edge}; no emulated delay")
  [ -n "$DELAY" ] && extra+=(--configured-delay-ms "$DELAY")
  ip netns exec "$NS_EDGE" $EECAL testbed --edge http://127.0.0.1:8080 --out "$dir" "${extra[@]}" "${TESTBED_ARGS[@]}"
done
