# Source me: install (Debian packages) and start a throw-away PostgreSQL server on 127.0.0.1 for
# the store tests, then export OPTARENA_TEST_POSTGRES_URL. Idempotent; never fails the caller:
# where PostgreSQL cannot be had, the variable stays unset and the PostgreSQL tests skip.
_optarena_pg() {
    local port="${OPTARENA_PG_PORT:-54329}" dir="${OPTARENA_PG_DIR:-${TMPDIR:-/tmp}/optarena-pg}"
    local bin run
    if [ -n "${OPTARENA_TEST_POSTGRES_URL:-}" ]; then return 0; fi
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
    if [ -z "$bin" ] && command -v apt-get >/dev/null 2>&1; then
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } \
            >/dev/null 2>&1 || echo "postgresql not installed: its store tests will skip"
        bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
    fi
    [ -n "$bin" ] || return 0
    run=()
    if [ "$(id -u)" = 0 ]; then run=(runuser -u postgres --); fi
    if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        mkdir -p "$dir" && { [ "$(id -u)" != 0 ] || chown postgres "$dir"; }
        if [ ! -f "$dir/PG_VERSION" ]; then
            "${run[@]}" "$bin/initdb" -D "$dir" -U postgres -A trust >/dev/null || return 0
        fi
        "${run[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w start \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null || return 0
    fi
    "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'optarena_test'" | grep -q 1 \
        || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres optarena_test || return 0
    export OPTARENA_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/optarena_test"
}
_optarena_pg
