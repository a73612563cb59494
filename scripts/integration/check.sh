#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/check.sh — anchord check and the reply-size responder in the lab.
#
# Needs root. Shares the lab with the other integration scripts (scripts/test.sh stops it at the end).
# Starts the lab (with anchord reply-size-server for rs.lab. and rs2.lab. on 127.53.2.9) and anchord with the lab root as its managed anchor, then checks:
#   - through anchord, `dig +bufsize=4096 +short rs.rs.lab TXT` reports a limit of at least 4000 octets;
#   - `anchord check` (table, --json, --quick) passes on that healthy setup;
#   - it fails, naming the item, with validation: no; with a static anchor holding a key the root does not
#     have (names bogus); with trust-anchor-read-only: yes; with UDP answers from the responder above 1232
#     octets dropped (nftables), where the reply-size TXT reports the lower limit; with TCP/53 to the root
#     blocked too; with a state directory that cannot take a file; with nothing listening (--quick too).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh
export TEST_ANCHORD_BINARY=${TEST_ANCHORD_BINARY:-.build/release/anchord}
lab_session 5310
state="$work/state"
config() { # config FILE [EXTRA-YAML-LINE...]: anchord keeping its managed-anchor state in $state
    local file=$1; shift
    lab_config "$file" "trust-anchor-state-dir: \"$state\"" "$@"
}
managed="auto-trust-anchor-file: [\"$LAB/root.anchor\"]"
check_args=(--secure-name www.example.lab --bogus-name www.badsig.dnssec --reply-size-name rs.rs.lab --timeout 8)
# run_check CONFIG [OPTIONS...]: anchord check's output in $out, its exit status in $status.
run_check() {
    local config=$1; shift
    status=0
    out=$("$ANCHORD" check --config "$config" "${check_args[@]}" "$@" 2>&1) || status=$?
}
restart() { # restart CONFIG LOG
    if [ -n "${ANCHORD_PID:-}" ]; then kill "$ANCHORD_PID"; wait "$ANCHORD_PID" 2>/dev/null || true; ANCHORD_PID=""; fi
    start_anchord "$1" "$2"
}
# The limit the reply-size test reports through anchord.
reply_size() { dig +time=8 +tries=1 -p "$PORT" @127.0.0.1 +bufsize=4096 +short rs.rs.lab TXT 2>&1 | tee "$work/rs.txt" |
    sed -nE 's/.*reply size limit is at least ([0-9]+) bytes.*/\1/p' | head -n 1; }

expect "the lab's reply-size responder is up on 127.53.2.9" grep -q "^replysize .* up$" <(scripts/lab status || true)

config "$work/anchord.yaml" "$managed"
start_anchord "$work/anchord.yaml" "$work/anchord.log"

clean=$(reply_size)
echo "     reply size, clean path: ${clean:-none} ($(tr '\n' ' ' <"$work/rs.txt"))"
expect "through anchord, rs.rs.lab TXT reports at least 4000 octets on a clean path (${clean:-none})" test "${clean:-0}" -ge 4000

run_check "$work/anchord.yaml"
echo "$out" | sed 's/^/     /'
expect "anchord check passes on the healthy setup (exit 0)" test "$status" -eq 0
for item in answering validation trust-anchors rfc5011-state state-directory last-refresh udp-4096 tcp clock; do
    expect "... $item ok" grep -qE "^$item +ok " <<<"$out"
done
run_check "$work/anchord.yaml" --json
expect "--json gives the same as JSON, ok true" python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
assert doc["ok"] is True and len(doc["results"]) == 9 and all(r["result"] == "ok" for r in doc["results"]), doc
' "$out"
run_check "$work/anchord.yaml" --quick
expect "--quick passes (one item, answering)" bash -c '[ "$1" -eq 0 ] && [ "$(grep -cE "^answering +ok" <<<"$2")" -eq 1 ] && ! grep -q "^clock" <<<"$2"' _ "$status" "$out"

# Nothing listening: --quick fails at once on its one item; the full form says so and skips the queries.
status=0
out=$("$ANCHORD" check --config "$work/anchord.yaml" --server 127.0.0.1@5399 --timeout 1 --quick 2>&1) || status=$?
expect "--quick against a port where nothing listens exits 1, answering FAIL" \
    bash -c '[ "$1" -eq 1 ] && grep -qE "^answering +FAIL" <<<"$2"' _ "$status" "$out"
status=0
out=$("$ANCHORD" check --config "$work/anchord.yaml" --server 127.0.0.1@5399 --timeout 1 2>&1) || status=$?
expect "... and the full check skips what needs answers (udp-4096, clock)" \
    bash -c '[ "$1" -eq 1 ] && grep -qE "^udp-4096 +skip" <<<"$2" && grep -qE "^clock +skip" <<<"$2"' _ "$status" "$out"

