# Usage: source scripts/lib/deps.sh; anchord_setup_swift; anchord_install_packages PACKAGE... — shared setup for scripts/*.sh.
#
# Finds the Swift toolchain and installs missing Debian packages with apt. Packages already installed
# cost only a dpkg query, so a rerun on a prepared machine never touches apt.

# What building anchord needs: the C libraries behind CLibevent and COpenSSL, found through pkg-config.
ANCHORD_BUILD_PACKAGES=(libevent-dev libssl-dev pkg-config)

# What the tests need besides: authoritative servers for the lab (NSD, Knot DNS), zone signing and
# query tools (BIND and ldns utilities, dig, kdig), Unbound and dnsperf for side-by-side benchmarks,
# faketime for clock tricks, nftables and iproute2 for network faults.
ANCHORD_TEST_PACKAGES=(nsd knot bind9-utils ldnsutils bind9-dnsutils knot-dnsutils unbound dnsperf faketime
                       nftables iproute2 python3 bc)

# Put the toolchain at /opt/swift on PATH when `swift` is not already there.
anchord_setup_swift() {
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "deps: no Swift toolchain found (looked on PATH and in /opt/swift/usr/bin)" >&2
        return 1
    fi
}

# Print, one a line, the given packages that are not installed.
anchord_missing_packages() {
    local package status
    for package in "$@"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
        [ "$status" = "installed" ] || echo "$package"
    done
}

# Install whichever of the given packages are missing: apt-get update, then a non-interactive install.
# As root directly, otherwise through sudo. Services the packages ship (nsd, knot, unbound) are not
# started: the tests start their own on loopback, and a system one would hold port 53.
anchord_install_packages() {
    local missing
    mapfile -t missing < <(anchord_missing_packages "$@")
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "deps: all ${#} packages present"
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "deps: missing ${missing[*]}; run as root or install sudo" >&2
            return 1
        fi
        sudo=(sudo)
    fi
    echo "deps: installing ${missing[*]}"
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [ ! -e "$policy" ]; then
        # invoke-rc.d asks this script whether to start a service; 101 means "no".
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod 755 "$policy"
        added_policy=1
    fi
    local status=0
    "${sudo[@]}" apt-get update -qq || status=$?
    if [ "$status" -eq 0 ]; then
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" || status=$?
    fi
    if [ "$added_policy" -eq 1 ]; then "${sudo[@]}" rm -f "$policy"; fi
    if [ "$status" -ne 0 ]; then
        echo "deps: apt-get failed (status $status) installing ${missing[*]}" >&2
        return "$status"
    fi
}
