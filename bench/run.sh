#!/usr/bin/env bash
# The authbox benchmark: every flow at 16 and 64 connections, start-up time, RSS, and the machine's
# ceilings (RS256/ES256 signatures/s, Argon2id hashes/s) in one run. With --peers, the same flows
# against Keycloak and node-oidc-provider, one server at a time, and one comparison table.
#
#   bench/run.sh [--db h2|postgres] [--duration S] [--smoke] [--peers] ...   (--help for all)
#
# Writes bench/results/<date>-<db>.json and prints a markdown report. See bench/README.md.
set -euo pipefail
SELF=run.sh
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

usage() {
    cat <<'EOF'
usage: bench/run.sh [options]
  --db h2|postgres    h2: fresh file database in a temp dir (default);
                      postgres: fresh schema in 127.0.0.1:5432/test as user postgres, dropped at exit
  --peers             then run bench/peers/keycloak.sh and bench/peers/node-oidc-provider.sh (same
                      options) and print one comparison table
  --no-build          use target/authbox.jar as it is instead of building the current sources
  --no-ceilings       skip the signature and Argon2id ceilings
EOF
    bench_common_usage
    cat <<'EOF'
environment: AUTHBOX_JAR (a server jar; skips the build), JAVA (server JVM, default java),
  SERVER_JAVA_OPTS (default -XX:+UseSerialGC -Xms16m -Xmx96m -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40),
  SERVER_ENV (the server's extra environment, default MALLOC_ARENA_MAX=2), LOADGEN_JAVA, LOADGEN_OPTS,
  BENCH_SIGNING_ALG (RS256 default, or ES256: the server's signing keys), BENCH_ARGON2 (default 7168,5,1 =
  memory KiB, iterations, parallelism), BENCH_CACHE (default ~/.cache/authbox-bench), KEEP_WORK=1
exit codes: 0 clean, 1 setup failed, 3 a run had errors (or a peer failed), 64 bad arguments
EOF
}

PORT=${AUTHBOX_PORT:-18080}
for a in "$@"; do case "$a" in -h|--help) usage; exit 0 ;; esac; done
bench_parse_args "$@"
DB=h2; PEERS=false; BUILD=true; CEILINGS=true
set -- "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
while [ $# -gt 0 ]; do
    case "$1" in
        --db) DB=${2:?--db needs a value}; shift ;;
        --db=*) DB=${1#*=} ;;
        --peers) PEERS=true ;;
        --no-build) BUILD=false ;;
        --no-ceilings) CEILINGS=false ;;
        *) echo "$SELF: unknown argument: $1" >&2; usage >&2; exit 64 ;;
    esac
    shift
done
case "$DB" in h2|postgres) ;; *) echo "$SELF: --db must be h2 or postgres" >&2; exit 64 ;; esac
# the README's small-footprint settings ("Memory")
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS--XX:+UseSerialGC -Xms16m -Xmx96m -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40}
SERVER_ENV=${SERVER_ENV-MALLOC_ARENA_MAX=2}
URL="http://$HOST:$PORT"
OUT=${OUT:-$(bench_default_out "$DB")}

SERVER_PID=
SCHEMA=
stop_all() {
    bench_stop_pid "$SERVER_PID"
    SERVER_PID=
    if [ -n "$SCHEMA" ]; then
        psql -h 127.0.0.1 -U postgres -d test -qAt -c "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 \
            || log "could not drop schema $SCHEMA"
        SCHEMA=
    fi
}
bench_init
SERVER_LOG=$WORK/server.log
bench_port_free "$PORT"
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the numbers)"

# --- build --------------------------------------------------------------------------------------
# The server is built from a copy of the sources in the cache dir, so that the build neither races
# with nor disturbs other builds and test runs in the work tree (target/ stays untouched).
VERSION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml 2>/dev/null | head -n 1)" ]; then VERSION="$VERSION+uncommitted"; fi
if [ -n "${AUTHBOX_JAR:-}" ]; then
    [ -f "$AUTHBOX_JAR" ] || die "AUTHBOX_JAR=$AUTHBOX_JAR does not exist"
    cp "$AUTHBOX_JAR" "$WORK/authbox.jar"
    VERSION="$AUTHBOX_JAR"
