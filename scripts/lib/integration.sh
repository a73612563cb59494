# Shared by scripts/integration/*.sh (sourced, not run): checks that print "ok NAME" or "FAIL NAME: why",
# starting anchord against the lab, and nftables counters on loopback.

INTEGRATION_FAILED=0
INTEGRATION_PASSED=0

pass() { echo "ok   $1"; INTEGRATION_PASSED=$((INTEGRATION_PASSED + 1)); }
fail() { echo "FAIL $1: $2"; INTEGRATION_FAILED=$((INTEGRATION_FAILED + 1)); }

# lab_session PORT: what every lab script starts with — the binary under test ($ANCHORD), its port ($PORT),
# a scratch directory ($work), the lab up ($LAB is its run directory), and on exit: anchord and the lab
# Unbound stopped, our nftables table removed, the scratch directory deleted.
lab_session() {
    ANCHORD=${TEST_ANCHORD_BINARY:-.build/release/anchord}
    PORT=$1
    work=$(mktemp -d)
    trap lab_session_end EXIT
    scripts/lab up >/dev/null
    LAB=${ANCHORD_LAB_DIR:-$PWD/lab/run}
}
lab_session_end() {
    if [ -n "${ANCHORD_PID:-}" ]; then kill "$ANCHORD_PID" 2>/dev/null || true; fi
    scripts/lab unbound-down >/dev/null 2>&1 || true
    nft_teardown
    rm -rf "$work"
}

# expect NAME CONDITION-DESCRIPTION COMMAND...: the command succeeds.
expect() {
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}

# The summary line test.sh adds up, and the exit status.
finish() {
    echo "checks: $INTEGRATION_PASSED passed, $INTEGRATION_FAILED failed"
    [ "$INTEGRATION_FAILED" -eq 0 ]
}

# start_anchord CONFIG LOG: run the binary in the background, wait until it answers on 127.0.0.1:$PORT.
start_anchord() {
    local config=$1 log=$2
    "$ANCHORD" serve --config "$config" 2>"$log" &
    ANCHORD_PID=$!
    for _ in $(seq 50); do
        if dig +time=1 +tries=1 @127.0.0.1 -p "$PORT" . NS >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "anchord did not come up; its log:" >&2
    cat "$log" >&2
    return 1
}

# lab_config FILE [YAML-LINE...]: an anchord configuration for the lab, answering on 127.0.0.1:$PORT, then
# the given lines (each key once: a key given twice is a configuration error).
lab_config() {
    local file=$1; shift
    {
        echo 'interface: ["127.0.0.1"]'
        echo "port: $PORT"
        echo "root-hints: $LAB/root.hints"
        echo "do-not-query-localhost: no"
        echo "log-level: info"
        for line in "$@"; do echo "$line"; done
    } >"$file"
}

# q ARGS...: dig at anchord with short timeouts; prints dig's whole output.
q() { dig +time=3 +tries=1 -p "$PORT" @127.0.0.1 "$@" 2>&1; }

status_of() { sed -nE 's/.*status: ([A-Z]+),.*/\1/p' <<<"$1" | head -n 1; }
flags_of() { sed -nE 's/^;; flags: ([a-z ]+);.*/\1/p' <<<"$1" | head -n 1; }
ede_of() { sed -nE 's/^; EDE: ([0-9]+).*/\1/p' <<<"$1" | head -n 1; }
msg_size_of() { sed -nE 's/^;; MSG SIZE +rcvd: ([0-9]+).*/\1/p' <<<"$1" | head -n 1; }

# nftables: one table of our own for counters and fault rules, removed on exit.
NFT_TABLE=anchord_test
nft_setup() {
    nft delete table inet "$NFT_TABLE" 2>/dev/null || true
    nft add table inet "$NFT_TABLE"
    nft add chain inet "$NFT_TABLE" out '{ type filter hook output priority 0; policy accept; }'
}
nft_teardown() { nft delete table inet "$NFT_TABLE" 2>/dev/null || true; }
# nft_rule COMMENT VERDICT MATCH...: add a rule that counts what MATCH selects, then applies VERDICT
# ("-" for none, "drop" to lose the packet); the comment names it for nft_packets.
nft_rule() {
    local comment=$1 verdict=$2; shift 2
    [ "$verdict" = - ] && verdict=""
    # shellcheck disable=SC2086
    nft add rule inet "$NFT_TABLE" out "$@" counter $verdict comment "\"$comment\""
}
# nft_packets COMMENT: packets the rule has counted.
nft_packets() {
    nft list chain inet "$NFT_TABLE" out | grep "comment \"$1\"" | sed -nE 's/.*counter packets ([0-9]+).*/\1/p'
}
