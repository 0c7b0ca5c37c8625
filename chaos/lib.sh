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

# Fresh secrets for each run: the admin client's, the key encryption's, and the test clients'.
ADMIN_SECRET=$(rand)
KEY_SECRET=$(rand)
CLIENT_SECRET=$(rand)

require() { # require [h2]: the tools, the jar, and PostgreSQL unless the script runs on H2
    local c tools=(curl jq "$JAVA")
    [ "${1:-}" = h2 ] || tools+=(psql)
    for c in "${tools[@]}"; do
        command -v "$c" >/dev/null || { echo "chaos: $c is required" >&2; exit 2; }
    done
    if [ ! -f "$JAR" ]; then
        log "building $JAR (./mvnw -q package -DskipTests)"
        (cd "$CHAOS_ROOT" && ./mvnw -q package -DskipTests) || { echo "chaos: build failed" >&2; exit 2; }
    fi
    [ "${1:-}" = h2 ] && return 0
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

h2_count() { # h2_count "SELECT count(*) ...": the number, read with H2's shell from the file at DB_URL (its node stopped)
    local out
    out=$("$JAVA" -cp "$JAR" org.h2.tools.Shell -url "$DB_URL" -user "" -password "" -sql "$1" 2>&1)
    sed -n '2{/^[0-9][0-9]*$/p}' <<<"$out" | grep . || { log "H2's shell: $(head -c 500 <<<"$out")"; return 0; }
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

# token_request PORT CLIENT OUT FORM...: POST /auth/token as CLIENT (secret $CLIENT_SECRET); prints
# the status ("000" when no answer came) and leaves "access_token<TAB>refresh_token" in OUT.tsv
# only for a complete 200 whose JSON body parses.
token_request() {
    local port=$1 client=$2 out=$3 code
    shift 3
    rm -f "$out" "$out.tsv"
    code=$(curl -s -m 5 -o "$out" -w '%{http_code}' -u "$client:$CLIENT_SECRET" "$@" "http://127.0.0.1:$port/auth/token") \
        || code=000
    if [ "$code" = 200 ] && ! jq -e -r '[.access_token, .refresh_token] | @tsv' "$out" >"$out.tsv" 2>/dev/null; then
        rm -f "$out.tsv"
        code=000
    fi
    echo "$code"
}

# load_then_kill NAME: runs the calling script's `worker ID END_MS` in WORKERS loops for LOAD_SECONDS,
# kills node NAME with SIGKILL after KILL_AFTER seconds, and returns once every worker is done.
load_then_kill() {
    local name=$1 start end pid w p pids=()
    start=$(now_ms)
    end=$((start + LOAD_SECONDS * 1000))
    log "load: $WORKERS workers for $LOAD_SECONDS s, kill -9 of node $name after $KILL_AFTER s"
    for w in $(seq 1 "$WORKERS"); do worker "$w" "$end" & pids+=($!); done
    sleep "$KILL_AFTER"
    pid=${NODE_PID[$name]}
    kill -KILL "$pid"
    log "killed node $name (pid $pid) at $(( $(now_ms) - start )) ms"
    wait "$pid" 2>/dev/null
    NODE_PID[$name]=
    for p in "${pids[@]}"; do wait "$p"; done
}

# introspect_expect PORT LABEL FILE: each line of FILE is "<access|refresh> <true|false> <token>";
# one check per line, that introspection through PORT answers that "active".
introspect_expect() {
    local port=$1 label=$2 file=$3
    PORT=$port ADMIN_SECRET=$ADMIN_SECRET xargs -r -P 8 -L 1 bash -c '
        hint=access_token; [ "$0" = refresh ] && hint=refresh_token
        active=$(curl -s -m 10 -u "admin:$ADMIN_SECRET" --data-urlencode "token=$2" -d "token_type_hint=$hint" \
            "http://127.0.0.1:$PORT/auth/introspect" | jq -r .active 2>/dev/null)
        if [ "$active" = "$1" ]; then echo ok; else echo "$0 ${2:0:24}... active=$active, expected $1"; fi' \
        <"$file" >"$WORK/introspect.$label"
    local ok bad
    ok=$(grep -c '^ok$' "$WORK/introspect.$label")
    bad=$(grep -vc '^ok$' "$WORK/introspect.$label")
    PASSED=$((PASSED + ok))
    FAILED=$((FAILED + bad))
    echo "$label: $ok of $(wc -l <"$file") tokens as expected"
    grep -v '^ok$' "$WORK/introspect.$label" | head -n 5 | sed 's/^/FAIL: /'
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