elif ! $BUILD; then
    [ -f "$ROOT/target/authbox.jar" ] || die "--no-build but target/authbox.jar does not exist"
    cp "$ROOT/target/authbox.jar" "$WORK/authbox.jar"
    VERSION="target/authbox.jar ($(date -r "$ROOT/target/authbox.jar" '+%F %T'))"
else
    B=$CACHE_DIR/authbox-build
    mkdir -p "$B/src"
    if rsync -a --delete --itemize-changes "$ROOT/src/main/" "$B/src/main/" | grep -q '^\*deleting'; then
        rm -rf "$B/target" # classes of deleted sources would linger
    fi
    rsync -a --delete "$ROOT/.mvn/" "$B/.mvn/"
    cp -p "$ROOT/pom.xml" "$B/pom.xml"
    log "building the server from the current sources ($MVN -q package in $B)"
    t0=$(now_ms)
    "$MVN" -q -f "$B/pom.xml" package -Dmaven.test.skip=true >"$WORK/build.log" 2>&1 \
        || { tail -n 60 "$WORK/build.log" >&2; die "the server did not build (try --no-build or AUTHBOX_JAR=...)"; }
    [ -f "$B/target/authbox.jar" ] || die "the build did not produce $B/target/authbox.jar"
    log "built in $(( ($(now_ms) - t0) / 1000 )) s"
    cp "$B/target/authbox.jar" "$WORK/authbox.jar"
fi
SERVER_JAVA_VERSION=$("$JAVA" -version 2>&1 | head -n 1)
# As the README runs it: with a class-data archive, made by a self-check run of this very jar and JVM
# (an archive only serves the jar path and JVM build it was made with).
if "$JAVA" -XX:ArchiveClassesAtExit="$WORK/authbox.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
        -jar "$WORK/authbox.jar" selfcheck >"$WORK/selfcheck.log" 2>&1 </dev/null && [ -f "$WORK/authbox.jsa" ]; then
    SERVER_JAVA_OPTS="-XX:SharedArchiveFile=$WORK/authbox.jsa $SERVER_JAVA_OPTS"
else
    log "no class-data archive (selfcheck failed or does not exist in this jar): $(tail -c 200 "$WORK/selfcheck.log")"
fi

# --- ceilings -----------------------------------------------------------------------------------
CEILINGS_JSON=null
if $CEILINGS; then
    if $SMOKE; then c_args=(--warmup 0.2 --duration 0.5 --argon2-duration 0.5 --threads 1 --repeat 1)
    else c_args=(--warmup 1 --duration 2 --argon2-duration 3 --repeat 2); fi
    bench_wait_quiet
    log "measuring ceilings (signatures/s, Argon2id m=$ARGON2_M t=$ARGON2_T p=$ARGON2_P hashes/s)"
    "$JAVA" -cp "$LOADGEN" dev.authbox.loadgen.Ceilings --argon2 "$BENCH_ARGON2" "${c_args[@]}" \
        >"$WORK/ceilings.json" 2>"$WORK/ceilings.err" </dev/null &
    LOADGEN_PID=$!
    rc=0; wait "$LOADGEN_PID" || rc=$?; LOADGEN_PID=
    [ "$rc" = 0 ] || { cat "$WORK/ceilings.err" >&2; die "the ceilings program failed ($rc)"; }
    CEILINGS_JSON=$(cat "$WORK/ceilings.json")
fi
# The server's own Argon2id, through its hasher, at the bench's cost (`authbox hash-rate`): the password
# row's ceiling. Measured here and again right before and right after the password runs.
server_hash_rate() { # FILE: appends one JSON line to it
    local seconds=3
    $SMOKE && seconds=1
    bench_wait_quiet
    # shellcheck disable=SC2086  # SERVER_ENV and SERVER_JAVA_OPTS are lists
    env $SERVER_ENV AUTHBOX_ARGON2_MEMORY_KIB=$ARGON2_M AUTHBOX_ARGON2_ITERATIONS=$ARGON2_T \
        AUTHBOX_ARGON2_PARALLELISM=$ARGON2_P "$JAVA" $SERVER_JAVA_OPTS -jar "$WORK/authbox.jar" hash-rate --json \
        --seconds "$seconds" 2>>"$WORK/hash-rate.err" </dev/null | grep '^{' | tail -n 1 >>"$1" \
        || log "the server's Argon2id rate could not be measured: $(tail -c 200 "$WORK/hash-rate.err")"
}
if $CEILINGS; then
    server_hash_rate "$WORK/hash-rate-start.jsonl"
