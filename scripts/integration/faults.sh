#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/faults.sh — anchord across a faulty path, in network namespaces.
#
# Two namespaces of our own joined by a veth pair with a 1,280-octet MTU, addresses from the benchmark
# range 198.18.0.0/15 (nothing is routed anywhere else): NSD on the far side serves a small signed root
# zone (big*. TXT answers of about 3 KB, small*. TXT answers); anchord on the near side has it as its only
# root server and its key as trust anchor. nftables in the near namespace makes the faults:
#   frag      non-first IP fragments dropped, TCP open: answers arrive over TCP with AD, the first in ≤ 1 s;
#   frag-tcp  fragments dropped and TCP/53 blocked: SERVFAIL naming the cause (EDE 22) within 3 s, at
#             most 20 upstream queries per question, later questions faster still;
#   silent    the server never answers: every question (not only the first) gets its SERVFAIL within
#             the deadline (client-timeout-ms, 3500) and dig's 5 s.
# Each mode starts a fresh anchord; per question the script prints the time dig measured and the upstream
# UDP queries and TCP SYNs nftables counted. Namespaces, veth and processes go on exit, whatever happens.
# Needs root, ip, nft, nsd, dnssec-keygen/-signzone, dig.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh

ANCHORD=$(realpath "${TEST_ANCHORD_BINARY:-.build/release/anchord}")
NEAR=anchord-near-$$
FAR=anchord-far-$$
NEAR_IP=198.18.53.1
FAR_IP=198.18.53.2
PORT=53
work=$(mktemp -d)
ANCHORD_PID=""
NSD_PID=""

