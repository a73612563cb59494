#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/hardening.sh — anchord under hostile clients and floods.
#
# Against the lab (scripts/lab up), on loopback only: a TCP client that pipelines and never reads (RSS
# bounded, client cut off), a query then shutdown(SHUT_WR) (answered), 520 idle connections from one source
# and from refused and denied ones (an allowed client still answered), a second threads: 2 instance on the
# same address (refused, naming it), SIGHUP with a changed interface (says it needs a restart), accept with
# too few descriptors (logged, survived), and with ulimit -n 1024 a UDP flood into the silent zone while
# healthy uncached names keep resolving (>= 99 %) and TCP keeps accepting. Bounded: about a minute and a half.
# The new limits are given as ANCHORD_* variables, which an older binary ignores with a warning, so the same
# checks can be run against one to see them fail. Needs root (the lab binds port 53).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh

ANCHORD=${TEST_ANCHORD_BINARY:-.build/release/anchord}
PORT=5310
HOSTILE="python3 scripts/integration/hostile.py"
work=$(mktemp -d)
extra_pids=()
hardening_end() {
    for pid in "${extra_pids[@]}" ${ANCHORD_PID:-}; do kill "$pid" 2>/dev/null || true; done
    for pid in "${extra_pids[@]}" ${ANCHORD_PID:-}; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap hardening_end EXIT
scripts/lab up >/dev/null
LAB=${ANCHORD_LAB_DIR:-$PWD/lab/run}

# config FILE PORT INTERFACES [EXTRA-LINE]: a lab configuration.
config() {
    cat >"$1" <<YAML
interface: [$3]
port: $2
root-hints: $LAB/root.hints
trust-anchor-file: ["$LAB/root.anchor"]
trust-anchor-state-dir: $work/state-$2
do-not-query-localhost: no
access-control: ["127.0.0.66/32 refuse", "127.0.0.67/32 deny"]
log-level: info
${4:-}
YAML
}

# wait_answering PORT: until anchord answers on 127.0.0.1:PORT (10 s at most).
wait_answering() {
    for _ in $(seq 50); do
        dig +time=1 +tries=1 @127.0.0.1 -p "$1" . NS >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

# wait_exit PID SECONDS: sets $status to the process's exit status, or 124 if it still runs after SECONDS.
wait_exit() {
    status=124
    for _ in $(seq $(($2 * 5))); do
        if ! kill -0 "$1" 2>/dev/null; then
            status=0
            wait "$1" || status=$?
            return
        fi
        sleep 0.2
    done
}

export ANCHORD_TCP_WRITE_TIMEOUT=2000 ANCHORD_TCP_IDLE_TIMEOUT=3000
config "$work/main.yaml" "$PORT" '"127.0.0.1"'
start_anchord "$work/main.yaml" "$work/main.log"

# --- RFC 7766 half-close ---------------------------------------------------------------------------
out=$($HOSTILE halfclose 127.0.0.1 "$PORT" "hc1.wild.example.lab" || true)
expect "a query then shutdown(SHUT_WR), uncached name: answered ($out)" test "$out" = "answers 1 rcodes 0"
out=$($HOSTILE halfclose 127.0.0.1 "$PORT" hc2.wild.example.lab www.example.lab hc3.wild.example.lab || true)
expect "three pipelined queries then shutdown(SHUT_WR): all answered ($out)" test "$out" = "answers 3 rcodes 0,0,0"

# --- a client that pipelines and never reads -------------------------------------------------------
q huge.big.lab TXT +tcp >/dev/null || true
read -r _ cutoff _ sent _ growth < <($HOSTILE noread 127.0.0.1 "$PORT" huge.big.lab TXT 12 "$ANCHORD_PID")
echo "     non-reading client: cut off after ${cutoff} s, sent $sent bytes, anchord RSS grew by $growth kB"
expect "a non-reading pipelining client is cut off (after $cutoff s)" test "$cutoff" != never
expect "... and anchord's RSS grows by at most 8 MB meanwhile ($growth kB)" test "$growth" -le 8192
out=$(q www.example.lab A +tcp || true)
expect "... and other TCP clients are still answered" test "$(status_of "$out")" = NOERROR

# --- many idle connections from one source -----------------------------------------------------------
idle_from() {  # SOURCE COUNT OUTFILE: hold COUNT idle connections from SOURCE in the background
    $HOSTILE idle 127.0.0.1 "$PORT" "$1" "$2" >"$3" </dev/null &
    extra_pids+=($!)
    for _ in $(seq 50); do [ -s "$3" ] && return 0; sleep 0.2; done
}
idle_from 127.0.0.66 50 "$work/refused.out"
read -r _ held _ <"$work/refused.out" || true
expect "connections from a refused source are closed at once (kept ${held:-?} of 50)" test "${held:-999}" -eq 0
idle_from 127.0.0.67 50 "$work/denied.out"
read -r _ held _ <"$work/denied.out" || true
expect "connections from a denied source are closed at once (kept ${held:-?} of 50)" test "${held:-999}" -eq 0
for pid in "${extra_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
idle_from 127.0.0.9 520 "$work/idle.out"
read -r _ held _ closed <"$work/idle.out" || true
expect "520 idle connections from one address: at most 32 are kept (kept ${held:-?}, closed ${closed:-?})" \
    test "${held:-999}" -le 32
out=$(q "idle1.wild.example.lab" A +tcp || true)
expect "... and an allowed client is still answered over TCP" test "$(status_of "$out")" = NOERROR
for pid in "${extra_pids[@]}"; do kill "$pid" 2>/dev/null || true; done

# --- SIGHUP ----------------------------------------------------------------------------------------
config "$work/main.yaml" "$PORT" '"127.0.0.1", "127.0.0.2"' "max-udp-size: 1232"
kill -HUP "$ANCHORD_PID"
sleep 1
expect "SIGHUP with a changed interface says it needs a restart" \
    grep -qE 'configuration reloaded.*needs a restart.*interface \(running \["127\.0\.0\.1"\]' "$work/main.log"
expect "... and names what it applied" grep -qE 'configuration reloaded.*applied: max-udp-size' "$work/main.log"
out=$(q www.example.lab A || true)
expect "... and keeps answering on the running address" test "$(status_of "$out")" = NOERROR

# --- two threads: 2 instances on one address -------------------------------------------------------
config "$work/pair.yaml" 5311 '"127.0.0.1"' "threads: 2"
"$ANCHORD" serve --config "$work/pair.yaml" 2>"$work/pair-first.log" &
first=$!
extra_pids+=("$first")
wait_answering 5311 || true
sed -i "s|state-5311|state-5311-second|" "$work/pair.yaml"  # its own anchor state: the check must not rely on it
"$ANCHORD" serve --config "$work/pair.yaml" 2>"$work/pair-second.log" &
second=$!
extra_pids+=("$second")
wait_exit "$second" 10
expect "a second threads: 2 instance on the same address fails (status $status)" test "$status" -ne 0 -a "$status" -ne 124
expect "... naming the address and port in use" grep -qE '127\.0\.0\.1#5311.*(in use|Address already in use)' "$work/pair-second.log"
sed -i "s|threads: 2|threads: 1|" "$work/pair.yaml"
"$ANCHORD" serve --config "$work/pair.yaml" 2>"$work/single-second.log" &
second=$!
extra_pids+=("$second")
wait_exit "$second" 10
expect "a second threads: 1 instance fails too, naming the address ($status)" \
    bash -c '[ "$1" -ne 0 ] && grep -qE "127\.0\.0\.1#5311.*Address already in use" "$2"' _ "$status" "$work/single-second.log"
kill "$first" 2>/dev/null || true

# --- accept without descriptors --------------------------------------------------------------------
config "$work/few.yaml" 5312 '"127.0.0.1"'
(ulimit -n 100; ANCHORD_TCP_CONNECTIONS_PER_SOURCE=1000 exec "$ANCHORD" serve --config "$work/few.yaml" 2>"$work/few.log") &
few=$!
extra_pids+=("$few")
wait_answering 5312 || true
PORT=5312 idle_from 127.0.0.10 150 "$work/few-idle.out"
few_idle=${extra_pids[-1]}
out=$(dig +time=3 +tries=1 -p 5312 @127.0.0.1 www.example.lab A 2>&1 || true)
expect "with descriptors used up by TCP clients, UDP is still answered" test "$(status_of "$out")" = NOERROR
expect "... and running short at accept is logged" grep -q 'accepting pauses' "$work/few.log"
expect "... and so is running short at socket time (the query went over the shared pool)" \
    grep -qE 'upstream: socket failed: Too many open files' "$work/few.log"
kill "$few_idle" 2>/dev/null || true
sleep 1
out=$(dig +time=3 +tries=1 +tcp -p 5312 @127.0.0.1 www.example.lab A 2>&1 || true)
expect "... and TCP accepts again once they are gone" test "$(status_of "$out")" = NOERROR
kill "$few" 2>/dev/null || true

# --- a flood into a zone that never answers, with ulimit -n 1024 --------------------------------------
config "$work/flood.yaml" 5313 '"127.0.0.1"'
(ulimit -n 1024; exec "$ANCHORD" serve --config "$work/flood.yaml" 2>"$work/flood.log") &
flooded=$!
extra_pids+=("$flooded")
wait_answering 5313 || true
dig +time=3 +tries=1 -p 5313 @127.0.0.1 www.example.lab A >/dev/null 2>&1 || true  # the delegations, cached
$HOSTILE flood 127.0.0.1 5313 silent.lab 1000 16 >"$work/flood.out" &
flood_pid=$!
extra_pids+=("$flood_pid")
sleep 2
$HOSTILE healthy 127.0.0.1 5313 wild.example.lab 200 20 >"$work/healthy.out" &
healthy=$!
extra_pids+=("$healthy")
tcp_ok=0
for i in $(seq 10); do
    out=$(dig +time=3 +tries=1 +tcp -p 5313 @127.0.0.1 "t$i.wild.example.lab" A 2>&1 || true)
    [ "$(status_of "$out")" = NOERROR ] && tcp_ok=$((tcp_ok + 1))
    sleep 1
done
wait "$healthy" || true
wait "$flood_pid" || true
read -r _ answered _ asked <"$work/healthy.out" || true
echo "     flood: $(cat "$work/flood.out" 2>/dev/null); healthy uncached names answered: ${answered:-0} of ${asked:-200}"
expect "during a 1000 qps flood into silent.lab, >= 99 % of healthy uncached names resolve (${answered:-0}/200)" \
    test "${answered:-0}" -ge 198
expect "... TCP keeps accepting and answering ($tcp_ok of 10)" test "$tcp_ok" -eq 10
expect "... the socket cap or descriptor shortage is logged" grep -qE 'upstream: .*(outgoing-range|open-files limit)' "$work/flood.log"
expect "... and anchord is still running" kill -0 "$flooded"
kill -TERM "$flooded" 2>/dev/null || true
wait_exit "$flooded" 10
grep -E 'upstream: |worker 0 resolver' "$work/flood.log" | sed -E 's/^.*(upstream: |resolver: )/     \1/' || true

finish