fi

# --- database -----------------------------------------------------------------------------------
if [ "$DB" = postgres ]; then
    command -v psql >/dev/null || die "psql is required for --db postgres"
    SCHEMA="bench_$(date +%s)_$$"
    psql -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1 -qAt -c "create schema $SCHEMA" >/dev/null \
        || { SCHEMA=; die "could not create a schema in PostgreSQL at 127.0.0.1:5432/test"; }
    DB_URL="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$SCHEMA"
else
    DB_URL="jdbc:h2:file:$WORK/db/authbox"
fi

ADMIN_ID=bench-admin
ADMIN_SECRET=$(rand)
KEY_SECRET=$(rand)
SECRET=$(rand)
USER_PASSWORD=$(rand)
USER_EMAIL=bench@example.com

start_server() {
    local start
    start=$(now_ms)
    # shellcheck disable=SC2086  # SERVER_ENV and SERVER_JAVA_OPTS are lists
    env $SERVER_ENV AUTHBOX_HOST=$HOST AUTHBOX_PORT=$PORT AUTHBOX_ISSUER=$URL AUTHBOX_DB_URL=$DB_URL \
    AUTHBOX_ADMIN_ID=$ADMIN_ID AUTHBOX_ADMIN_SECRET=$ADMIN_SECRET AUTHBOX_KEY_SECRET=$KEY_SECRET \
    AUTHBOX_DEMO=false AUTHBOX_SIGNING_ALG=$BENCH_SIGNING_ALG \
    AUTHBOX_ARGON2_MEMORY_KIB=$ARGON2_M AUTHBOX_ARGON2_ITERATIONS=$ARGON2_T AUTHBOX_ARGON2_PARALLELISM=$ARGON2_P \
        "$JAVA" $SERVER_JAVA_OPTS -jar "$WORK/authbox.jar" serve >>"$SERVER_LOG" 2>&1 </dev/null &
    SERVER_PID=$!
    bench_wait_ready "$SERVER_PID" "$URL/health" "$start"
}

# --- start on a fresh database, set up, restart on the existing one -----------------------------
# how the server runs, for the log and the results file
SERVER_SETTINGS="${SERVER_ENV:+$SERVER_ENV }$SERVER_JAVA_OPTS"
log "starting authbox on $URL (db: $DB, JVM: $SERVER_JAVA_VERSION, $SERVER_SETTINGS)"
bench_wait_quiet
start_server
STARTUP_FRESH=$STARTUP_MS
log "up in $STARTUP_FRESH ms on a fresh database"

CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
    "$URL/auth/authorize?response_type=code&client_id=web&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb" || true)
REDIRECT_URI=http://127.0.0.1:9/cb

put() { # PATH JSON
    bench_call "PUT $1" '2..' -u "$ADMIN_ID:$ADMIN_SECRET" -X PUT -H 'Content-Type: application/json' "$URL$1" -d "$2"
}
cc_client() { # token_format
    jq -nc --arg s "$SECRET" --arg f "$1" \
        '{secret: $s, grant_types: ["client_credentials"], auth: {client_credentials: {token_format: $f, access_token_expiration: 3600}}}'
}
put /Client/cc-opaque "$(cc_client opaque)"
put /Client/cc-jwt "$(cc_client jwt)"
put /Client/rs "$(jq -nc --arg s "$SECRET" '{secret: $s, grant_types: ["client_credentials"]}')"
put /Client/pw "$(jq -nc --arg s "$SECRET" \
    '{secret: $s, grant_types: ["password", "refresh_token"], auth: {password: {token_format: "jwt", refresh_token: true}}}')"
put /User/bench "$(jq -nc --arg e "$USER_EMAIL" --arg p "$USER_PASSWORD" '{email: $e, password: $p}')"
if [ "$CODE" != 404 ]; then
    # A first-party confidential web client: no consent page, PKCE, JWT access tokens.
    put /Client/web "$(jq -nc --arg s "$SECRET" --arg r "$REDIRECT_URI" '{secret: $s, first_party: true,
        grant_types: ["authorization_code"], auth: {authorization_code: {token_format: "jwt", redirect_uri: $r, pkce: true}}}')"
