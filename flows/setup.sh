#!/bin/sh
# nibble setup: install Debian dependencies, build, and run the main job or the tests.
#
#   flows/setup.sh run [nibble report options]  install, build, write the default report
#   flows/setup.sh test [ctest options]         install, build, run the whole test suite
#   flows/setup.sh deps | build                 just one step
#
# Idempotent: packages already present are not reinstalled, and an up-to-date
# build tree is reused. Environment: NIBBLE_BUILD_DIR (default ./build).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${NIBBLE_BUILD_DIR:-$here/build}

# Debian packages nibble needs (compilers, libraries, EDA tools, plotting).
PACKAGES="build-essential cmake pkg-config ccache git
libjansson-dev libgsl-dev libxxhash-dev zlib1g-dev libcriterion-dev clang libclang-rt-14-dev
verilator yosys iverilog libsystemc-dev opensta qflow-tech-osu018 gnuplot-nox"

# Only the tests need these (a headless browser renders the report; python3
# checks CSV/JSON outputs, python3-yaml the Accelergy YAML of nibble export; xxhsum checks
# the library checksums nibble records).
TEST_PACKAGES="chromium python3 python3-yaml xxhash"

log() { printf '[setup] %s\n' "$*" >&2; }

deps() {
    missing=""
    for p in $PACKAGES ${WITH_TEST_PACKAGES:+$TEST_PACKAGES}; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing="$missing $p"
        fi
    done
    if [ -z "$missing" ]; then
        log "all Debian packages present"
        return 0
    fi
    log "installing:$missing"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { log "error: need root (or sudo) to install:$missing"; exit 2; }
        sudo=sudo
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt="$sudo apt-get -y -q -o DPkg::Lock::Timeout=300"
    # A fresh machine may have no package lists yet; refresh only when needed.
    # shellcheck disable=SC2086
    if ! $apt install --no-install-recommends $missing >/dev/null 2>&1; then
        $apt update >/dev/null
        $apt install --no-install-recommends $missing
    fi
}

build() {
    launcher=""
    command -v ccache >/dev/null && launcher="-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
    if [ ! -f "$build/CMakeCache.txt" ]; then
        # shellcheck disable=SC2086
        cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo $launcher >/dev/null
    fi
    log "building in $build"
    cmake --build "$build" -j "$(nproc)" -- --no-print-directory >/dev/null || \
        cmake --build "$build" -j 1   # rerun serially so the first error is readable
}

run_tests() {
    # The exhaustive matrix and long sweeps carry the "full" label; they run
    # only when asked for (e.g. flows/setup.sh test -L full).
    select="-LE full"
    for arg in "$@"; do
        case "$arg" in -L|-L*|--label-regex*) select="" ;; esac
    done
    log "running the test suite"
    status=0
    # shellcheck disable=SC2086
    (cd "$build" && ctest --no-tests=error --output-on-failure -j "$(nproc)" $select "$@") || status=$?
    # Each Criterion suite prints one summary line; show them all.
    log "Criterion summaries:"
    awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
         /Synthesis: Tested:/ { printf "  %-28s %s\n", name, $0 }' \
        "$build/Testing/Temporary/LastTest.log" 2>/dev/null | sort >&2 || true
    return $status
}

run_main() {
    # the embedded default report: nibble report with no options, run in the
    # build tree so that its default output (nibble-report/) lands there;
    # extra arguments go to nibble report
    out="$build/nibble-report"
    # nibble replaces only a report it marked (.nibble-output); one an older
    # nibble wrote into this build tree, which is this script's own, is removed
    # here instead of being refused
    if [ "$#" -eq 0 ] && [ -f "$out/report.json" ] && [ ! -e "$out/.nibble-output" ]; then
        rm -rf "$out"
    fi
    log "main job: the default area-versus-accuracy report into $out"
    (cd "$build" && ./cli/nibble report "$@")
    log "open $out/report.html (Markdown: $out/report.md)"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    deps) deps ;;
    build) deps; build ;;
    test) WITH_TEST_PACKAGES=1 deps; build; run_tests "$@" ;;
    run) deps; build; run_main "$@" ;;
    *) echo "usage: flows/setup.sh run|test|deps|build" >&2; exit 2 ;;
esac
