#!/usr/bin/env bash
# PostgreSQL restarted, then stopped for a few seconds, under client_credentials load on one node.
#
#   chaos/pg-restart.sh       (about 40 s; see chaos/README.md)
#
# While the database is away every request must fail fast (an answer within 5 s) with a 503 and
# Retry-After, never a 500 or a stack trace, /health must say 503, and the node must serve 200s
# again by itself once PostgreSQL is back, without being restarted.
# Prints "N passed, N failed" last and exits non-zero when anything failed.
#
# WARNING: this restarts the machine's PostgreSQL cluster; anything else using it (other test
# runs) sees the outage too. The cluster is always started again on exit.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=${PORT:-18481}
WORKERS=${WORKERS:-4}
DOWN_SECONDS=${DOWN_SECONDS:-8}
FAST_LIMIT_MS=${FAST_LIMIT_MS:-5000}
RECOVERY_LIMIT_MS=${RECOVERY_LIMIT_MS:-10000}
PG_VERSION=${PG_VERSION:-$(ls /etc/postgresql | head -n 1)}

pg() { pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main "$@"; }
ensure_pg_up() {
    if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
        log "starting PostgreSQL again"
        pg start >/dev/null 2>&1 || true
        for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
    fi
}
trap 'rm -f "$WORK/go"; ensure_pg_up; chaos_cleanup' EXIT
trap 'exit 130' INT TERM

require
command -v pg_ctlcluster >/dev/null || { echo "chaos: pg_ctlcluster is required" >&2; exit 2; }
fresh_schema
log "schema $SCHEMA, work dir $WORK, PostgreSQL $PG_VERSION"
start_node N "$PORT"
wait_healthy "$PORT" 90 || { tail -n 30 "$WORK/N.log" >&2; echo "chaos: the node did not start" >&2; exit 2; }
NODE=${NODE_PID[N]}
put_client "$PORT" cc '{"secret":"'"$CLIENT_SECRET"'","grant_types":["client_credentials"]}'