fi
CRYPTO=$(grep -o 'crypto [^)]*' "$SERVER_LOG" | head -n 1 || true)

bench_restarts
log "up in $STARTUP_RESTART ms on restart with the existing database (median of $STARTUP_RESTARTS)"

if [ "$DB" = postgres ]; then
    # PostgreSQL's processes work for the server: count their CPU as the server's (the postmaster and
    # its children, listed again before each run: they include the backends of the server's
    # connection pool, which opens more of them under load). Other clients of the same PostgreSQL
    # are counted too.
    pm=$(head -n 1 "$(psql -h 127.0.0.1 -U postgres -d test -qAt -c 'show data_directory' 2>/dev/null)/postmaster.pid" 2>/dev/null || true)
    DB_PARENT_PID=$pm
fi
sleep 1
RSS_IDLE=$(bench_rss_mib "$SERVER_PID")

# --- flows --------------------------------------------------------------------------------------
basic=(--client-secret "$SECRET")
user=(--username "$USER_EMAIL" --password "$USER_PASSWORD")
# code-flow: sign in once through the login page (CSRF cookie + form), then every iteration is
# authorize (with the SSO cookie, 302 with a code) + token exchange with the PKCE verifier.
sso_login() {
    local jar=$WORK/cookies csrf code
    rm -f "$jar"
    code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --max-time 30 "$URL/auth/login" || true)
    [ "$code" = 200 ] || { echo "GET /auth/login: HTTP $code"; return 1; }
    csrf=$(awk '$6 == "authbox_csrf" { print $7 }' "$jar")
    code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --max-time 30 "$URL/auth/login" \
        --data-urlencode "csrf=$csrf" --data-urlencode "login=$USER_EMAIL" --data-urlencode "password=$USER_PASSWORD" || true)
    SSO_COOKIE=$(awk '$6 == "authbox_sso" { print $6 "=" $7 }' "$jar")
    [ -n "$SSO_COOKIE" ] || { echo "POST /auth/login: HTTP $code and no authbox_sso cookie"; return 1; }
}
# The server's Argon2id implementation alone, right before and right after each password run: this
# machine's speed drifts from minute to minute, so each password row is read against the mean of the
# hash rates measured on either side of it (the ceilings at the start of the run stay in the results).
argon2_beside_password() {
    $CEILINGS && ! $WARMING && bench_selected password || return 0
    server_hash_rate "$WORK/hash-rate-beside.jsonl"
}
flows() {
    for c in $CONNECTIONS; do bench_flow cc-opaque "$c" --flow cc --client-id cc-opaque "${basic[@]}"; done
    for c in $CONNECTIONS; do bench_flow cc-jwt "$c" --flow cc --client-id cc-jwt "${basic[@]}"; done
    argon2_beside_password
    for c in $CONNECTIONS; do
        bench_flow password "$c" --flow password --client-id pw "${basic[@]}" "${user[@]}"
        argon2_beside_password
    done
    for c in $CONNECTIONS; do bench_flow refresh "$c" --flow refresh --client-id pw "${basic[@]}" "${user[@]}"; done
    for kind in opaque jwt; do
        for c in $CONNECTIONS; do
            bench_flow "introspect-$kind" "$c" --flow introspect --client-id rs "${basic[@]}" \
                --token-client-id "cc-$kind" --token-client-secret "$SECRET"
        done
    done
    if [ "$CODE" = 404 ]; then
        bench_na code-flow "GET /auth/authorize answers 404: the authorization code grant does not exist yet"
    elif sso_login >"$WORK/sso.err"; then
        for c in $CONNECTIONS; do
            bench_flow code-flow "$c" --flow code --client-id web "${basic[@]}" --cookie "$SSO_COOKIE" \
                --redirect-uri "$REDIRECT_URI" --scope openid
        done
    else
        bench_na code-flow "could not sign in through the login page: $(cat "$WORK/sso.err")"
        $WARMING || BAD=$((BAD + 1))
    fi
    for c in $CONNECTIONS; do bench_flow jwks "$c" --flow get --path /.well-known/jwks.json; done
    for c in $CONNECTIONS; do bench_flow discovery "$c" --flow get --path /.well-known/openid-configuration; done
}
bench_warmup_pass flows
flows
RSS_AFTER=$(bench_rss_mib "$SERVER_PID")
# The H2 file holds the data and, under sustained writes, the obsolete chunks H2 keeps for 45 s
DB_FILE_MIB=
[ "$DB" != h2 ] || DB_FILE_MIB=$( (stat -c %s "$WORK/db/authbox.mv.db" 2>/dev/null || true) | awk '{ printf "%.1f", $1 / 1048576 }')
stop_all

