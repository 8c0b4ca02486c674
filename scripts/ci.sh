# shellcheck shell=bash
# Sourced by scripts/test, .ci/run, scripts/ensure-postgres and scripts/ensure-browser: the one rule
# for "is this CI?", which the Rust tests (lantern_store::testing::ci) and the browser suite
# (e2e/tests/skip.ts) follow too. CI is any value of $CI but empty, 0 or false (any case): runners
# set true, 1 or their own name.
is_ci() {
    local value="${CI:-}"
    value="${value//[[:space:]]/}"
    case "${value,,}" in
    "" | 0 | false) return 1 ;;
    *) return 0 ;;
    esac
}
