#!/usr/bin/env bash
# Runs chameleon's whole test suite: unit tests (GoogleTest), the pg_regress suite (sql/, expected/)
# and the TAP suite (test/t, real MariaDB). Ends with one line "N passed, N failed" and exits
# non-zero on any failure.
#
#   test/lib/run-tests.sh [--suite unit|regress|tap|all] [--only NAME] [--no-setup] [--pg-root DIR]
#
# --pg-root DIR runs against a private copy of PostgreSQL under DIR (made on first use from the
# system's, then `make install DESTDIR=DIR`), so several people can test side by side without
# sharing the installed extension files.
# As root it first installs the Debian packages it needs, builds and installs the extension, and
# runs the servers as an unprivileged user it creates (PostgreSQL refuses to run as root).
# --only NAME restricts the chosen suite to one test (gtest filter, regress test name, or TAP file).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

suite=all
only=""
setup=1
pg_root=""
while [ $# -gt 0 ]; do
    case "$1" in
        --suite) suite=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --no-setup) setup=0; shift ;;
        --pg-root) pg_root=$2; shift 2 ;;
        *) echo "run-tests.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$suite" in unit|regress|tap|all) ;; *) echo "run-tests.sh: unknown suite $suite" >&2; exit 2 ;; esac

if [ -n "$pg_root" ]; then
    mkdir -p "$pg_root/usr/lib/postgresql" "$pg_root/usr/share/postgresql"
    [ -d "$pg_root/usr/lib/postgresql/15" ] || cp -a /usr/lib/postgresql/15 "$pg_root/usr/lib/postgresql/"
    [ -d "$pg_root/usr/share/postgresql/15" ] || cp -a /usr/share/postgresql/15 "$pg_root/usr/share/postgresql/"
    PG_BINDIR="$pg_root/usr/lib/postgresql/15/bin"
    PG_REGRESS_BIN="$pg_root/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress"
    PG_PERL_LIB="$pg_root/usr/lib/postgresql/15/lib/pgxs/src/test/perl"
fi

passed=0
failed=0
failures=()
scratch=""
mariadb_dir=""

