#!/usr/bin/env bash
# Usage: scripts/test.sh — install what the tests need (Debian 12, apt), build, run every unit and integration test; non-zero on any failure.
#
# This is the README's test command and what .ci/run calls. Steps: packages (skipped when all are
# present), `swift build`, `swift test`, `swift build -c release` (which must print no warning from
# Sources/), then each scripts/integration/*.sh in name order. Each integration script ends with
# "checks: N passed, M failed"; the last line is `N passed, N failed` over unit tests and checks together.
#
# Environment: TEST_INTEGRATION_TIMEOUT (seconds per integration script, default 1200).
# Integration scripts get TEST_ANCHORD_BINARY, the path of the release anchord binary.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/deps.sh
source scripts/lib/deps.sh

anchord_setup_swift
anchord_install_packages "${ANCHORD_BUILD_PACKAGES[@]}" "${ANCHORD_TEST_PACKAGES[@]}"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failures=()

echo "== swift build"
if ! swift build; then
    echo "swift build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

echo "== swift test"
unit_status=0
swift test 2>&1 | tee "$logs/unit.log" || unit_status=$?
# Swift Testing closes with "Test run with N tests … passed|failed", XCTest with "Executed N tests, with M failures".
unit_total=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' "$logs/unit.log" | tail -n 1)
unit_failed=$(grep -E '✘ Test .* failed after' "$logs/unit.log" | grep -vc '✘ Test run ' || true)
xctest_total=$(sed -nE 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1/p' "$logs/unit.log" | tail -n 1)
xctest_failed=$(sed -nE 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\2/p' "$logs/unit.log" | tail -n 1)
unit_total=$(( ${unit_total:-0} + ${xctest_total:-0} ))
unit_failed=$(( ${unit_failed:-0} + ${xctest_failed:-0} ))
if [ "$unit_status" -ne 0 ]; then
    failures+=("swift test (status $unit_status)")
    # A build or crash failure may print no per-test line; count the run itself as failed.
    [ "$unit_failed" -gt 0 ] || unit_failed=1
fi
unit_passed=$(( unit_total > unit_failed ? unit_total - unit_failed : 0 ))

echo "== swift build -c release"
release_status=0
swift build -c release 2>&1 | tee "$logs/release.log" || release_status=$?
if [ "$release_status" -ne 0 ]; then
    failures+=("swift build -c release (status $release_status)")
elif grep -E "^$PWD/Sources/[^:]+:[0-9]+:[0-9]+: warning:" "$logs/release.log" >"$logs/warnings.log"; then
    echo "release build warnings in Sources/:"
    sort -u "$logs/warnings.log"
    failures+=("release build has warnings in Sources/")
fi

integration_passed=0
integration_failed=0
shopt -s nullglob
scripts=(scripts/integration/*.sh)
shopt -u nullglob
if [ "${#scripts[@]}" -gt 0 ]; then
    echo "== integration (${#scripts[@]} scripts)"
    TEST_ANCHORD_BINARY="$(swift build -c release --show-bin-path)/anchord"
    export TEST_ANCHORD_BINARY
    # The scripts start the lab as they need it; whatever was not running before is stopped at the end, so
    # the test run leaves no server behind (a lab someone had up stays up).
    lab_was_up=0
    if scripts/lab status >/dev/null 2>&1; then lab_was_up=1; fi
    for script in "${scripts[@]}"; do
        echo "-- $script"
        script_status=0
        timeout "${TEST_INTEGRATION_TIMEOUT:-1200}" bash "$script" 2>&1 | tee "$logs/integration.log" || script_status=$?
        # A script's last line is "checks: N passed, M failed"; one that died before it counts as one failure.
        read -r p f < <(sed -nE 's/^checks: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$logs/integration.log" | tail -n 1) || true
        integration_passed=$(( integration_passed + ${p:-0} ))
        integration_failed=$(( integration_failed + ${f:-0} ))
        if [ "$script_status" -ne 0 ]; then
            [ "${f:-0}" -gt 0 ] || integration_failed=$(( integration_failed + 1 ))
            echo "FAIL $script (status $script_status)"
            failures+=("$script")
        fi
        p=""; f=""
    done
    if [ "$lab_was_up" -eq 0 ]; then scripts/lab down >/dev/null 2>&1 || true; fi
else
    echo "== integration: no scripts/integration/*.sh yet"
fi

echo "== summary"
echo "swift test: $unit_passed passed, $unit_failed failed"
echo "integration checks: $integration_passed passed, $integration_failed failed"
for failure in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $failure"; done
# The closing line counts every unit test and every integration check.
echo "$(( unit_passed + integration_passed )) passed, $(( unit_failed + integration_failed )) failed"
[ "${#failures[@]}" -eq 0 ]
