#!/usr/bin/env bash
# Usage: scripts/integration/fuzz.sh — the short fuzz run of CI: build Fuzz/ once, then run each libFuzzer target
# for FUZZ_CI_SECONDS seconds (default 25; six targets take about 2.5 minutes after the build) over the seed
# corpus and whatever .build-fuzz/corpus already holds. One check per target: it ran and nothing crashed.
# The long runs are `scripts/fuzz --time SECONDS`; see Fuzz/Package.swift for the targets.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh

seconds=${FUZZ_CI_SECONDS:-25}
targets=(FuzzMessage FuzzZoneFile FuzzValidator FuzzClient FuzzTrustAnchorFile FuzzStateFile)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

build=()
for target in "${targets[@]}"; do
    status=0
    scripts/fuzz "$target" --time "$seconds" "${build[@]}" >"$log" 2>&1 || status=$?
    build=(--no-build)
    line=$(grep -E "^fuzz $target: " "$log" | tail -n 1)
    runs=$(sed -nE 's/^fuzz [A-Za-z]+: ([0-9]+) executions.*no crash$/\1/p' <<<"$line")
    if [ "$status" -eq 0 ] && [ "${runs:-0}" -gt 0 ]; then
        pass "fuzz $target: $runs executions in ${seconds} s, no crash"
    else
        fail "fuzz $target" "status $status: $(tr '\n' ' ' <"$log" | tail -c 600)"
        # A failed build fails every target the same way; do not build again for each.
        if [ -z "$line" ]; then build=(); fi
    fi
done
finish
