#!/usr/bin/env bash
# Keycloak (org.keycloak:keycloak-quarkus-dist 26.x from Maven Central) under the same flows and load
# generator as bench/run.sh: production mode (`kc.sh start --optimized`) over HTTP on 127.0.0.1,
# embedded dev-file database, local caches (no clustering), a realm "bench" with equivalent clients
# and a user created through the admin REST API.
#
#   bench/peers/keycloak.sh [--duration S] [--smoke] [--connections "16 64"] [--port N] [--out FILE]
#
# Writes bench/results/<date>-keycloak.json and prints a markdown report. See bench/README.md.
set -euo pipefail
SELF=keycloak.sh
# shellcheck source=../lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

usage() {
    echo "usage: bench/peers/keycloak.sh [options]"
    bench_common_usage
    cat <<'EOF'
environment: KEYCLOAK_VERSION (default: the newest 26.x on Maven Central, else 26.7.3),
  KEYCLOAK_JAVA_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64), JAVA_OPTS_KC_HEAP (Keycloak's
  own default outside containers is -Xms64m -Xmx512m), BENCH_CACHE, BENCH_ARGON2, LOADGEN_JAVA, KEEP_WORK=1
EOF
}
for a in "$@"; do case "$a" in -h|--help) usage; exit 0 ;; esac; done
PORT=18081
bench_parse_args "$@"
[ ${#EXTRA_ARGS[@]} -eq 0 ] || { echo "$SELF: unknown argument: ${EXTRA_ARGS[0]}" >&2; usage >&2; exit 64; }
OUT=${OUT:-$(bench_default_out keycloak)}
KC_JAVA_HOME=${KEYCLOAK_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$KC_JAVA_HOME/bin/java" ] || { echo "$SELF: no JDK at $KC_JAVA_HOME (Keycloak 26 needs 21+; set KEYCLOAK_JAVA_HOME)" >&2; exit 1; }
URL="http://$HOST:$PORT"
REALM=bench

SERVER_PID=
stop_all() { bench_stop_pid "$SERVER_PID"; SERVER_PID=; }
bench_init
SERVER_LOG=$WORK/keycloak.log
bench_port_free "$PORT"

# --- fetch ------------------------------------------------------------------------------------
MC=https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist
VER=${KEYCLOAK_VERSION:-}
if [ -z "$VER" ]; then
    VER=$(curl -sf --max-time 20 "$MC/maven-metadata.xml" | grep -o '<version>26\.[0-9.]*</version>' \
        | sed 's/<[^>]*>//g' | sort -V | tail -n 1 || true)
    VER=${VER:-26.7.3}
fi
KC_HOME=$CACHE_DIR/keycloak-$VER
if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    zip=$CACHE_DIR/keycloak-quarkus-dist-$VER.zip
    if [ ! -f "$zip" ]; then
        log "downloading keycloak-quarkus-dist $VER from Maven Central"
        curl -sfL --max-time 900 -o "$zip.part" "$MC/$VER/keycloak-quarkus-dist-$VER.zip" || die "download failed"
        want=$(curl -sf --max-time 20 "$MC/$VER/keycloak-quarkus-dist-$VER.zip.sha1" | cut -c1-40)
        got=$(sha1sum "$zip.part" | cut -c1-40)
        [ "$want" = "$got" ] || { rm -f "$zip.part"; die "checksum mismatch for $zip ($got, Maven Central says $want)"; }
        mv "$zip.part" "$zip"
    fi
    rm -rf "$KC_HOME.tmp" && mkdir -p "$KC_HOME.tmp"
    (cd "$KC_HOME.tmp" && unzip -q "$zip") || die "could not unzip $zip"
    mv "$KC_HOME.tmp/keycloak-$VER" "$KC_HOME" && rmdir "$KC_HOME.tmp"
fi
export JAVA_HOME=$KC_JAVA_HOME
unset JAVA_OPTS

# Build-time options: the embedded H2 file database, local (non-clustered) caches so that nothing
# listens beyond loopback or tries to form a cluster, health and metrics off (no management port).
log "kc.sh build ($VER, JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1))"
"$KC_HOME/bin/kc.sh" build --db=dev-file --cache=local --health-enabled=false --metrics-enabled=false \
    >"$WORK/kc-build.log" 2>&1 </dev/null || { tail -n 40 "$WORK/kc-build.log" >&2; die "kc.sh build failed"; }
rm -rf "$KC_HOME/data" # a fresh database

ADMIN_PASSWORD=$(rand)
SECRET=$(rand)
USER_PASSWORD=$(rand)

start_server() {
    local start
    start=$(now_ms)
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PASSWORD \
        "$KC_HOME/bin/kc.sh" start --optimized --http-enabled=true --http-host=$HOST --http-port="$PORT" \
        --hostname="$URL" --hostname-strict=false \
        >>"$SERVER_LOG" 2>&1 </dev/null &
    SERVER_PID=$!
    bench_wait_ready "$SERVER_PID" "$URL/realms/master/.well-known/openid-configuration" "$start"
}
java_pid() { # the JVM that kc.sh started (kc.sh waits for it as its child)
    local p
    p=$(pgrep -P "$SERVER_PID" java 2>/dev/null | head -n 1 || true)
    echo "${p:-$SERVER_PID}"
}

log "starting Keycloak $VER on $URL (production mode, dev-file database)"
bench_wait_quiet
start_server
STARTUP_FRESH=$STARTUP_MS
log "up in $STARTUP_FRESH ms on a fresh database"

# --- realm, clients, user ---------------------------------------------------------------------
admin_token() {
    bench_call "admin token" 200 -d grant_type=password -d client_id=admin-cli -d username=admin \
        --data-urlencode "password=$ADMIN_PASSWORD" "$URL/realms/master/protocol/openid-connect/token"
    TOKEN=$(jq -r .access_token "$WORK/call.out")
}
admin() { # METHOD PATH [JSON]
    local args=(-X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$URL/admin$2")
    [ $# -lt 3 ] || args+=(-d "$3")
    bench_call "$1 /admin$2" '2..' "${args[@]}"
}
admin_token
# Argon2id at the bench's cost: Keycloak's default hash is argon2 with m=7168 KiB, p=1; the
# iterations come from the realm's password policy. The stored credential is read back below.
admin POST /realms "$(jq -nc --arg r "$REALM" --argjson t "$ARGON2_T" \
    '{realm: $r, enabled: true, passwordPolicy: "hashAlgorithm(argon2) and hashIterations(\($t))"}')"
audience='{"name": "audience-rs", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
  "config": {"included.client.audience": "rs", "access.token.claim": "true", "id.token.claim": "false",
             "introspection.token.claim": "true"}}'
kc_client() { # id, then jq fields to add
    jq -nc --arg id "$1" --arg s "$SECRET" --argjson mapper "$audience" "{clientId: \$id, secret: \$s, enabled: true,
        publicClient: false, clientAuthenticatorType: \"client-secret\", standardFlowEnabled: false,
        implicitFlowEnabled: false, directAccessGrantsEnabled: false, serviceAccountsEnabled: false,
        protocolMappers: [\$mapper]} + $2"
}
admin POST "/realms/$REALM/clients" "$(kc_client cc-jwt '{serviceAccountsEnabled: true}')"
admin POST "/realms/$REALM/clients" "$(kc_client rs '{serviceAccountsEnabled: true}')"
admin POST "/realms/$REALM/clients" "$(kc_client pw '{directAccessGrantsEnabled: true}')"
admin POST "/realms/$REALM/users" "$(jq -nc --arg p "$USER_PASSWORD" '{username: "bench", email: "bench@example.com",
    emailVerified: true, enabled: true, firstName: "Bench", lastName: "User",
    credentials: [{type: "password", value: $p, temporary: false}]}')"
admin GET "/realms/$REALM/users?username=bench&exact=true"
USER_ID=$(jq -r '.[0].id' "$WORK/call.out")
admin GET "/realms/$REALM/users/$USER_ID/credentials"
HASH=$(jq -c '.[0].credentialData | fromjson | {algorithm, iterations: .hashIterations,
    memory_kib: (.additionalParameters.memory[0] // null | tonumber? // null),
    parallelism: (.additionalParameters.parallelism[0] // null | tonumber? // null),
    type: (.additionalParameters.type[0] // null)}' "$WORK/call.out" 2>/dev/null || echo null)
log "stored password hash: $HASH"

bench_restarts
log "up in $STARTUP_RESTART ms on restart with the existing database (median of $STARTUP_RESTARTS)"
sleep 1
JPID=$(java_pid)
SERVER_CPU_PID=$JPID
RSS_IDLE=$(bench_rss_mib "$JPID")

# --- flows ------------------------------------------------------------------------------------
P=/realms/$REALM/protocol/openid-connect
paths=(--token-path "$P/token" --introspect-path "$P/token/introspect")
basic=(--client-secret "$SECRET")
user=(--username bench --password "$USER_PASSWORD")
flows() {
    bench_na cc-opaque "Keycloak issues only JWT access tokens"
    for c in $CONNECTIONS; do bench_flow cc-jwt "$c" --flow cc --client-id cc-jwt "${basic[@]}" "${paths[@]}"; done
    for c in $CONNECTIONS; do bench_flow password "$c" --flow password --client-id pw "${basic[@]}" "${user[@]}" "${paths[@]}"; done
    for c in $CONNECTIONS; do bench_flow refresh "$c" --flow refresh --client-id pw "${basic[@]}" "${user[@]}" "${paths[@]}"; done
    bench_na introspect-opaque "Keycloak issues only JWT access tokens"
    for c in $CONNECTIONS; do
        bench_flow introspect-jwt "$c" --flow introspect --client-id rs "${basic[@]}" \
            --token-client-id cc-jwt --token-client-secret "$SECRET" "${paths[@]}"
    done
    bench_na code-flow "not driven by the harness (needs a login page interaction)"
    for c in $CONNECTIONS; do bench_flow jwks "$c" --flow get --path "$P/certs"; done
    for c in $CONNECTIONS; do bench_flow discovery "$c" --flow get --path "/realms/$REALM/.well-known/openid-configuration"; done
}
bench_warmup_pass flows
flows
RSS_AFTER=$(bench_rss_mib "$JPID")
stop_all

EXTRA=$(jq -n --arg date "$(date -Iseconds)" --arg version "Keycloak $VER" \
    --arg java "$("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1) ${JAVA_OPTS_KC_HEAP:--Xms64m -Xmx512m (kc.sh default)}" \
    --argjson warmup "$WARMUP" --argjson duration "$DURATION" --arg conns "$CONNECTIONS" --argjson pass "$WARMUP_PASS" \
    --argjson fresh "$STARTUP_FRESH" --argjson restart "$STARTUP_RESTART" --argjson restarts "$STARTUP_RESTARTS" \
    --argjson idle "$RSS_IDLE" --argjson after "$RSS_AFTER" --argjson hash "$HASH" '
    {server: "keycloak", db: "dev-file", date: $date, version: $version, server_java: $java, smoke: '"$SMOKE"',
     warmup_s: $warmup, duration_s: $duration, warmup_pass_s: $pass, connections: ($conns | split(" ") | map(tonumber)),
     startup_ms: {fresh: $fresh, restart: $restart, restarts: $restarts}, rss_mib: {idle: $idle, after_load: $after},
     argon2id: (if $hash then {memory_kib: $hash.memory_kib, iterations: $hash.iterations, parallelism: $hash.parallelism,
                algorithm: "\($hash.algorithm) \($hash.type // "")"} else null end),
     notes: ["production mode (kc.sh start --optimized), HTTP on 127.0.0.1, dev-file (H2) database, --cache=local",
             "refresh tokens are not rotated (Keycloak default: revokeRefreshToken off)",
             "introspection: an audience mapper puts the rs client in the tokens audience"]}')
bench_finish "$OUT" "$EXTRA"
