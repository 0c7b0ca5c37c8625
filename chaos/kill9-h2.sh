#!/usr/bin/env bash
# kill -9 of a node on the embedded H2 database in the middle of client_credentials and refresh load.
#
#   chaos/kill9-h2.sh         (about 30 s; see chaos/README.md)
#
# A write the node acknowledged must survive the process: once the node is restarted on the same
# database file, every token whose 200 reached the client is active, and every refresh token a
# completed refresh rotated away stays used (a lost rotation would bring it back). And no transaction
# is half in the file: read with H2's own shell once the node has stopped, every family holds as many
# sessions as refresh tokens and exactly one live refresh token.
# Prints "N passed, N failed" last and exits non-zero when anything failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=${PORT:-18491}
WORKERS=${WORKERS:-6}
LOAD_SECONDS=${LOAD_SECONDS:-6}
KILL_AFTER=${KILL_AFTER:-3}
REFRESHES=${REFRESHES:-3}
trap chaos_cleanup EXIT
trap 'exit 130' INT TERM

require h2
DB_URL="jdbc:h2:file:$WORK/db/authbox"
log "database $DB_URL"
start_node N "$PORT"
wait_healthy "$PORT" 90 || { tail -n 30 "$WORK/N.log" >&2; echo "chaos: the node did not start" >&2; exit 2; }
put_client "$PORT" cc-opaque '{"secret":"'"$CLIENT_SECRET"'","grant_types":["client_credentials","refresh_token"],"auth":{"client_credentials":{"token_format":"opaque","refresh_token":true}}}'
put_client "$PORT" cc-jwt '{"secret":"'"$CLIENT_SECRET"'","grant_types":["client_credentials","refresh_token"],"auth":{"client_credentials":{"token_format":"jwt","refresh_token":true}}}'

# --- load: chains of one client_credentials token and REFRESHES rotations ------------------------
# Each worker writes what the database must say afterwards ("<kind> <active> <token>" lines): every
# access token received is active; a refresh token is used (inactive) once a refresh that presented
# it got its 200, and active when its chain ended without presenting it. A refresh token presented
# in a request that got no answer is left out: whether that rotation committed is unknown.
worker() {
    local id=$1 end_ms=$2 i=0 client code rt n out="$WORK/w$1.body"
    while [ "$(now_ms)" -lt "$end_ms" ]; do
        if [ $((i % 2)) = 0 ]; then client=cc-opaque; else client=cc-jwt; fi
        i=$((i + 1))
        code=$(token_request "$PORT" "$client" "$out" -d grant_type=client_credentials)
        if [ "$code" != 200 ]; then
            echo "$code" >>"$WORK/errors.$id"
            sleep 0.1 # the node is down: no need to spin curl on the two cores
            continue
        fi
        printf 'access true %s\n' "$(cut -f1 "$out.tsv")" >>"$WORK/expected.$id"
        rt=$(cut -f2 "$out.tsv")
        for n in $(seq 1 "$REFRESHES"); do
            code=$(token_request "$PORT" "$client" "$out" -d grant_type=refresh_token --data-urlencode "refresh_token=$rt")
            if [ "$code" != 200 ]; then
                echo "$code" >>"$WORK/errors.$id"
                rt=
                break
            fi
            printf 'access true %s\nrefresh false %s\n' "$(cut -f1 "$out.tsv")" "$rt" >>"$WORK/expected.$id"
            rt=$(cut -f2 "$out.tsv")
        done
        [ -z "$rt" ] || printf 'refresh true %s\n' "$rt" >>"$WORK/expected.$id"
    done
}

load_then_kill N

cat "$WORK"/expected.* >"$WORK/expected" 2>/dev/null || : >"$WORK/expected"
ACCESS=$(grep -c '^access ' "$WORK/expected")
USED=$(grep -c '^refresh false ' "$WORK/expected")
ERRORS=$(cat "$WORK"/errors.* 2>/dev/null | wc -l)
log "received: $ACCESS access tokens, $USED completed refreshes; requests without a 200: $ERRORS"
check "load produced tokens and refreshes before the kill" [ "$ACCESS" -gt 0 -a "$USED" -gt 0 ]

# --- the node comes back on the same file and knows exactly what it acknowledged ---------------
start_node N "$PORT"
if wait_healthy "$PORT" 90; then
    pass "the node restarted on its database after kill -9"
    introspect_expect "$PORT" "after-restart" "$WORK/expected"
    code=$(token_request "$PORT" cc-jwt "$WORK/again" -d grant_type=client_credentials)
    check "the node issues tokens again ($code)" [ "$code" = 200 ]
else
    fail "the node restarted on its database after kill -9"
    tail -n 30 "$WORK/N.log"
fi
UNEXPECTED=$(grep -c "unexpected error" "$WORK/N.log")
check "no 500s logged ($UNEXPECTED 'unexpected error' lines)" [ "$UNEXPECTED" = 0 ]

# --- no half-written transaction in the file -----------------------------------------------------
# Issuing writes a session and a refresh token, a rotation marks one used and writes the next two,
# each in one transaction; no chain here is revoked (a refresh without an answer ends its chain, so
# nothing is replayed). A transaction half in the file shows as a family whose counts differ, or
# with no live token (a used mark without its successor) or two (a successor without the mark).
stop_node N TERM
FAMILIES=$(h2_count "SELECT count(DISTINCT family_id) FROM refresh_token")
UNEVEN=$(h2_count "SELECT count(*) FROM (SELECT family_id FROM refresh_token
    UNION SELECT family_id FROM auth_session WHERE family_id IS NOT NULL) f
    WHERE (SELECT count(*) FROM auth_session s WHERE s.family_id = f.family_id)
       <> (SELECT count(*) FROM refresh_token r WHERE r.family_id = f.family_id)")
NOT_ONE_LIVE=$(h2_count "SELECT count(*) FROM (SELECT family_id FROM refresh_token GROUP BY family_id
    HAVING count(CASE WHEN used_at IS NULL AND revoked_at IS NULL THEN 1 END) <> 1) f")
check "the file holds refresh families (${FAMILIES:-no answer})" [ "${FAMILIES:-0}" -gt 0 ]
check "every family has as many sessions as refresh tokens (${UNEVEN:-no answer} without)" [ "$UNEVEN" = 0 ]
check "every family has exactly one live refresh token (${NOT_ONE_LIVE:-no answer} without)" [ "$NOT_ONE_LIVE" = 0 ]
summary_and_exit