cleanup() {
    if [ -n "$mariadb_dir" ]; then
        as_test_user bash "$here/mariadb.sh" stop "$mariadb_dir" >/dev/null 2>&1 || true
    fi
    # Whatever a killed test left running under the scratch directory goes too.
    if [ -n "$scratch" ]; then
        pkill -TERM -f -- "--defaults-file=$scratch/" 2>/dev/null || true
        pkill -TERM -f -- "-D $scratch/" 2>/dev/null || true
    fi
    if [ -n "$scratch" ] && [ "$failed" -eq 0 ] && [ -z "${CHAMELEON_KEEP_SCRATCH:-}" ]; then
        rm -rf "$scratch"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

record() { # record SUITE PASSED FAILED [what failed]
    passed=$((passed + $2))
    failed=$((failed + $3))
    if [ "$3" -gt 0 ]; then failures+=("$1: ${4:-$3 failed}"); fi
}

if [ "$setup" -eq 1 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        bash "$here/install-deps.sh" || exit 1
    fi
    make -C "$repo" -j2 >/tmp/chameleon-build.log 2>&1 || { tail -40 /tmp/chameleon-build.log; echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
    make -C "$repo" check-headers || { echo "0 passed, 1 failed"; exit 1; }
    if [ -n "$pg_root" ]; then
        make -C "$repo" install DESTDIR="$pg_root" >/tmp/chameleon-install.log 2>&1 || { tail -20 /tmp/chameleon-install.log; echo "0 passed, 1 failed"; exit 1; }
    elif [ "$(id -u)" -eq 0 ]; then
        make -C "$repo" install >/tmp/chameleon-install.log 2>&1 || { tail -20 /tmp/chameleon-install.log; echo "0 passed, 1 failed"; exit 1; }
    fi
    if [ "$suite" = all ] || [ "$suite" = unit ]; then
        make -C "$repo" -j2 unit >/tmp/chameleon-unit-build.log 2>&1 || { tail -40 /tmp/chameleon-unit-build.log; echo "0 passed, 1 failed"; exit 1; }
    fi
fi

ensure_test_user
scratch=$(make_scratch tests)
# The test user may not be able to read the clone (e.g. under /root): give it its own copy.
cp -r "$repo/sql" "$repo/expected" "$scratch/"
mkdir -p "$scratch/test"
cp -r "$repo/test/t" "$repo/test/lib" "$scratch/test/"
[ -d "$repo/test/unit/data" ] && mkdir -p "$scratch/test/unit" && cp -r "$repo/test/unit/data" "$scratch/test/unit/"
[ "$(id -u)" -eq 0 ] && chown -R "$CHAMELEON_TEST_USER" "$scratch"

# ---------------------------------------------------------------- unit (GoogleTest)
run_unit() {
    local bin="$repo/test/build/chameleon_unit" out="$scratch/unit.log" filter=()
    [ -x "$bin" ] || { record unit 0 1 "unit binary missing (make unit)"; return; }
    cp "$bin" "$scratch/chameleon_unit"
    mariadb_dir="$scratch/mariadb-unit"
    local port
    port=$(as_test_user bash "$scratch/test/lib/mariadb.sh" start "$mariadb_dir") || { record unit 0 1 "MariaDB did not start"; return; }
    [ -n "$only" ] && filter=(--gtest_filter="$only")
    (cd "$scratch" && as_test_user env CHAMELEON_TEST_MARIADB_PORT="$port" CHAMELEON_TEST_MARIADB_DIR="$mariadb_dir" \
        CHAMELEON_TEST_DATA="$scratch/test/unit/data" ./chameleon_unit --gtest_brief=1 "${filter[@]}") >"$out" 2>&1
    local rc=$?
    as_test_user bash "$scratch/test/lib/mariadb.sh" stop "$mariadb_dir" >/dev/null 2>&1
    mariadb_dir=""
    local p f
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$out" | tail -1)
    # A failed test prints "[  FAILED  ] Suite.Name (N ms)" once (brief or not).
    f=$(grep -cE '^\[  FAILED  \] [^ ]+\.[^ ]+ \([0-9]+ ms\)' "$out")
    p=${p:-0}
    if ! grep -q '^\[==========\] .* ran\.' "$out"; then
        f=$((f + 1))
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # the binary failed without naming a test (crash at exit, leak checker...)
    fi
    grep -E '^\[  FAILED  \]|Failure|error:' "$out" | head -40
    echo "unit: $p passed, $f failed"
    record unit "$p" "$f" "$(grep '^\[  FAILED  \] [A-Za-z]' "$out" | sed 's/^\[  FAILED  \] //' | tr '\n' ' ')"
}

# ---------------------------------------------------------------- regress (pg_regress)
run_regress() {
    local out="$scratch/regress" tests=() port
    mkdir -p "$out" && [ "$(id -u)" -eq 0 ] && chown "$CHAMELEON_TEST_USER" "$out"
    if [ -n "$only" ]; then
        tests=("$only")
    else
        for f in "$scratch"/sql/*.sql; do tests+=("$(basename "$f" .sql)"); done
    fi
    port=$(free_port)
    (cd "$scratch" && as_test_user "$PG_REGRESS_BIN" --bindir="$PG_BINDIR" --inputdir="$scratch" --outputdir="$out" \
        --temp-instance="$out/tmp_instance" --temp-config="$scratch/test/lib/regress.conf" --port="$port" \
        --dbname=chameleon_regress "${tests[@]}") >"$out/regress.log" 2>&1
    cat "$out/regress.log" | grep -E '^(test |ok |not ok |     |\s*[0-9]+ of|\s*All)' | head -60
    local total f
    total=${#tests[@]}
    f=$(grep -cE '(\.\.\. FAILED|^not ok|\.\.\. failed)' "$out/regress.log")
    if ! grep -qE 'All [0-9]+ tests passed|tests? failed' "$out/regress.log"; then
        echo "pg_regress did not complete:"; tail -20 "$out/regress.log"
        f=$total
    fi
    if [ -f "$out/regression.diffs" ] && [ -s "$out/regression.diffs" ]; then
        head -150 "$out/regression.diffs"
    fi
    # The server must never have crashed, whatever the tests printed.
    if grep -q 'terminated by signal' "$out"/log/postmaster.log 2>/dev/null; then
        echo "regress: the server log shows a crashed backend:"; grep 'terminated by signal' "$out"/log/postmaster.log
        f=$((f + 1))
    fi
    echo "regress: $((total - f < 0 ? 0 : total - f)) passed, $f failed"
    record regress "$((total - f < 0 ? 0 : total - f))" "$f" "see $out/regression.diffs"
}

# ---------------------------------------------------------------- TAP (prove, real MariaDB)
run_tap() {
    local out="$scratch/tap" files=()
    mkdir -p "$out" && [ "$(id -u)" -eq 0 ] && chown "$CHAMELEON_TEST_USER" "$out"
    if [ -n "$only" ]; then
        files=("test/t/$only")
    else
        for f in "$scratch"/test/t/*.pl; do [ -e "$f" ] && files+=("test/t/$(basename "$f")"); done
    fi
    if [ ${#files[@]} -eq 0 ]; then echo "tap: no tests"; return; fi
    (cd "$scratch" && as_test_user env TESTDIR="$out" PATH="$PG_BINDIR:$PATH" PG_REGRESS="$PG_REGRESS_BIN" \
        CHAMELEON_TEST_LIB="$scratch/test/lib" prove -I "$PG_PERL_LIB" -I "$scratch/test/lib" "${files[@]}") >"$out/prove.log" 2>&1
    grep -vE '^\s*$' "$out/prove.log" | tail -40
    local total fsub fdied
    total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$out/prove.log")
    total=${total:-0}
    fsub=$(sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$out/prove.log" | awk '{s += $1} END {print s + 0}')
    # A test file that died or exited non-zero without a failing subtest still counts as one failure.
    fdied=$(grep -cE '^\S+\.pl\s+\(Wstat: [1-9][0-9]* Tests: [0-9]+ Failed: 0\)' "$out/prove.log")
    if ! grep -q '^Result: ' "$out/prove.log"; then fdied=$((fdied + 1)); fi
    # SIGKILL (signal 9) is what crash tests (043) send on purpose; any other signal is a crash.
    if grep -rh 'terminated by signal' "$out"/tmp_check/log/*.log 2>/dev/null | grep -qv 'terminated by signal 9: Killed'; then
        echo "tap: a server log shows a crashed backend"; fdied=$((fdied + 1))
    fi
    local f=$((fsub + fdied))
    if grep -q '^Result: FAIL' "$out/prove.log" && [ "$f" -eq 0 ]; then
        f=1 # prove failed for a reason the counts above miss (bad plan, parse errors)
    fi
    echo "tap: $((total - fsub)) passed, $f failed"
    record tap "$((total - fsub))" "$f" "see $out (logs in tmp_check/log)"
}

case "$suite" in
    unit) run_unit ;;
    regress) run_regress ;;
    tap) run_tap ;;
    all) run_unit; run_regress; run_tap ;;
esac

if [ "$failed" -gt 0 ]; then
    echo "failures:"
    for f in "${failures[@]}"; do echo "  $f"; done
    echo "(scratch kept in $scratch)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