# --- results ------------------------------------------------------------------------------------
CEILING_MAP='{}'
BESIDE=null
if [ "$CEILINGS_JSON" != null ]; then
    case "$CRYPTO" in *orretto*|*ACCP*|*AWS-LC*) prov=accp; prov_what="ACCP (the server's provider)" ;;
                      *) prov=jdk; prov_what="JDK provider" ;; esac
    # Access tokens use BENCH_SIGNING_ALG; ID tokens are RS256 whatever it is (the server's rule).
    CEILING_MAP=$(jq -c --arg k "${BENCH_SIGNING_ALG}_$prov" --arg idk "RS256_$prov" --arg alg "$BENCH_SIGNING_ALG" \
        --arg pw "$prov_what" '
        def best(o): (o["2"] // o["1"]);
        def thr(o): (if o["2"] then "2 threads" else "1 thread" end);
        {} + (if .signatures_per_s[$k] and .signatures_per_s[$idk] then
                 {"cc-jwt": {what: ($alg + " signatures/s, " + $pw + ", " + thr(.signatures_per_s[$k])), per_s: best(.signatures_per_s[$k])},
                  "code-flow": {what: ("one " + $alg + " access token + one RS256 ID token per flow, " + $pw + ", "
                                       + thr(.signatures_per_s[$k])),
                                per_s: (1 / (1 / best(.signatures_per_s[$k]) + 1 / best(.signatures_per_s[$idk])) | floor)}}
              else {} end)' <<<"$CEILINGS_JSON")
fi
SERVER_HASH_RATE=null
[ -s "$WORK/hash-rate-start.jsonl" ] && SERVER_HASH_RATE=$(head -n 1 "$WORK/hash-rate-start.jsonl")
[ -s "$WORK/hash-rate-beside.jsonl" ] && BESIDE=$(jq -sc 'map(.per_s)' "$WORK/hash-rate-beside.jsonl")
# The password row's ceiling: the rates beside its runs, else the one measured with the other ceilings.
RATE_ANY=
for f in "$WORK/hash-rate-beside.jsonl" "$WORK/hash-rate-start.jsonl"; do
    if [ -s "$f" ]; then RATE_ANY=$(head -n 1 "$f"); break; fi
done
if [ -n "$RATE_ANY" ]; then
    # Each password run is read against the rates measured right before and right after it: a
    # "password@<connections>" ceiling, which bench_write_results prefers to the flow's own.
    CEILING_MAP=$(jq -c --argjson r "$RATE_ANY" --argjson b "$BESIDE" --argjson s "$SERVER_HASH_RATE" \
        --argjson conns "$(jq -nc --arg c "$CONNECTIONS" '$c | split(" ") | map(select(. != "") | tonumber)')" '
        def mean(xs): (xs | add) / (xs | length) * 10 | round / 10;
        ("Argon2id hashes/s of the server: " + $r.implementation + ", authbox hash-rate, "
         + ($r.threads | tostring) + " at a time") as $what
        | .password = (if ($b | length) > 0
            then {per_s: mean($b), what: ($what + ", beside the password runs (mean of " + ($b | map(tostring) | join(", ")) + ")")}
            else {per_s: $s.per_s, what: $what} end)
        | reduce range(0; $conns | length) as $i (.;
            if ($b | length) > $i + 1
            then .["password@" + ($conns[$i] | tostring)] = {per_s: mean($b[$i:$i + 2]),
                  what: ($what + ", right before and after this run (mean of " + ($b[$i:$i + 2] | map(tostring) | join(" and ")) + ")")}
            else . end)' <<<"$CEILING_MAP")
fi
EXTRA=$(jq -n --arg db "$DB" --arg date "$(date -Iseconds)" --arg version "$VERSION" \
    --arg java "$SERVER_JAVA_VERSION" --arg opts "$SERVER_SETTINGS" --arg crypto "$CRYPTO" \
    --argjson warmup "$WARMUP" --argjson duration "$DURATION" --arg conns "$CONNECTIONS" --argjson pass "$WARMUP_PASS" \
    --argjson fresh "$STARTUP_FRESH" --argjson restart "$STARTUP_RESTART" --argjson restarts "$STARTUP_RESTARTS" \
    --argjson idle "$RSS_IDLE" --argjson after "$RSS_AFTER" --argjson dbfile "${DB_FILE_MIB:-null}" \
    --argjson ceilings "$CEILINGS_JSON" \
    --argjson m "$ARGON2_M" --argjson t "$ARGON2_T" --argjson p "$ARGON2_P" --arg alg "$BENCH_SIGNING_ALG" \
    --argjson beside "$BESIDE" --argjson hashrate "$SERVER_HASH_RATE" '
    {server: "authbox", db: $db, date: $date, version: $version,
     server_java: ($java + " " + $opts), crypto: $crypto, smoke: '"$SMOKE"',
     warmup_s: $warmup, duration_s: $duration, warmup_pass_s: $pass, connections: ($conns | split(" ") | map(tonumber)),
     startup_ms: {fresh: $fresh, restart: $restart, restarts: $restarts}, rss_mib: {idle: $idle, after_load: $after},
     db_file_mib_after_load: $dbfile,
     argon2id: {memory_kib: $m, iterations: $t, parallelism: $p}, signing_alg: $alg, ceilings: $ceilings,
     argon2id_server: $hashrate, argon2id_beside_password_per_s: $beside}')
bench_write_results "$OUT" "$EXTRA" "$CEILING_MAP"

echo
bench_print_table "$OUT"
if [ "$CEILINGS_JSON" != null ]; then
    echo
    echo "Ceilings on this machine (per second; 1 and 2 threads):"
    echo
    echo "| operation | 1 thread | 2 threads |"
    echo "|---|---:|---:|"
    jq -r '(.signatures_per_s | to_entries[] | "| \(.key | sub("_"; " ")) signatures | \(.value["1"] // "-") | \(.value["2"] // "-") |"),
           (.argon2id_per_s as $a | ["bouncycastle", "libargon2_jna"][] as $k | $a[$k] | select(type == "object")
             | "| Argon2id m=\($a.memory_kib) t=\($a.iterations) p=\($a.parallelism) (\($k)) | \(.["1"] // "-") | \(.["2"] // "-") |")' \
        <<<"$CEILINGS_JSON"
    [ "$SERVER_HASH_RATE" = null ] || jq -r '"| Argon2id m=\(.memory_kib) t=\(.iterations) p=\(.parallelism) (the server: \(.implementation), hash-rate) | | \(.per_s) (\(.threads) at a time) |"' <<<"$SERVER_HASH_RATE"
    echo
    echo "ACCP: $(jq -r .accp <<<"$CEILINGS_JSON")"
fi
echo
echo "results: ${OUT#"$ROOT"/}"
FAILED=$BAD

# --- peers --------------------------------------------------------------------------------------
if $PEERS; then
    peer_args=(--warmup "$WARMUP" --duration "$DURATION" --connections "$CONNECTIONS" --warmup-pass "$WARMUP_PASS")
    $SMOKE && peer_args+=(--smoke)
    FILES=("$OUT")
    for peer in keycloak node-oidc-provider; do
        peer_out=$(bench_default_out "$peer")
        log "---- peer: $peer ----"
        rc=0
        bash "$BENCH_DIR/peers/$peer.sh" "${peer_args[@]}" --out "$peer_out" || rc=$?
        if [ "$rc" != 0 ]; then
            log "$peer: exit code $rc"
            FAILED=$((FAILED + 1))
        fi
        [ -f "$peer_out" ] && [ "$(date -r "$peer_out" +%s)" -ge "$(date -r "$OUT" +%s)" ] && FILES+=("$peer_out")
    done
    echo
    bash "$BENCH_DIR/compare.sh" "${FILES[@]}"
fi

BENCH_OK=true
if [ "$FAILED" -gt 0 ]; then
    log "$FAILED run(s) had errors, no successful request, or failed"
    exit 3
fi
