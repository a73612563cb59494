#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/anchors.sh — the managed trust anchor in the lab.
#
# Starts the lab and anchord with the lab root's KSK as its managed (RFC 5011) anchor, then checks:
#   - answers validate from the managed anchor; the state file is written; `anchord anchors` and a
#     `trustanchor.` CH TXT query both show the key VALID;
#   - root-key-sentinel (RFC 8509) answers for the trusted tag and for a tag that is not trusted;
#   - a second anchord on the same state directory refuses to start (the lock);
#   - a state directory that cannot be written stops the start with a message naming it, unless
#     trust-anchor-read-only is yes; a corrupt state file stops it naming the file and line;
#   - crash safety: anchord killed with SIGKILL ANCHORS_KILLS times (default 100) while it rewrites its
#     state every second never leaves the state file empty, corrupt or older than a completed write.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh
lab_session 5308
state="$work/state"
config() { # config FILE [EXTRA-YAML-LINE...]: anchord with the lab root as its managed anchor
    local file=$1; shift
    lab_config "$file" "auto-trust-anchor-file: [\"$LAB/root.anchor\"]" "trust-anchor-state-dir: \"$state\"" "$@"
}
tag=$(awk '$3 == "DS" { print $4; exit } $4 == "DS" { print $5; exit }' "$LAB/root.anchor")

config "$work/anchord.yaml"
start_anchord "$work/anchord.yaml" "$work/anchord.log"

out=$(q www.example.lab A +dnssec)
expect "a lab name validates from the managed root anchor (AD)" grep -qw ad <<<"$(flags_of "$out")"
expect "the state file is written in trust-anchor-state-dir" test -s "$state/root.state"
expect "the state file names key $tag as VALID" grep -qE "\b$tag\b.*VALID|VALID.*\b$tag\b" "$state/root.state"
anchors=$("$ANCHORD" anchors --config "$work/anchord.yaml" 2>&1 || true)
expect "anchord anchors shows . $tag VALID with a last refresh" grep -qE "^\. $tag [A-Z0-9]+ VALID since .* last-refresh [0-9]{4}-" <<<"$anchors"
txt=$(dig +short +time=3 +tries=1 -p "$PORT" @127.0.0.1 CH TXT trustanchor. 2>&1 || true)
expect "trustanchor. CH TXT answers with the key and its state" grep -q "\. $tag .* VALID" <<<"$txt"
out=$(q version.bind CH TXT)
expect "other CH questions are REFUSED" test "$(status_of "$out")" = REFUSED

# RFC 8509 §3.2 through the lab's wildcard (any name under wild.example.lab. exists, signed).
other=$(( tag == 11111 ? 22222 : 11111 ))
sentinel() { status_of "$(q "root-key-sentinel-$1-$(printf %05d "$2").wild.example.lab" A)"; }
expect "sentinel is-ta for the trusted key $tag: NOERROR" test "$(sentinel is-ta "$tag")" = NOERROR
expect "sentinel not-ta for the trusted key $tag: SERVFAIL" test "$(sentinel not-ta "$tag")" = SERVFAIL
expect "sentinel is-ta for an untrusted key $other: SERVFAIL" test "$(sentinel is-ta "$other")" = SERVFAIL
expect "sentinel not-ta for an untrusted key $other: NOERROR" test "$(sentinel not-ta "$other")" = NOERROR

# The lock: a second process on the same directory (another port) must not start.
config "$work/second.yaml"
sed -i "s/^port: .*/port: $((PORT + 1))/" "$work/second.yaml"
status=0
timeout 10 "$ANCHORD" serve --config "$work/second.yaml" >"$work/second.log" 2>&1 || status=$?
expect "a second anchord on the same state directory exits non-zero" test "$status" -ne 0 -a "$status" -ne 124
expect "... saying the directory is in use" grep -q "in use by another anchord" "$work/second.log"

kill "$ANCHORD_PID"; wait "$ANCHORD_PID" 2>/dev/null || true; ANCHORD_PID=""