cleanup() {
    if [ -n "$ANCHORD_PID" ]; then kill "$ANCHORD_PID" 2>/dev/null || true; wait "$ANCHORD_PID" 2>/dev/null || true; fi
    if [ -n "$NSD_PID" ]; then kill "$NSD_PID" 2>/dev/null || true; fi
    if [ -s "$work/nsd.pid" ]; then kill "$(cat "$work/nsd.pid")" 2>/dev/null || true; fi
    ip netns del "$NEAR" 2>/dev/null || true
    ip netns del "$FAR" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

near() { ip netns exec "$NEAR" "$@"; }
far() { ip netns exec "$FAR" "$@"; }

# --- the path --------------------------------------------------------------------------------------
ip netns add "$NEAR"
ip netns add "$FAR"
ip link add "vn$$" netns "$NEAR" type veth peer name "vf$$" netns "$FAR"
near ip link set lo up
far ip link set lo up
near ip addr add "$NEAR_IP/30" dev "vn$$"
far ip addr add "$FAR_IP/30" dev "vf$$"
near ip link set "vn$$" mtu 1280 up
far ip link set "vf$$" mtu 1280 up

# --- the far side: a signed root zone on NSD -------------------------------------------------------
mkdir -p "$work/keys" "$work/state"
{
    echo '$ORIGIN .'
    echo '$TTL 3600'
    echo '. IN SOA ns.root. hostmaster.root. 1 1800 900 604800 300'
    echo '. IN NS ns.root.'
    echo "ns.root. IN A $FAR_IP"
    for i in 1 2 3 4 5 6; do
        echo "small$i. IN TXT \"small answer $i\""
        printf 'big%s. IN TXT' "$i"
        for j in $(seq 12); do printf ' "%s"' "$(printf "%0250d" "$j")"; done
        echo
    done
} >"$work/root.zone"
ksk=$(dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 -f KSK .)
zsk=$(dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 .)
sed 's/;.*//' "$work/keys/$ksk.key" "$work/keys/$zsk.key" >>"$work/root.zone"
dnssec-signzone -q -d "$work" -K "$work/keys" -o . -f "$work/root.signed" "$work/root.zone" "$work/keys/$ksk" "$work/keys/$zsk" >/dev/null
sed 's/;.*//; /^[[:space:]]*$/d' "$work/keys/$ksk.key" >"$work/root.anchor"
cat >"$work/nsd.conf" <<EOF
server:
    ip-address: $FAR_IP
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonelistfile: "$work/zone.list"
    xfrdfile: "$work/xfrd.state"
    xfrdir: "$work"
    pidfile: "$work/nsd.pid"
    logfile: "$work/nsd.log"
    ipv4-edns-size: 4096
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "."
    zonefile: "$work/root.signed"
EOF
far nsd -c "$work/nsd.conf"
for _ in $(seq 50); do
    if far dig +time=1 +tries=1 @"$FAR_IP" . SOA >/dev/null 2>&1; then break; fi
    sleep 0.1
done
size=$(far dig +dnssec +bufsize=4096 +time=1 +tries=1 @"$FAR_IP" big1. TXT | sed -nE 's/^;; MSG SIZE +rcvd: ([0-9]+).*/\1/p')
expect "the far side answers big1. TXT with more than 1280 octets (${size:-no} octets)" test "${size:-0}" -gt 1280

# --- the near side ---------------------------------------------------------------------------------
echo ". 3600000 IN NS ns.root." >"$work/root.hints"
echo "ns.root. 3600000 IN A $FAR_IP" >>"$work/root.hints"
cat >"$work/anchord.yaml" <<YAML
interface: ["127.0.0.1"]
port: $PORT
threads: 1
do-ip6: no
root-hints: $work/root.hints
trust-anchor-file: ["$work/root.anchor"]
trust-anchor-state-dir: $work/state
log-level: info
YAML

# The fault rules and the counters: fragments are dropped as they come in to the near side (netdev
# ingress sees them before reassembly); TCP/53 and, for a silent server, UDP/53 are dropped as they come
# in to the far side (so the sender sees nothing, as across the Internet, not a local EPERM); UDP queries
# and TCP SYNs are counted as they leave the near side.
faults() {
    near nft delete table netdev faults 2>/dev/null || true
    near nft delete table inet faults 2>/dev/null || true
    far nft delete table inet faults 2>/dev/null || true
    far nft add table inet faults
    far nft add chain inet faults in '{ type filter hook input priority 0; policy accept; }'
    near nft add table netdev faults
    near nft add chain netdev faults in "{ type filter hook ingress device vn$$ priority 0; policy accept; }"
    near nft add table inet faults
    near nft add chain inet faults out '{ type filter hook output priority 0; policy accept; }'
    near nft add rule inet faults out ip daddr "$FAR_IP" udp dport 53 counter comment '"udp"'
    near nft add rule inet faults out ip daddr "$FAR_IP" tcp dport 53 tcp flags syn counter comment '"syn"'
    local mode
    for mode in "$@"; do
        case $mode in
            frag) near nft add rule netdev faults in ip frag-off '&' 0x1fff != 0 counter drop ;;
            tcp) far nft add rule inet faults in tcp dport 53 drop ;;
            silent)
                far nft add rule inet faults in udp dport 53 drop
                far nft add rule inet faults in tcp dport 53 drop ;;
        esac
    done
}
counter() { near nft list chain inet faults out | grep "comment \"$1\"" | sed -nE 's/.*counter packets ([0-9]+).*/\1/p'; }

start() {
    stop
    # Not through near(): $! must be the process itself (ip netns exec execs it), so that kill reaches it.
    ip netns exec "$NEAR" "$ANCHORD" serve --config "$work/anchord.yaml" 2>"$work/anchord.log" &
    ANCHORD_PID=$!
    # Ready when it answers a question it answers itself (no upstream query, nothing learned).
    for _ in $(seq 50); do
        if near dig +time=1 +tries=1 @127.0.0.1 -p "$PORT" trustanchor. CH TXT >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "anchord did not come up:" >&2
    cat "$work/anchord.log" >&2
    return 1
}
stop() {
    if [ -n "$ANCHORD_PID" ]; then kill "$ANCHORD_PID" 2>/dev/null || true; wait "$ANCHORD_PID" 2>/dev/null || true; fi
    ANCHORD_PID=""
}

# ask NAME: one question with dig's default 5 s timeout; sets out, status, ms (wall clock, dig's start-up
# included), udp, syn.
ask() {
    local udp0 syn0
    udp0=$(counter udp)
    syn0=$(counter syn)
    local t0
    t0=$(date +%s%N)
    # dig's own timeout (5 s) and a 4096 buffer, so that a large answer does not send dig to TCP and its
    # "Query time" (of the TCP retry only) would hide the wait; the time is measured around dig instead.
    out=$(near dig +dnssec +bufsize=4096 +tries=1 @127.0.0.1 -p "$PORT" "$1" TXT 2>&1 || true)
    ms=$((($(date +%s%N) - t0) / 1000000))
    status=$(status_of "$out")
    udp=$(($(counter udp) - udp0))
    syn=$(($(counter syn) - syn0))
    printf '     %-8s %-7s %-8s %5s ms  %2s UDP queries, %s TCP SYNs  %s\n' "$mode" "$1" "${status:-none}" "${ms:--}" "$udp" "$syn" \
        "$(sed -nE 's/^; EDE: (.*)/EDE \1/p' <<<"$out")"
}

