#!/usr/bin/env bash
# node-oidc-provider (npm oidc-provider 9.x, in-memory adapter) under the same flows and load
# generator as bench/run.sh, on 127.0.0.1. The provider itself is configured by
# bench/peers/node-oidc-provider.mjs; npm installs oidc-provider into the cache dir, not the repo.
#
#   bench/peers/node-oidc-provider.sh [--duration S] [--smoke] [--connections "16 64"] [--port N] [--out FILE]
#
# Writes bench/results/<date>-node-oidc-provider.json and prints a markdown report.
set -euo pipefail
SELF=node-oidc-provider.sh
# shellcheck source=../lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

usage() {
    echo "usage: bench/peers/node-oidc-provider.sh [options]"
    bench_common_usage
    echo "environment: OIDC_PROVIDER_VERSION (npm spec, default 9), NODE (default node), BENCH_CACHE, LOADGEN_JAVA, KEEP_WORK=1"
}
for a in "$@"; do case "$a" in -h|--help) usage; exit 0 ;; esac; done
PORT=18082
bench_parse_args "$@"
[ ${#EXTRA_ARGS[@]} -eq 0 ] || { echo "$SELF: unknown argument: ${EXTRA_ARGS[0]}" >&2; usage >&2; exit 64; }
OUT=${OUT:-$(bench_default_out node-oidc-provider)}
NODE=${NODE:-node}
command -v "$NODE" >/dev/null || { echo "$SELF: node is required" >&2; exit 1; }
URL="http://$HOST:$PORT"

SERVER_PID=
stop_all() { bench_stop_pid "$SERVER_PID"; SERVER_PID=; }
bench_init
SERVER_LOG=$WORK/provider.log
bench_port_free "$PORT"

# --- install ----------------------------------------------------------------------------------
SPEC=${OIDC_PROVIDER_VERSION:-9}
NDIR=$CACHE_DIR/node-oidc-provider
mkdir -p "$NDIR"
[ -f "$NDIR/package.json" ] || echo '{"private": true}' >"$NDIR/package.json"
have=$(jq -r '.version // empty' "$NDIR/node_modules/oidc-provider/package.json" 2>/dev/null || true)
case "$have" in
    "$SPEC"|"$SPEC".*) ;;
    *) log "npm install oidc-provider@$SPEC into $NDIR"
       (cd "$NDIR" && npm install --no-audit --no-fund --loglevel=error "oidc-provider@$SPEC" >"$WORK/npm.log" 2>&1) \
           || { cat "$WORK/npm.log" >&2; die "npm install failed"; }
       have=$(jq -r .version "$NDIR/node_modules/oidc-provider/package.json") ;;
esac

SECRET=$(rand)
bench_wait_quiet
log "starting oidc-provider $have on $URL ($("$NODE" --version), in-memory adapter)"
START=$(now_ms)
OIDC_PROVIDER_DIR=$NDIR PORT=$PORT CLIENT_SECRET=$SECRET SIGNING_ALG=$BENCH_SIGNING_ALG \
    "$NODE" "$BENCH_DIR/peers/node-oidc-provider.mjs" >"$SERVER_LOG" 2>&1 </dev/null &
SERVER_PID=$!
bench_wait_ready "$SERVER_PID" "$URL/.well-known/openid-configuration" "$START"
STARTUP_FRESH=$STARTUP_MS
log "up in $STARTUP_FRESH ms"
sleep 1
RSS_IDLE=$(bench_rss_mib "$SERVER_PID")

# --- flows ------------------------------------------------------------------------------------
paths=(--token-path /token --introspect-path /token/introspection)
basic=(--client-secret "$SECRET")
flows() {
    for c in $CONNECTIONS; do bench_flow cc-opaque "$c" --flow cc --client-id cc-opaque "${basic[@]}" "${paths[@]}"; done
    for c in $CONNECTIONS; do bench_flow cc-jwt "$c" --flow cc --client-id cc-jwt "${basic[@]}" "${paths[@]}"; done
    bench_na password "oidc-provider has no password grant"
    for c in $CONNECTIONS; do
        bench_flow refresh "$c" --flow refresh --client-id rt "${basic[@]}" "${paths[@]}" \
            --refresh-start grant_type=urn:authbox:bench:seed
    done
    for c in $CONNECTIONS; do
        bench_flow introspect-opaque "$c" --flow introspect --client-id rs "${basic[@]}" \
            --token-client-id cc-opaque --token-client-secret "$SECRET" "${paths[@]}"
    done
    bench_na introspect-jwt "oidc-provider rejects introspection of structured (JWT) tokens"
    bench_na code-flow "not driven by the harness (needs a login interaction)"
    for c in $CONNECTIONS; do bench_flow jwks "$c" --flow get --path /jwks; done
    for c in $CONNECTIONS; do bench_flow discovery "$c" --flow get --path /.well-known/openid-configuration; done
}
bench_warmup_pass flows
flows
RSS_AFTER=$(bench_rss_mib "$SERVER_PID")
stop_all

EXTRA=$(jq -n --arg date "$(date -Iseconds)" --arg version "oidc-provider $have, node $("$NODE" --version)" \
    --argjson warmup "$WARMUP" --argjson duration "$DURATION" --arg conns "$CONNECTIONS" --argjson pass "$WARMUP_PASS" \
    --argjson fresh "$STARTUP_FRESH" --argjson idle "$RSS_IDLE" --argjson after "$RSS_AFTER" --arg alg "$BENCH_SIGNING_ALG" '
    {server: "node-oidc-provider", db: "in-memory", date: $date, version: $version, smoke: '"$SMOKE"', signing_alg: $alg,
     warmup_s: $warmup, duration_s: $duration, warmup_pass_s: $pass, connections: ($conns | split(" ") | map(tonumber)),
     startup_ms: {fresh: $fresh, restart: null}, rss_mib: {idle: $idle, after_load: $after},
     notes: ["in-memory adapter: nothing is persisted (a restart loses every token)",
             ($alg + " JWT access tokens via resource indicators (urn:bench:jwt), opaque for urn:bench:opaque"),
             "refresh: rotating; each chain is started by a custom grant of bench/peers/node-oidc-provider.mjs"]}')
bench_finish "$OUT" "$EXTRA"