# --- load: every request is recorded as "start_ms status millis curl_rc trace retry_after" -------
worker() {
    local id=$1 start code rc took trace retry
    while [ -e "$WORK/go" ]; do
        start=$(now_ms)
        code=$(curl -s -m 15 -D "$WORK/h$id" -o "$WORK/b$id" -w '%{http_code}' -u "cc:$CLIENT_SECRET" \
            -d grant_type=client_credentials "http://127.0.0.1:$PORT/auth/token")
        rc=$?
        took=$(( $(now_ms) - start ))
        trace=0
        grep -q -e 'Exception' -e $'\tat ' -e 'at dev.authbox' "$WORK/b$id" 2>/dev/null && trace=1
        retry=$(grep -i '^retry-after:' "$WORK/h$id" 2>/dev/null | tr -d '\r' | awk '{print $2}')
        echo "$start $code $took $rc $trace ${retry:--}" >>"$WORK/req.$id"
        [ "$code" = 200 ] || sleep 0.05
    done
}
health_probe() { # "start_ms status millis" of GET /health
    local start code
    start=$(now_ms)
    code=$(curl -s -m 15 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")
    echo "$start $code $(( $(now_ms) - start ))"
}

touch "$WORK/go"
WORKER_PIDS=()
for w in $(seq 1 "$WORKERS"); do worker "$w" & WORKER_PIDS+=($!); done
sleep 3

# Phase 1: a plain restart in the middle of the load.
R1=$(now_ms)
pg restart -m fast >/dev/null 2>&1 || log "pg_ctlcluster restart returned non-zero"
R2=$(now_ms)
log "phase 1: restart took $((R2 - R1)) ms"
sleep 5

# Phase 2: an outage of a few seconds (stop, wait, start).
S1=$(now_ms)
pg stop -m fast >/dev/null 2>&1 || log "pg_ctlcluster stop returned non-zero"
S2=$(now_ms)
log "phase 2: PostgreSQL down after $((S2 - S1)) ms; staying down ${DOWN_SECONDS} s"
health_probe >"$WORK/health.down" &
HEALTH_PID=$!
sleep "$DOWN_SECONDS"
wait "$HEALTH_PID"
HEALTH_DOWN=$(cat "$WORK/health.down")
S3=$(now_ms)
pg start >/dev/null 2>&1 || log "pg_ctlcluster start returned non-zero"
for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.25; done
S4=$(now_ms)
log "phase 2: PostgreSQL accepting connections again after $((S4 - S3)) ms"
sleep 6
rm -f "$WORK/go"
for p in "${WORKER_PIDS[@]}"; do wait "$p"; done
HEALTH_AFTER=$(health_probe)
cat "$WORK"/req.* | sort -n >"$WORK/requests"
log "$(wc -l <"$WORK/requests") requests recorded"
echo "timeline (ms from the first restart): restart $((R1 - R1))..$((R2 - R1)), stop $((S1 - R1))..$((S2 - R1)), start $((S3 - R1))..$((S4 - R1))"
echo "requests that were not a quick 200 (start ms, status, took ms):"
awk -v r="$R1" '$2 != 200 || $3 > 1000 { printf "  %6d %s %5d\n", $1 - r, $2, $3 }' "$WORK/requests" | head -n 40

# --- checks ------------------------------------------------------------------------------------
count() { awk "$@" "$WORK/requests" | wc -l; }
TOTAL=$(wc -l <"$WORK/requests")
check "load ran ($TOTAL requests)" [ "$TOTAL" -gt 20 ]
N500=$(count '$2 >= 500 && $2 != 503')
check "no 5xx other than 503 at any time ($N500)" [ "$N500" = 0 ]
NTRACE=$(count '$5 == 1')
check "no stack trace in any response body ($NTRACE)" [ "$NTRACE" = 0 ]
NSLOW=$(count -v "l=$FAST_LIMIT_MS" '$3 > l')
check "every request answered within ${FAST_LIMIT_MS} ms ($NSLOW slower; slowest $(awk 'BEGIN{m=0} $3>m{m=$3} END{print m}' "$WORK/requests") ms)" [ "$NSLOW" = 0 ]
NNOANSWER=$(count '$4 != 0 || $2 == "000"')
check "every request got an HTTP answer ($NNOANSWER without)" [ "$NNOANSWER" = 0 ]

# Phase 1: the node rides through a restart.
P1_503=$(count -v a="$R1" -v b="$((R2 + 5000))" '$1 >= a && $1 < b && $2 == 503')
P1_OK_AFTER=$(count -v a="$((R2 + 2000))" -v b="$S1" '$1 >= a && $1 < b && $2 == 200')
P1_BAD_AFTER=$(count -v a="$((R2 + 2000))" -v b="$S1" '$1 >= a && $1 < b && $2 != 200')
echo "phase 1 (restart): $P1_503 requests got 503 during the restart"
check "phase 1: serving 200s again within 2 s of the restart ($P1_OK_AFTER ok, $P1_BAD_AFTER not)" [ "$P1_OK_AFTER" -gt 0 -a "$P1_BAD_AFTER" = 0 ]

# Phase 2: while PostgreSQL is down (from stop to start), only fast 503s with Retry-After.
DOWN_ALL=$(count -v a="$S2" -v b="$S3" '$1 >= a && $1 + $3 <= b')
DOWN_503=$(count -v a="$S2" -v b="$S3" '$1 >= a && $1 + $3 <= b && $2 == 503 && $6 != "-"')
check "phase 2: requests while the database is down get 503 with Retry-After ($DOWN_503 of $DOWN_ALL)" [ "$DOWN_ALL" -gt 0 -a "$DOWN_503" = "$DOWN_ALL" ]
read -r _ HCODE HMS <<<"$HEALTH_DOWN"
check "phase 2: /health says 503 while the database is down ($HCODE in $HMS ms)" [ "$HCODE" = 503 -a "$HMS" -le "$FAST_LIMIT_MS" ]
FIRST_OK=$(awk -v a="$S4" '$1 >= a && $2 == 200 { print $1 + $3; exit }' "$WORK/requests")
if [ -n "$FIRST_OK" ]; then
    check "phase 2: a 200 within ${RECOVERY_LIMIT_MS} ms of PostgreSQL accepting connections ($((FIRST_OK - S4)) ms)" \
        [ $((FIRST_OK - S4)) -le "$RECOVERY_LIMIT_MS" ]
else
    fail "phase 2: no 200 after PostgreSQL came back"
fi
LATE_BAD=$(count -v a="$((S4 + 3000))" '$1 >= a && $2 != 200')
LATE_ALL=$(count -v a="$((S4 + 3000))" '$1 >= a')
check "phase 2: every request from 3 s after recovery on is a 200 ($LATE_BAD of $LATE_ALL not)" [ "$LATE_ALL" -gt 0 -a "$LATE_BAD" = 0 ]
read -r _ HCODE _ <<<"$HEALTH_AFTER"
check "/health is 200 again ($HCODE)" [ "$HCODE" = 200 ]
check "the node recovered by itself (same process, pid $NODE)" kill -0 "$NODE"
UNEXPECTED=$(grep -c "unexpected error" "$WORK/N.log")
check "no 500s logged ($UNEXPECTED 'unexpected error' lines)" [ "$UNEXPECTED" = 0 ]
echo "statuses: $(awk '{print $2}' "$WORK/requests" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
summary_and_exit
