# Shared helpers of the chaos scripts (sourced, not run). Everything stays on 127.0.0.1.
# shellcheck shell=bash

CHAOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${AUTHBOX_JAR:-$CHAOS_ROOT/target/authbox.jar}
JAVA=${JAVA:-java}
PG_URL_BASE="jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
PASSED=0
FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/authbox-chaos.XXXXXX")
SCHEMA=
declare -A NODE_PID=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
check() { # check "description" command...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

require() {
    local c
    for c in curl jq psql "$JAVA"; do
        command -v "$c" >/dev/null || { echo "chaos: $c is required" >&2; exit 2; }
    done
    if [ ! -f "$JAR" ]; then
        log "building $JAR (./mvnw -q package -DskipTests)"
        (cd "$CHAOS_ROOT" && ./mvnw -q package -DskipTests) || { echo "chaos: build failed" >&2; exit 2; }
    fi
    pg_isready -h 127.0.0.1 -p 5432 -q || { echo "chaos: PostgreSQL is not up on 127.0.0.1:5432" >&2; exit 2; }
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fresh_schema() { # a new schema in database test, dropped at exit
    SCHEMA="chaos_$(date +%s)_$$"
    psql -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1 -qAt -c "create schema $SCHEMA" >/dev/null \
        || { SCHEMA=; echo "chaos: cannot create a schema in 127.0.0.1:5432/test" >&2; exit 2; }
    DB_URL="$PG_URL_BASE&currentSchema=$SCHEMA"
}

sql() { # sql "statement" -> rows, in the chaos schema
    psql -h 127.0.0.1 -U postgres -d test -qAt -c "SET search_path TO $SCHEMA; $1"
}

start_node() { # start_node NAME PORT: a node on the shared schema, log in $WORK/NAME.log
    local name=$1 port=$2
    port_free "$port" || { echo "chaos: port $port is taken (set the PORT_* variables)" >&2; exit 2; }
    AUTHBOX_HOST=127.0.0.1 AUTHBOX_PORT=$port AUTHBOX_DB_URL=$DB_URL AUTHBOX_ADMIN_ID=admin \
    AUTHBOX_ADMIN_SECRET=$ADMIN_SECRET AUTHBOX_KEY_SECRET=$KEY_SECRET AUTHBOX_DEMO=false \
    AUTHBOX_ARGON2_MEMORY_KIB=${ARGON2_KIB:-1024} AUTHBOX_ARGON2_ITERATIONS=1 \
        "$JAVA" ${SERVER_JAVA_OPTS:--Xmx256m} -jar "$JAR" serve >>"$WORK/$name.log" 2>&1 </dev/null &
    NODE_PID[$name]=$!
    log "node $name: pid ${NODE_PID[$name]}, port $port"
}

wait_healthy() { # wait_healthy PORT SECONDS
    local port=$1 deadline=$(( $(date +%s) + $2 )) code
    while [ "$(date +%s)" -lt "$deadline" ]; do
        code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 "http://127.0.0.1:$port/health" || true)
        [ "$code" = 200 ] && return 0
        sleep 0.2
    done
    return 1
}

stop_node() { # stop_node NAME [signal]
    local name=$1 sig=${2:-TERM} pid=${NODE_PID[$1]:-}
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill "-$sig" "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null || true
    NODE_PID[$name]=
}

put_client() { # put_client PORT ID JSON
    local code
    code=$(curl -s -o "$WORK/put.out" -w '%{http_code}' -m 20 -u "admin:$ADMIN_SECRET" -X PUT \
        -H 'Content-Type: application/json' "http://127.0.0.1:$1/Client/$2" -d "$3" || true)
    case "$code" in 2??) return 0 ;; esac
    echo "chaos: PUT /Client/$2 -> ${code:-none}: $(head -c 500 "$WORK/put.out")" >&2
    exit 2
}

summary_and_exit() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
}

chaos_cleanup() {
    local name
    for name in "${!NODE_PID[@]}"; do { stop_node "$name" TERM; } 2>/dev/null; done
    if [ -n "$SCHEMA" ] && pg_isready -h 127.0.0.1 -p 5432 -q; then
        psql -h 127.0.0.1 -U postgres -d test -qAt -c "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 || true
    fi
    if [ "${KEEP_WORK:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
