#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/validation.sh — DNSSEC validation in the lab, side by side with Unbound.
#
# Starts the lab and anchord with the lab's root trust anchor, then:
#   - every name in lab/run/names.txt (secure, insecure, NSEC/NSEC3/opt-out, wildcards, every algorithm,
#     unsupported algorithms and digests, and the bogus variants with their Extended DNS Error codes) gets
#     the rcode, AD flag and EDE listed there — the same list Unbound is checked against;
#   - Unbound (the lab's, same hints and anchor) answers every name with the same rcode and AD as anchord;
#   - CD=1 returns bogus data without AD; AD is set only for clients that ask with AD or DO (RFC 6840 §5.7);
#   - DO=1 brings the RRSIGs; a DO=0 client gets none.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh
lab_session 5306
cat >"$work/anchord.yaml" <<YAML
interface: ["127.0.0.1"]
port: $PORT
root-hints: $LAB/root.hints
trust-anchor-file: ["$LAB/root.anchor"]
do-not-query-localhost: no
log-level: info
YAML
start_anchord "$work/anchord.yaml" "$work/anchord.log"

# Every lab name against its expectation (the lab's own checker prints one ok/FAIL line per name).
scripts/lab check --resolver "127.0.0.1@$PORT" >"$work/check.txt" 2>&1 || true
while read -r verdict name type rest; do
    case $verdict in
        ok) pass "lab name $name $type: $rest" ;;
        FAIL) fail "lab name $name $type" "$rest" ;;
    esac
done <"$work/check.txt"
expect "the lab checker ran over every name" grep -qE '^[0-9]+ ok, 0 failed' "$work/check.txt"

# Differential: the same names through Unbound, compared on rcode and AD.
scripts/lab unbound-up >/dev/null
UNBOUND_PORT=${ANCHORD_LAB_UNBOUND_PORT:-5353}
summary() { # rcode and AD of one answer
    local out
    out=$(dig +dnssec +time=5 +tries=3 -p "$1" @127.0.0.1 "$2" "$3" 2>/dev/null || true)
    printf '%s %s' "$(status_of "$out")" "$(flags_of "$out" | grep -qw ad && echo AD || echo noAD)"
}
differences=0
while read -r name type expected _; do
    case $name in '' | '#'*) continue ;; esac
    # Names that fail for want of a server are left out: Unbound takes about 28 s to give up on them.
    [ "$expected" = servfail ] && continue
    ours=$(summary "$PORT" "$name" "$type")
    theirs=$(summary "$UNBOUND_PORT" "$name" "$type")
    if [ "$ours" != "$theirs" ]; then
        differences=$((differences + 1))
        echo "     differs: $name $type anchord=$ours unbound=$theirs"
    fi
done <"$LAB/names.txt"
expect "anchord and Unbound agree on rcode and AD for every lab name that has a server ($differences differ)" test "$differences" -eq 0

# CD, AD and DO.
out=$(q www.expired.dnssec A +dnssec +cd)
expect "CD=1 gets bogus data, without AD" bash -c '[ "$1" = NOERROR ] && ! grep -qw ad <<<"$2" && grep -q "ANSWER: [1-9]" <<<"$3"' _ "$(status_of "$out")" "$(flags_of "$out")" "$out"
nft_setup
nft_rule "to-bogus-server" - ip daddr 127.53.3.2 udp dport 53
out=$(q www.expired.dnssec A +dnssec)
expect "CD=0 gets SERVFAIL with EDE 7 for the same name" bash -c '[ "$1" = SERVFAIL ] && [ "$2" = 7 ]' _ "$(status_of "$out")" "$(ede_of "$out")"
expect "... answered from the bogus cache: nothing sent to the zone's server" test "$(nft_packets to-bogus-server)" -eq 0
nft_teardown
out=$(q www.example.lab A +noadflag +nodnssec)
expect "secure answer to a client without AD or DO: no AD" bash -c '! grep -qw ad <<<"$1"' _ "$(flags_of "$out")"
out=$(q www.example.lab A +adflag +nodnssec)
expect "secure answer to a client that set AD: AD, no RRSIG" bash -c 'grep -qw ad <<<"$1" && ! grep -q RRSIG <<<"$2"' _ "$(flags_of "$out")" "$out"
out=$(q www.example.lab A +dnssec)
expect "DO=1 brings the RRSIG" grep -qE 'IN\s+RRSIG\s+A ' <<<"$out"
out=$(q nothing.example.lab A +dnssec)
expect "a secure NXDOMAIN to a DO client carries its NSEC proof" grep -qE 'IN\s+NSEC(3)?\s' <<<"$out"

finish
