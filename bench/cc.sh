#!/usr/bin/env bash
# Benchmark of the client_credentials grant (opaque and JWT access tokens) against a real authbox
# server started here on 127.0.0.1, driven by bench/loadgen (closed loop, HdrHistogram latencies).
#
#   bench/cc.sh [--smoke] [--duration S] [--warmup S] [--db h2|postgres] [--port N]
#
# Prints the server's startup time, its RSS at idle and after load, and a markdown table of
# throughput and latency per client and connection count. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/cc.sh [options]
  --smoke           quick check: 1 s warm-up, 2 s measured, 16 connections only
  --duration S      measured seconds per run (default 10)
  --warmup S        unrecorded warm-up seconds per run (default 3)
  --connections "N M ..."  connection counts (default "16 64")
  --db h2|postgres  h2: fresh file database in a temp dir (default);
                    postgres: fresh schema in 127.0.0.1:5432/test as user postgres, dropped at exit
  --port N          server port (default $AUTHBOX_PORT or 18080)
environment: AUTHBOX_JAR (default target/authbox.jar), JAVA (default java), LOADGEN_JAVA (default $JAVA),
  SERVER_JAVA_OPTS, LOADGEN_OPTS (extra loadgen flags, e.g. "--http-client jdk"), KEEP_WORK=1 keeps the temp dir
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PORT=${AUTHBOX_PORT:-18080}
DB=h2
WARMUP=
DURATION=
CONNECTIONS=
SMOKE=false
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=true ;;
        --duration) DURATION=${2:?--duration needs a value}; shift ;;
        --duration=*) DURATION=${1#*=} ;;
        --warmup) WARMUP=${2:?--warmup needs a value}; shift ;;
        --warmup=*) WARMUP=${1#*=} ;;
        --connections) CONNECTIONS=${2:?--connections needs a value}; shift ;;
        --connections=*) CONNECTIONS=${1#*=} ;;
        --db) DB=${2:?--db needs a value}; shift ;;
        --db=*) DB=${1#*=} ;;
        --port) PORT=${2:?--port needs a value}; shift ;;
        --port=*) PORT=${1#*=} ;;
        -h|--help) usage; exit 0 ;;
        *) echo "cc.sh: unknown argument: $1" >&2; usage >&2; exit 64 ;;
    esac
    shift
done
if $SMOKE; then
    WARMUP=${WARMUP:-1}; DURATION=${DURATION:-2}; CONNECTIONS=${CONNECTIONS:-16}
else
    WARMUP=${WARMUP:-3}; DURATION=${DURATION:-10}; CONNECTIONS=${CONNECTIONS:-16 64}
fi
case "$DB" in h2|postgres) ;; *) echo "cc.sh: --db must be h2 or postgres" >&2; exit 64 ;; esac

die() { echo "cc.sh: $*" >&2; exit 1; }
log() { echo "cc.sh: $*" >&2; }

command -v curl >/dev/null || die "curl is required"
command -v jq >/dev/null || die "jq is required (apt-get install jq)"
JAVA=${JAVA:-java}
LOADGEN_JAVA=${LOADGEN_JAVA:-$JAVA}
if [ -x ./mvnw ]; then MVN=./mvnw; else MVN=mvn; fi

HOST=127.0.0.1
URL="http://$HOST:$PORT"

# --- builds -------------------------------------------------------------------------------------
JAR=${AUTHBOX_JAR:-target/authbox.jar}
if [ ! -f "$JAR" ]; then
    [ -z "${AUTHBOX_JAR:-}" ] || die "AUTHBOX_JAR=$JAR does not exist"
    log "building the server ($MVN -q package -DskipTests)"
    $MVN -q package -DskipTests
    [ -f "$JAR" ] || die "the build did not produce $JAR"
fi
LOADGEN=bench/loadgen/target/loadgen.jar
if [ ! -f "$LOADGEN" ] || [ -n "$(find bench/loadgen/pom.xml bench/loadgen/src -newer "$LOADGEN" -print -quit)" ]; then
    log "building the load generator ($MVN -q -f bench/loadgen/pom.xml package)"
    $MVN -q -f bench/loadgen/pom.xml package
    [ -f "$LOADGEN" ] || die "the build did not produce $LOADGEN"
fi