secure_answer() { [ "$status" = NOERROR ] && flags_of "$out" | grep -qw ad; }
whole_answer() { grep -E '^big[0-9]\.\s.*TXT' <<<"$out" | grep -q '0012"'; }
names_the_cause() { grep -q "UDP answers above 1232 octets lost" <<<"$out" && grep -q "TCP connect timed out" <<<"$out"; }

# --- frag: fragments dropped, TCP open --------------------------------------------------------------
mode=frag
faults frag
start
for i in 1 2 3 4 5; do
    ask "big$i."
    expect "frag: big$i. TXT is NOERROR with AD (${status:-none}, flags $(flags_of "$out"))" secure_answer
    expect "frag: big$i. TXT has the whole answer (12 strings)" whole_answer
    if [ "$i" = 1 ]; then expect "frag: the first lookup takes at most 1000 ms (${ms:-?} ms)" test "${ms:-99999}" -le 1000; fi
    if [ "$i" = 2 ]; then expect "frag: the second goes straight to 1232 and TCP: one UDP query, one SYN ($udp, $syn)" test "$udp" -le 1 -a "$syn" -le 1; fi
done

# --- frag-tcp: fragments dropped, TCP blocked -------------------------------------------------------
mode=frag-tcp
faults frag tcp
start
first_ms=""
for i in 1 2 3 4 5; do
    ask "big$i."
    ede=$(ede_of "$out")
    expect "frag-tcp: big$i. TXT is SERVFAIL with EDE 22 (${status:-none}, EDE ${ede:-none})" test "$status" = SERVFAIL -a "${ede:-}" = 22
    expect "frag-tcp: big$i. answered within 3000 ms (${ms:-none} ms)" test "${ms:-99999}" -le 3000
    expect "frag-tcp: big$i. cost at most 20 upstream queries ($((udp + syn)))" test $((udp + syn)) -le 20
    if [ "$i" = 1 ]; then
        first_ms=$ms
        expect "frag-tcp: the EDE names the lost UDP size and the TCP timeout" names_the_cause
    fi
    if [ "$i" = 2 ]; then
        expect "frag-tcp: the second question fails faster ($ms ms after $first_ms ms) and sends no SYN ($syn)" \
            test "${ms:-99999}" -lt "${first_ms:-0}" -a "$syn" -eq 0
    fi
done
ask "small1."
expect "frag-tcp: a small answer still arrives over UDP (${status:-none})" test "$status" = NOERROR

# --- silent: the server never answers ---------------------------------------------------------------
mode=silent
faults silent
start
for i in 1 2 3 4 5; do
    ask "small$i."
    ede=$(ede_of "$out")
    expect "silent: small$i. is SERVFAIL with EDE 22 within the 3500 ms deadline (${status:-no answer}, ${ms:-none} ms)" \
        test "$status" = SERVFAIL -a "${ede:-}" = 22 -a "${ms:-99999}" -le 3600
    expect "silent: small$i. cost at most 10 upstream queries ($((udp + syn)))" test $((udp + syn)) -le 10
done
stop
summary=$(grep -o 'worker 0 resolver: .*' "$work/anchord.log" || true)
echo "     silent   $summary"
deadlines=$(sed -nE 's/.*deadlines hit ([0-9]+).*/\1/p' <<<"$summary")
cancelled=$(sed -nE 's/.*cancelled ([0-9]+).*/\1/p' <<<"$summary")
expect "silent: the deadline ended work in flight (deadlines hit ${deadlines:-?}, upstream queries cancelled ${cancelled:-?})" \
    test "${deadlines:-0}" -ge 1 -a "${cancelled:-0}" -ge 1
expect "anchord logged no crash" bash -c '! grep -qiE "fatal|crash|trap" "$1"' _ "$work/anchord.log"

finish