# A state directory that cannot be created or written (under /proc nothing can be).
config "$work/readonly.yaml"
sed -i "s|^trust-anchor-state-dir: .*|trust-anchor-state-dir: \"/proc/anchord-test-state\"|" "$work/readonly.yaml"
status=0
timeout 10 "$ANCHORD" serve --config "$work/readonly.yaml" >"$work/readonly.log" 2>&1 || status=$?
expect "an unwritable state directory stops the start (non-zero exit)" test "$status" -ne 0 -a "$status" -ne 124
expect "... with a message naming the directory and the fix" grep -q "/proc/anchord-test-state cannot be used.*trust-anchor-read-only" "$work/readonly.log"
echo "trust-anchor-read-only: yes" >>"$work/readonly.yaml"
start_anchord "$work/readonly.yaml" "$work/readonly-ok.log"
out=$(q www.example.lab A +dnssec)
expect "with trust-anchor-read-only: yes it starts and validates" grep -qw ad <<<"$(flags_of "$out")"
expect "... and warns that key rolls are not followed" grep -q "trust-anchor-read-only: yes" "$work/readonly-ok.log"
kill "$ANCHORD_PID"; wait "$ANCHORD_PID" 2>/dev/null || true; ANCHORD_PID=""

# A corrupt state file stops the start and names the file.
cp "$state/root.state" "$work/root.state.good"
printf 'garbage\n' >>"$state/root.state"
status=0
timeout 10 "$ANCHORD" serve --config "$work/anchord.yaml" >"$work/corrupt.log" 2>&1 || status=$?
expect "a corrupt state file stops the start (non-zero exit)" test "$status" -ne 0 -a "$status" -ne 124
expect "... naming the file" grep -q "$state/root.state" "$work/corrupt.log"
cp "$work/root.state.good" "$state/root.state"
start_anchord "$work/anchord.yaml" "$work/anchord2.log"

# val-sig-skew-min/max reach the validator: the lab's expired zone's signatures ended 30 days ago (a 30-day
# validity period, so the default skew is 3 days); with 40 days of allowed skew they validate.
out=$(q www.expired.dnssec A +dnssec)
expect "www.expired.dnssec is SERVFAIL with the default skew (EDE 7)" test "$(status_of "$out")/$(ede_of "$out")" = SERVFAIL/7
config "$work/skew.yaml" "val-sig-skew-min: 3456000" "val-sig-skew-max: 3456000" "trust-anchor-read-only: yes"
kill "$ANCHORD_PID"; wait "$ANCHORD_PID" 2>/dev/null || true; ANCHORD_PID=""
start_anchord "$work/skew.yaml" "$work/skew.log"
out=$(q www.expired.dnssec A +dnssec)
expect "... and secure with val-sig-skew-min: 40 days" grep -qw ad <<<"$(flags_of "$out")"
kill "$ANCHORD_PID"; wait "$ANCHORD_PID" 2>/dev/null || true; ANCHORD_PID=""

# Crash safety. The root hints point at a server that refuses (nothing listens on 127.53.2.8), so every
# refresh fails at once and the state (failure count, last attempt) is rewritten every second (the retry
# floor with 10 s hold-downs).
config "$work/crash.yaml" "add-holddown: 10" "del-holddown: 10"
printf '.  3600000  IN  NS  a.root-servers.lab.\na.root-servers.lab.  3600000  IN  A  127.53.2.8\n' >"$work/dead.hints"
sed -i "s|^root-hints: .*|root-hints: $work/dead.hints|" "$work/crash.yaml"
kills=${ANCHORS_KILLS:-100}
bad=0 regressed=0 written=0 previous=0
for i in $(seq "$kills"); do
    "$ANCHORD" serve --config "$work/crash.yaml" >"$work/crash.log" 2>&1 &
    pid=$!
    sleep "$(awk -v seed="$i" 'BEGIN { srand(seed); printf "%.2f", 0.3 + rand() * 1.7 }')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if ! "$ANCHORD" anchors --config "$work/crash.yaml" >"$work/after.txt" 2>&1 && grep -q "not valid\|cannot read" "$work/after.txt"; then
        bad=$((bad + 1))
        echo "kill $i: state unreadable: $(head -n 3 "$work/after.txt")" >&2
        continue
    fi
    [ -s "$state/root.state" ] || { bad=$((bad + 1)); continue; }
    attempt=$(sed -nE 's/^last-attempt ([0-9]+).*/\1/p' "$state/root.state" | head -n 1)
    attempt=${attempt:-0}
    if [ "$attempt" -lt "$previous" ]; then regressed=$((regressed + 1)); fi
    if [ "$attempt" -gt "$previous" ]; then written=$((written + 1)); fi
    previous=$attempt
done
expect "after $kills SIGKILLs the state file was never empty or corrupt ($bad bad)" test "$bad" -eq 0
expect "... never older than a completed write ($regressed went back)" test "$regressed" -eq 0
expect "... and was rewritten during the runs ($written of $kills runs moved it on)" test "$written" -ge $((kills / 4))

finish
