#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/cli.sh — the command line: --version, config check, serve, exit statuses.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
anchord=${TEST_ANCHORD_BINARY:-.build/release/anchord}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# check NAME EXPECTED_STATUS PATTERN COMMAND...: the command exits with the status and its output matches.
check() {
    local name=$1 expected=$2 pattern=$3 status=0
    shift 3
    "$@" >"$work/out" 2>&1 || status=$?
    if [ "$status" -eq "$expected" ] && grep -qE -- "$pattern" "$work/out"; then
        echo "ok   $name"
    else
        echo "FAIL $name: status $status (expected $expected), output not matching /$pattern/:"
        sed 's/^/     /' "$work/out"
        failed=$((failed + 1))
    fi
}

printf 'port: 53\nprot: 5353\n' >"$work/typo.yaml"
printf 'root-hints: %s/missing.hints\n' "$work" >"$work/missing.yaml"

check "--version names anchord" 0 '^anchord [0-9]' "$anchord" --version
check "--version names libevent" 0 '^libevent 2\.' "$anchord" --version
check "--version names OpenSSL" 0 '^OpenSSL [0-9]' "$anchord" --version
check "config check prints the shipped defaults" 0 '^cache-size: 64m$' "$anchord" config check --config conf/anchord.yaml
check "config check: an unknown key names file, line and key" 2 "typo\.yaml:2: prot: unknown key; did you mean 'port'\?" \
    "$anchord" config check --config "$work/typo.yaml"
check "config check: a missing root-hints file is named" 2 "missing\.yaml:1: root-hints: no such file" \
    "$anchord" config check --config "$work/missing.yaml"
check "config check: a missing config file is an error" 2 'cannot read the file' \
    "$anchord" config check --config "$work/absent.yaml"
check "the environment overrides the file" 0 '^port: 5353$' env ANCHORD_PORT=5353 "$anchord" config check --config conf/anchord.yaml
check "a bad environment value names the variable" 2 'environment variable ANCHORD_PORT: port: 99999 is out of range' \
    env ANCHORD_PORT=99999 "$anchord" config check --config conf/anchord.yaml
check "serve refuses a bad configuration" 2 'prot: unknown key' "$anchord" serve --config "$work/typo.yaml"
printf '; not an anchor\nexample. 3600 IN A 192.0.2.1\n' >"$work/bad.anchor"
check "serve refuses a trust-anchor file with a non-anchor record, naming file and line" 2 'bad\.anchor, line 2: example\. A is not a trust anchor' \
    env ANCHORD_TRUST_ANCHOR_FILE="$work/bad.anchor" ANCHORD_PORT=5397 ANCHORD_INTERFACE=127.0.0.1 "$anchord" serve --config conf/anchord.yaml

# serve: logs the effective configuration, listens, and stops with status 0 on SIGTERM.
serve_and_stop() {
    ANCHORD_PORT=5398 ANCHORD_INTERFACE=127.0.0.1 "$anchord" serve --config conf/anchord.yaml &
    local pid=$!
    for _ in $(seq 50); do
        dig +time=1 +tries=1 -p 5398 @127.0.0.1 version.bind CH TXT >/dev/null 2>&1 && break
        sleep 0.1
    done
    kill -TERM "$pid"
    wait "$pid"
}
check "serve logs the effective configuration" 0 'info anchord: .*  port: 5398$' serve_and_stop
check "serve says where it listens" 0 'listening on 127\.0\.0\.1#5398' serve_and_stop
check "serve stops on SIGTERM with status 0" 0 'anchord stopped' serve_and_stop

total=$(grep -c '^check "' "$0")
echo "checks: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
