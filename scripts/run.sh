#!/usr/bin/env bash
# Usage: scripts/run.sh [SERVE OPTIONS...] — install build dependencies (Debian 12, apt), build release, run `anchord serve --config conf/anchord.yaml`.
#
# This is the README's "set up and run" command. Options are passed to `anchord serve` after the
# configuration file (a later --config wins); settings can also come from ANCHORD_<KEY> variables.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/deps.sh
source scripts/lib/deps.sh

anchord_setup_swift
anchord_install_packages "${ANCHORD_BUILD_PACKAGES[@]}"

swift build -c release
exec "$(swift build -c release --show-bin-path)/anchord" serve --config conf/anchord.yaml "$@"
