#!/usr/bin/env bash
# kill -9 of a node in the middle of client_credentials load, two nodes on one PostgreSQL schema.
#
#   chaos/kill9.sh            (about a minute; see chaos/README.md)
#
# Every token whose 200 reached the client must be introspectable as active through the surviving
# node B, and again through node A once it is restarted; no half-written rows (every session of a
# client with refresh tokens has its refresh token, and every refresh token its session).
# Prints "N passed, N failed" last and exits non-zero when anything failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT_A=${PORT_A:-18471}
PORT_B=${PORT_B:-18472}
WORKERS=${WORKERS:-6}
LOAD_SECONDS=${LOAD_SECONDS:-8}
KILL_AFTER=${KILL_AFTER:-3}
trap chaos_cleanup EXIT
trap 'exit 130' INT TERM

require
fresh_schema
log "schema $SCHEMA, work dir $WORK"
start_node A "$PORT_A"
wait_healthy "$PORT_A" 90 || { tail -n 30 "$WORK/A.log" >&2; echo "chaos: node A did not start" >&2; exit 2; }
start_node B "$PORT_B"
wait_healthy "$PORT_B" 90 || { tail -n 30 "$WORK/B.log" >&2; echo "chaos: node B did not start" >&2; exit 2; }
put_client "$PORT_A" cc-opaque '{"secret":"'"$CLIENT_SECRET"'","grant_types":["client_credentials"],"auth":{"client_credentials":{"token_format":"opaque","refresh_token":true}}}'
put_client "$PORT_A" cc-jwt '{"secret":"'"$CLIENT_SECRET"'","grant_types":["client_credentials"],"auth":{"client_credentials":{"token_format":"jwt","refresh_token":true}}}'
sleep 1.2 # nodes notice clients changed elsewhere within 1 s

# --- load: each worker alternates nodes and clients; a 200 whose body arrived whole is kept ----
worker() {
    local id=$1 end_ms=$2 i=0 port client code
    while [ "$(now_ms)" -lt "$end_ms" ]; do
        if [ $((i % 2)) = 0 ]; then port=$PORT_A; else port=$PORT_B; fi
        if [ $(((i / 2) % 2)) = 0 ]; then client=cc-opaque; else client=cc-jwt; fi
        code=$(token_request "$port" "$client" "$WORK/w$id.body" -d grant_type=client_credentials)
        if [ "$code" = 200 ]; then
            printf '%s\t%s\t%s\n' "$client" "$port" "$(cat "$WORK/w$id.body.tsv")" >>"$WORK/tokens.$id"
        else
            printf '%s\t%s\n' "$port" "$code" >>"$WORK/errors.$id"
        fi
        i=$((i + 1))
    done
}

load_then_kill A

cat "$WORK"/tokens.* >"$WORK/tokens" 2>/dev/null || : >"$WORK/tokens"
cat "$WORK"/errors.* >"$WORK/errors" 2>/dev/null || : >"$WORK/errors"
TOTAL=$(wc -l <"$WORK/tokens")
FROM_A=$(awk -F'\t' -v p="$PORT_A" '$2 == p' "$WORK/tokens" | wc -l)
FROM_B=$(awk -F'\t' -v p="$PORT_B" '$2 == p' "$WORK/tokens" | wc -l)
ERRORS=$(wc -l <"$WORK/errors")
log "tokens received: $TOTAL ($FROM_A from A, $FROM_B from B); failed requests: $ERRORS"
check "load produced tokens from both nodes" [ "$FROM_A" -gt 0 -a "$FROM_B" -gt 0 ]
B_ERRORS=$(awk -F'\t' -v p="$PORT_B" '$1 == p' "$WORK/errors" | wc -l)
check "node B answered every request during the kill ($B_ERRORS failures)" [ "$B_ERRORS" -eq 0 ]
check "node B is still running" kill -0 "${NODE_PID[B]}"

# --- every token that reached the client is active, through either node ---------------------
cut -f3,4 "$WORK/tokens" | awk -F'\t' '{ print "access true " $1; print "refresh true " $2 }' >"$WORK/expected"
introspect_expect "$PORT_B" "through-B-after-kill" "$WORK/expected"

# --- no half-written rows ------------------------------------------------------------------------
ORPHAN_SESSIONS=$(sql "SELECT count(*) FROM auth_session s WHERE s.client_id IN ('cc-opaque','cc-jwt')
    AND (s.family_id IS NULL OR NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.family_id = s.family_id))")
ORPHAN_REFRESH=$(sql "SELECT count(*) FROM refresh_token r WHERE r.client_id IN ('cc-opaque','cc-jwt')
    AND NOT EXISTS (SELECT 1 FROM auth_session s WHERE s.family_id = r.family_id)")
SESSIONS=$(sql "SELECT count(*) FROM auth_session WHERE client_id IN ('cc-opaque','cc-jwt')")
check "every session of a refresh-enabled client has its refresh token ($ORPHAN_SESSIONS without)" [ "$ORPHAN_SESSIONS" = 0 ]
check "every refresh token has its session ($ORPHAN_REFRESH without)" [ "$ORPHAN_REFRESH" = 0 ]
check "the database holds at least every token the clients received ($SESSIONS sessions >= $TOTAL tokens)" [ "$SESSIONS" -ge "$TOTAL" ]

# --- node A comes back on the same database and knows every token ------------------------------
start_node A "$PORT_A"
if wait_healthy "$PORT_A" 90; then
    pass "node A restarted after kill -9"
    introspect_expect "$PORT_A" "through-A-after-restart" "$WORK/expected"
    check "both nodes publish the same JWKS" [ "$(curl -s "http://127.0.0.1:$PORT_A/.well-known/jwks.json")" = "$(curl -s "http://127.0.0.1:$PORT_B/.well-known/jwks.json")" ]
    code=$(token_request "$PORT_A" cc-jwt "$WORK/again" -d grant_type=client_credentials)
    check "node A issues tokens again ($code)" [ "$code" = 200 ]
else
    fail "node A restarted after kill -9"
    tail -n 30 "$WORK/A.log"
fi
UNEXPECTED=$(cat "$WORK"/A.log "$WORK"/B.log | grep -c "unexpected error")
check "no 500s logged by either node ($UNEXPECTED 'unexpected error' lines)" [ "$UNEXPECTED" = 0 ]
summary_and_exit