# --- state and cleanup --------------------------------------------------------------------------
rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/authbox-bench.XXXXXX")
SERVER_PID=
LOADGEN_PID=
SCHEMA=
OK=false

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$LOADGEN_PID" ]; then
        kill -TERM "$LOADGEN_PID" 2>/dev/null || true
        wait "$LOADGEN_PID" 2>/dev/null || true
    fi
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server did not stop within 10 s, killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$SCHEMA" ]; then
        psql -h 127.0.0.1 -U postgres -d test -qAt -c "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 \
            || log "could not drop schema $SCHEMA"
    fi
    if ! $OK && [ -f "$WORK/server.log" ]; then
        echo "---- last 40 lines of the server log ----" >&2
        tail -n 40 "$WORK/server.log" >&2 || true
    fi
    if [ "${KEEP_WORK:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
    die "something already listens on $HOST:$PORT (set --port or AUTHBOX_PORT)"
fi

if [ "$DB" = postgres ]; then
    command -v psql >/dev/null || die "psql is required for --db postgres"
    SCHEMA="bench_$(date +%s)_$$"
    psql -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1 -qAt -c "create schema $SCHEMA" >/dev/null \
        || { SCHEMA=; die "could not create a schema in PostgreSQL at 127.0.0.1:5432/test"; }
    DB_URL="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$SCHEMA"
else
    DB_URL="jdbc:h2:file:$WORK/authbox"
fi

ADMIN_ID=bench-admin
ADMIN_SECRET=$(rand)
KEY_SECRET=$(rand)
CLIENT_SECRET=$(rand)

# --- start the server ---------------------------------------------------------------------------
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

log "starting $JAR on $URL (db: $DB)"
START_NS=$(date +%s%N)
# shellcheck disable=SC2086  # SERVER_JAVA_OPTS is a list of flags
AUTHBOX_HOST=$HOST \
AUTHBOX_PORT=$PORT \
AUTHBOX_DB_URL=$DB_URL \
AUTHBOX_ADMIN_ID=$ADMIN_ID \
AUTHBOX_ADMIN_SECRET=$ADMIN_SECRET \
AUTHBOX_DEMO=false \
AUTHBOX_KEY_SECRET=$KEY_SECRET \
    "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" serve >"$WORK/server.log" 2>&1 </dev/null &
SERVER_PID=$!

STARTUP_MS=
DEADLINE=$(( $(date +%s) + ${STARTUP_TIMEOUT:-120} ))
while :; do
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during startup"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/health" || true)
    if [ "$code" = 200 ]; then
        STARTUP_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
        break
    fi
    [ "$(date +%s)" -lt "$DEADLINE" ] || die "GET /health did not return 200 within ${STARTUP_TIMEOUT:-120} s (last: $code)"
    sleep 0.05
done
log "server up in $STARTUP_MS ms (pid $SERVER_PID)"

# --- clients ------------------------------------------------------------------------------------
put_client() { # id token_format
    local id=$1 format=$2 code body
    body='{"secret":"'"$CLIENT_SECRET"'","grant_types":["client_credentials"],"auth":{"client_credentials":{"token_format":"'"$format"'","access_token_expiration":3600}}}'
    code=$(curl -s -o "$WORK/put.out" -w '%{http_code}' --max-time 30 -u "$ADMIN_ID:$ADMIN_SECRET" \
        -X PUT -H 'Content-Type: application/json' "$URL/Client/$id" -d "$body" || true)
    case "$code" in
        2??) ;;
        *) echo "cc.sh: PUT /Client/$id returned HTTP ${code:-none}:" >&2
           head -c 2000 "$WORK/put.out" >&2 2>/dev/null || true; echo >&2
           die "could not create client $id" ;;
    esac
}
put_client cc-opaque opaque
put_client cc-jwt jwt

sleep 1
RSS_IDLE=$(rss_mib)

# --- load ---------------------------------------------------------------------------------------
RESULTS=()
BAD=0
for client in cc-opaque cc-jwt; do
    for c in $CONNECTIONS; do
        log "flow cc, client $client, $c connections: ${WARMUP}s warm-up + ${DURATION}s"
        # In the background + wait, so that a signal to this script is handled at once.
        # shellcheck disable=SC2086  # LOADGEN_OPTS is a list of flags
        "$LOADGEN_JAVA" -XX:+UseSerialGC -Xms64m -Xmx512m -jar "$LOADGEN" --flow cc --url "$URL" \
            --client-id "$client" --client-secret "$CLIENT_SECRET" \
            --connections "$c" --warmup "$WARMUP" --duration "$DURATION" ${LOADGEN_OPTS:-} \
            >"$WORK/loadgen.out" </dev/null &
        LOADGEN_PID=$!
        lg_rc=0
        wait "$LOADGEN_PID" || lg_rc=$?
        LOADGEN_PID=
        [ "$lg_rc" = 0 ] || die "loadgen failed with exit code $lg_rc (client $client, $c connections)"
        line=$(tail -n 1 "$WORK/loadgen.out")
        kill -0 "$SERVER_PID" 2>/dev/null || die "the server died under load"
        RESULTS+=("$client	$line")
        if [ "$(jq -r '.errors' <<<"$line")" != 0 ] || [ "$(jq -r '.requests' <<<"$line")" = 0 ]; then
            BAD=$((BAD + 1))
        fi
    done
done
RSS_AFTER=$(rss_mib)

# --- report -------------------------------------------------------------------------------------
echo
echo "## authbox client_credentials benchmark"
echo
echo "- server: \`$JAR\`, db: $DB, $(nproc) CPUs shared by server and load generator"
echo "- runs: ${WARMUP} s warm-up + ${DURATION} s measured, closed loop"
echo "- startup (launch to first 200 from /health): **${STARTUP_MS} ms**"
echo "- RSS idle: **${RSS_IDLE} MiB**, after load: **${RSS_AFTER} MiB**"
echo
echo "| flow | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for r in "${RESULTS[@]}"; do
    client=${r%%	*}
    line=${r#*	}
    jq -r --arg client "$client" \
        '"| \(.flow) (\($client)) | \(.connections) | \(.rps) | \(.p50_ms // "-") | \(.p90_ms // "-") | \(.p99_ms // "-") | \(.max_ms // "-") | \(.errors) |"' \
        <<<"$line"
done
echo
echo "<details><summary>raw loadgen output</summary>"
echo
echo '```'
for r in "${RESULTS[@]}"; do echo "${r#*	}"; done
echo '```'
echo "</details>"
for r in "${RESULTS[@]}"; do
    sample=$(jq -r '.error_sample // empty' <<<"${r#*	}")
    [ -z "$sample" ] || echo "error sample (${r%%	*}): $sample" >&2
done

if [ "$BAD" -gt 0 ]; then
    log "$BAD run(s) had errors or no successful request"
    exit 3
fi
OK=true