# A state directory that cannot take a file (here: a regular file), checked beside the healthy server.
: >"$work/not-a-directory"
config "$work/baddir.yaml" "$managed"
sed -i "s|^trust-anchor-state-dir: .*|trust-anchor-state-dir: \"$work/not-a-directory\"|" "$work/baddir.yaml"
run_check "$work/baddir.yaml"
expect "a state directory that is not one — check exits 1" test "$status" -eq 1
expect "... naming the state-directory item and why" grep -qE "^state-directory +FAIL .*not a directory" <<<"$out"

# Validation off.
config "$work/off.yaml" "$managed" "validation: no"
restart "$work/off.yaml" "$work/off.log"
run_check "$work/off.yaml"
expect "validation: no — check exits 1" test "$status" -eq 1
expect "... naming the validation item and the fix" grep -qE "^validation +FAIL .*validation: no" <<<"$out"
expect "... and saying what to do" grep -q "→ set validation: yes" <<<"$out"
run_check "$work/off.yaml" --json
expect "... and --json says ok false with the validation item FAIL" python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
assert doc["ok"] is False and [r["item"] for r in doc["results"] if r["result"] == "FAIL"] == ["validation"], doc
' "$out"

# An anchor that is missing: a static anchor holding a key the lab root does not have.
awk '$3 == "DS" { $4 = ($4 == 11111 ? 22222 : 11111); print; exit } $4 == "DS" { $5 = ($5 == 11111 ? 22222 : 11111); print; exit }' \
    "$LAB/root.anchor" >"$work/wrong.anchor"
config "$work/wrong.yaml" "trust-anchor-file: [\"$work/wrong.anchor\"]"
restart "$work/wrong.yaml" "$work/wrong.log"
run_check "$work/wrong.yaml"
expect "a static anchor with a key the root lacks — check exits 1" test "$status" -eq 1
expect "... the validation item fails (the secure name is not AD)" grep -qE "^validation +FAIL .*www.example.lab" <<<"$out"
expect "... and rfc5011-state fails (a static anchor does not follow rolls)" grep -qE "^rfc5011-state +FAIL .*static" <<<"$out"

# A read-only state directory.
config "$work/readonly.yaml" "$managed" "trust-anchor-read-only: yes"
restart "$work/readonly.yaml" "$work/readonly.log"
run_check "$work/readonly.yaml"
expect "trust-anchor-read-only: yes — check exits 1" test "$status" -eq 1
expect "... naming the state-directory item" grep -qE "^state-directory +FAIL .*trust-anchor-read-only" <<<"$out"
expect "... while validation still passes" grep -qE "^validation +ok" <<<"$out"

# Fragments dropped: UDP answers from the responder with more than 1232 octets of DNS payload (IP length
# 1260) are lost. anchord's first query at 4096 times out, it asks again at 1232, and the test says so.
nft_setup
nft_rule "rs-dropped" drop ip saddr 127.53.2.9 udp sport 53 meta length gt 1260
restart "$work/anchord.yaml" "$work/anchord2.log"
dropped=$(reply_size)
echo "     reply size, fragments dropped: ${dropped:-none} ($(tr '\n' ' ' <"$work/rs.txt"))"
expect "with large UDP answers dropped, rs.rs.lab TXT reports the lower limit 1232 (${dropped:-none})" test "${dropped:-0}" -eq 1232
expect "... and the rule did drop answers ($(nft_packets rs-dropped))" test "$(nft_packets rs-dropped)" -ge 1
run_check "$work/anchord.yaml"
expect "... check exits 1" test "$status" -eq 1
expect "... naming udp-4096 with the measured limit" grep -qE "^udp-4096 +FAIL .*at least 1232 octets" <<<"$out"
expect "... and nothing else fails" test "$(grep -cE '^[a-z0-9-]+ +FAIL' <<<"$out")" -eq 1

# ... and TCP/53 to the root server blocked as well (a firewall that drops it).
nft_rule "root-tcp-dropped" drop ip daddr 127.53.0.1 tcp dport 53
run_check "$work/anchord.yaml" --timeout 2
expect "fragments dropped and TCP to the root blocked: the tcp item fails, naming the root server" \
    grep -qE "^tcp +FAIL .*root server 127.53.0.1#53 over TCP: .*timed out" <<<"$out"
expect "... and udp-4096 still fails" grep -qE "^udp-4096 +FAIL" <<<"$out"

finish
