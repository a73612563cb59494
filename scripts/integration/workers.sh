#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/workers.sh — two worker threads, IPv6 and IPv4 listeners, outgoing-interface.
#
# Runs anchord with threads: 2 on [::1] and 127.0.0.1 and outgoing-interface 127.0.0.77 against the lab,
# checks that every query over both families is answered, that upstream queries leave from 127.0.0.77
# (an nftables counter on loopback), and that SIGHUP and SIGTERM work with several workers. Needs root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh
lab_session 5304
nft_setup
nft_rule "from-outgoing" - ip saddr 127.0.0.77 ip daddr 127.53.0.0/16 udp dport 53
nft_rule "from-elsewhere" - ip saddr != 127.0.0.77 ip daddr 127.53.0.0/16 udp dport 53

cat >"$work/anchord.yaml" <<YAML
interface: ["::1", "127.0.0.1"]
port: $PORT
threads: 2
outgoing-interface: ["127.0.0.77"]
do-ip6: no
root-hints: $LAB/root.hints
trust-anchor-file: ["$LAB/root.anchor"]
do-not-query-localhost: no
log-level: info
YAML
start_anchord "$work/anchord.yaml" "$work/anchord.log"

answered=0
for i in $(seq 1 20); do
    v4=$(dig +short +time=3 +tries=1 -p "$PORT" @127.0.0.1 "w$i.wild.example.lab" A 2>/dev/null || true)
    v6=$(dig +short +time=3 +tries=1 -p "$PORT" @::1 "x$i.wild.example.lab" A 2>/dev/null || true)
    [ "$v4" = 192.0.2.42 ] && answered=$((answered + 1))
    [ "$v6" = 192.0.2.42 ] && answered=$((answered + 1))
done
expect "40 queries over IPv4 and IPv6 to two workers all answered ($answered)" test "$answered" -eq 40
expect "workers listen on both addresses" bash -c 'grep -q "listening on \[::1\]#'"$PORT"'" "$1" && grep -q "listening on 127\.0\.0\.1#'"$PORT"'" "$1"' _ "$work/anchord.log"
expect "upstream queries leave from the outgoing-interface address" test "$(nft_packets from-outgoing)" -gt 0
expect "... and from no other address" test "$(nft_packets from-elsewhere)" -eq 0

kill -HUP "$ANCHORD_PID"
sleep 1.5
out=$(q www.example.lab A)
expect "SIGHUP with two workers: still answering" test "$(status_of "$out")" = NOERROR
kill -TERM "$ANCHORD_PID"
status=0
wait "$ANCHORD_PID" || status=$?
ANCHORD_PID=""
expect "SIGTERM stops both workers, exit status 0" test "$status" -eq 0

finish
