# Shared by bench/run.sh and bench/peers/*.sh (sourced, not run). Bash 4+.
#
# Each script sets SELF (its name for messages) before sourcing, then calls:
#   bench_parse_args "$@"        common options (see bench_common_usage)
#   bench_init                   work dir, loadgen build, cleanup trap (calls the script's own stop_all)
#   bench_wait_ready PID URL     polls until 200, sets STARTUP_MS
#   bench_restarts               restarts the server (its start_server) a few times, sets STARTUP_RESTART
#   bench_flow NAME CONNS ARGS.. one loadgen run, appended to $WORK/runs.jsonl
#   bench_na NAME REASON         a flow that is not available
#   bench_write_results FILE JSON  merges JSON (an object) with the runs into FILE
#   bench_print_table FILE       markdown report of a results file
#   bench_finish FILE JSON       a peer script's ending: results file, table, path, exit 3 on errors

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
CACHE_DIR=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/authbox-bench}
HOST=127.0.0.1
JAVA=${JAVA:-java}
LOADGEN_JAVA=${LOADGEN_JAVA:-$JAVA}
WARMUP_PASS_REQUESTS=${BENCH_WARMUP_PASS_REQUESTS:-5000}
WARMUP_PASS_GAIN=${BENCH_WARMUP_PASS_GAIN:-5}
LOADGEN=$BENCH_DIR/loadgen/target/loadgen.jar
if [ -x "$ROOT/mvnw" ]; then MVN=$ROOT/mvnw; else MVN=mvn; fi
# The Argon2id cost every server is run at for the password row (Keycloak's default, OWASP's minimum).
BENCH_ARGON2=${BENCH_ARGON2:-7168,5,1}
IFS=, read -r ARGON2_M ARGON2_T ARGON2_P <<<"$BENCH_ARGON2"
# The algorithm of the servers' JWT signing keys (authbox, node-oidc-provider; Keycloak stays RS256).
case "${BENCH_SIGNING_ALG:=RS256}" in RS256|ES256) ;; *) echo "BENCH_SIGNING_ALG must be RS256 or ES256" >&2; exit 64 ;; esac

log() { echo "$SELF: $*" >&2; }
die() { echo "$SELF: $*" >&2; exit 1; }
rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

bench_common_usage() {
    cat <<'EOF'
  --smoke             quick check for CI: 1 s warm-up, 2 s measured, 16 connections only, short ceilings
  --duration S        measured seconds per run (default 10)
  --warmup S          unrecorded warm-up seconds per run (default 3)
  --connections "N.." connection counts (default "16 64")
  --port N            server port
  --warmup-pass S     before measuring anything, run every flow once for S s at the first connection
                      count, unrecorded, so that the JIT has compiled all hot paths (default 10; smoke 0)
  --only "NAME.."     run only these flows (e.g. "refresh cc-jwt"), to measure one change quickly;
                      the results file is then <date>-<name>-partial.json
  --out FILE          results file (default bench/results/<date>-<name>.json; smoke runs: <date>-<name>-smoke.json)
EOF
}

# Sets SMOKE WARMUP DURATION CONNECTIONS PORT OUT; unknown options go to EXTRA_ARGS for the script.
bench_parse_args() {
    SMOKE=false; WARMUP=; DURATION=; CONNECTIONS=; OUT=; WARMUP_PASS=; ONLY=; EXTRA_ARGS=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --smoke) SMOKE=true ;;
            --duration) DURATION=${2:?--duration needs a value}; shift ;;
            --duration=*) DURATION=${1#*=} ;;
            --warmup) WARMUP=${2:?--warmup needs a value}; shift ;;
            --warmup=*) WARMUP=${1#*=} ;;
            --connections) CONNECTIONS=${2:?--connections needs a value}; shift ;;
            --connections=*) CONNECTIONS=${1#*=} ;;
            --port) PORT=${2:?--port needs a value}; shift ;;
            --port=*) PORT=${1#*=} ;;
            --warmup-pass) WARMUP_PASS=${2:?--warmup-pass needs a value}; shift ;;
            --warmup-pass=*) WARMUP_PASS=${1#*=} ;;
            --only) ONLY=${2:?--only needs a value}; shift ;;
            --only=*) ONLY=${1#*=} ;;
            --out) OUT=${2:?--out needs a value}; shift ;;
            --out=*) OUT=${1#*=} ;;
            *) EXTRA_ARGS+=("$1") ;;
        esac
        shift
    done
    if $SMOKE; then
        WARMUP=${WARMUP:-1}; DURATION=${DURATION:-2}; CONNECTIONS=${CONNECTIONS:-16}; WARMUP_PASS=${WARMUP_PASS:-0}
    else
        WARMUP=${WARMUP:-3}; DURATION=${DURATION:-10}; CONNECTIONS=${CONNECTIONS:-16 64}; WARMUP_PASS=${WARMUP_PASS:-10}
    fi
    WARMING=false
}

# Work dir, tools, loadgen. The script defines stop_all (stops its servers); the trap calls it.
bench_init() {
    command -v curl >/dev/null || die "curl is required"
    command -v jq >/dev/null || die "jq is required (apt-get install jq)"
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/authbox-bench.XXXXXX")
    : >"$WORK/runs.jsonl"
    # Nobody writes to this FIFO: a timed read of it waits without starting a process (bench_wait_ready).
    mkfifo "$WORK/tick"
    exec {BENCH_TICK}<>"$WORK/tick"
    BAD=0
    LOADGEN_PID=
    BENCH_OK=false
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    mkdir -p "$CACHE_DIR"
    if [ ! -f "$LOADGEN" ] || [ -n "$(find "$BENCH_DIR/loadgen/pom.xml" "$BENCH_DIR/loadgen/src" -newer "$LOADGEN" -print -quit)" ]; then
        log "building the load generator ($MVN -q -f bench/loadgen/pom.xml package)"
        "$MVN" -q -f "$BENCH_DIR/loadgen/pom.xml" package -DskipTests >"$WORK/loadgen-build.log" 2>&1 \
            || { cat "$WORK/loadgen-build.log" >&2; die "the load generator did not build"; }
        [ -f "$LOADGEN" ] || die "the build did not produce $LOADGEN"
    fi
}

bench_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "${LOADGEN_PID:-}" ]; then
        kill -TERM "$LOADGEN_PID" 2>/dev/null || true
        wait "$LOADGEN_PID" 2>/dev/null || true
    fi
    if declare -F stop_all >/dev/null; then stop_all || true; fi
    if ! $BENCH_OK && [ -n "${SERVER_LOG:-}" ] && [ -f "$SERVER_LOG" ]; then
        echo "---- last 40 lines of $SERVER_LOG ----" >&2
        tail -n 40 "$SERVER_LOG" >&2 || true
    fi
    if [ "${KEEP_WORK:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}

# Stops a process (TERM, then KILL after 15 s) and waits for it. Only the pid given, never by name.
bench_stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            log "pid $pid did not stop within 15 s, killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

bench_port_free() {
    if (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; then
        die "something already listens on $HOST:$1 (use --port)"
    fi
}

# bench_wait_ready PID URL [START_MS] -> STARTUP_MS (launch to the first 200 from URL)
# An http:// URL is polled through bash's /dev/tcp, waiting on bench_init's FIFO between tries: a poll
# starts no process, so the server being timed gets both cores. A curl, a date and a sleep every 20 ms
# took ~100 ms from a 1 s start on two cores (bench/README.md, session 17).
bench_wait_ready() {
    local pid=$1 url=$2 start=${3:-$(now_ms)} deadline
    deadline=$(( SECONDS + ${STARTUP_TIMEOUT:-180} ))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            local rc=0
            wait "$pid" 2>/dev/null || rc=$?
            die "the server exited during startup (exit code $rc)"
        fi
        bench_http_status "$url"
        if [ "$HTTP_STATUS" = 200 ]; then
            STARTUP_MS=$(( $(now_ms) - start ))
            return 0
        fi
        [ "$SECONDS" -lt "$deadline" ] || die "$url did not return 200 within ${STARTUP_TIMEOUT:-180} s (last: $HTTP_STATUS)"
        read -r -t 0.02 -u "$BENCH_TICK" _ || true
    done
}

# bench_restarts -> STARTUP_RESTART (the median, in ms) and STARTUP_RESTARTS (every one, a JSON array):
# stops the script's server and starts it again with its start_server, BENCH_RESTARTS times (default
# 3; 1 with --smoke), leaving the last one running. One start swings by 10% from one to the next here.
bench_restarts() {
    local n=${BENCH_RESTARTS:-3} i samples=()
    if $SMOKE && [ -z "${BENCH_RESTARTS:-}" ]; then n=1; fi
    [ "$n" -ge 1 ] 2>/dev/null || die "BENCH_RESTARTS must be a number of 1 or more"
    for ((i = 0; i < n; i++)); do
        bench_stop_pid "$SERVER_PID"; SERVER_PID=
        bench_wait_quiet
        start_server
        samples+=("$STARTUP_MS")
    done
    STARTUP_RESTARTS=$(printf '%s\n' "${samples[@]}" | jq -sc .)
    STARTUP_RESTART=$(jq -n --argjson s "$STARTUP_RESTARTS" \
        '$s | sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 | round end')
}

# bench_http_status URL -> HTTP_STATUS: one GET of an http:// URL through bash's /dev/tcp (no
# process), its status code, 000 when nothing answered.
bench_http_status() {
    local url=$1 rest hostport path fd
    [ "${url#http://}" != "$url" ] || die "bench_http_status polls http:// URLs only, not $url"
    HTTP_STATUS=
    rest=${url#http://}; hostport=${rest%%/*}; path=/${rest#*/}
    [ "$rest" = "$hostport" ] && path=/
    if { exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport##*:}"; } 2>/dev/null; then
        # A connection reset before the request is written would raise SIGPIPE, which ends bash without
        # its EXIT trap (the server left running): ignored here, the failed write is a failed poll.
        trap '' PIPE
        if printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&"$fd" 2>/dev/null; then
            IFS=' ' read -r -t 2 _ HTTP_STATUS _ <&"$fd" 2>/dev/null || true
        fi
        trap - PIPE
        exec {fd}<&-
    fi
    HTTP_STATUS=${HTTP_STATUS%$'\r'}
    HTTP_STATUS=${HTTP_STATUS:-000}
}

# VmRSS of a process in MiB (one decimal).
bench_rss_mib() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo null
}

# curl wrapper for setup calls: bench_call WHAT EXPECTED_CODES_REGEX curl-args...; body in $WORK/call.out
bench_call() {
    local what=$1 expect=$2 code
    shift 2
    code=$(curl -s -o "$WORK/call.out" -w '%{http_code}' --max-time 60 "$@" || true)
    if ! [[ "$code" =~ ^($expect)$ ]]; then
        echo "$SELF: $what returned HTTP ${code:-none}:" >&2
        head -c 2000 "$WORK/call.out" >&2 2>/dev/null || true; echo >&2
        die "setup failed: $what"
    fi
}

# Busy jiffies of the machine, and of one process (utime+stime).
_machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
_proc_busy() {
    if [ -n "$1" ] && [ -r "/proc/$1/stat" ]; then sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13; exit }'; else echo 0; fi
}

# With BENCH_WAIT_QUIET=S (seconds), waits up to S seconds until the rest of the machine (all but the
# server and its database) uses less than BENCH_QUIET_PCT (default 25) % of a core over 2 s, so that other work on a
# shared machine does not skew a run. Each run records other_cpu_pct either way.
# The processes whose CPU is the server's: SERVER_CPU_PID (default SERVER_PID), and DB_PARENT_PID (its
# database) with that process's children as they are now: the backends come and go with the server's
# connection pool, which grows under load.
bench_server_pids() {
    local db=""
    [ -z "${DB_PARENT_PID:-}" ] || db="$DB_PARENT_PID $(pgrep -P "$DB_PARENT_PID" || true)"
    echo "${SERVER_CPU_PID:-${SERVER_PID:-}} $db" | xargs
}
_pids_busy() { local p sum=0; for p in $(bench_server_pids); do sum=$(( sum + $(_proc_busy "$p") )); done; echo "$sum"; }

bench_wait_quiet() {
    local limit=${BENCH_WAIT_QUIET:-0} max=${BENCH_QUIET_PCT:-25} waited=0 m0 m1 p0 p1 other
    [ "$limit" -gt 0 ] 2>/dev/null || return 0
    while :; do
        m0=$(_machine_busy); p0=$(_pids_busy); sleep 2; m1=$(_machine_busy); p1=$(_pids_busy)
        other=$(( ((m1 - m0) - (p1 - p0)) / 2 ))
        [ "$other" -ge "$max" ] || return 0
        if [ "$waited" -ge "$limit" ]; then
            log "the machine is still busy ($other% of a core used by other processes); measuring anyway"
            return 0
        fi
        [ "$waited" -gt 0 ] || log "waiting for the machine to be quiet ($other% of a core used by other processes)"
        sleep 8; waited=$((waited + 10))
    done
}

# bench_loadgen OUT LOADGEN_ARGS...: one run of the load generator against the server, its result line
# to OUT and its errors to $WORK/loadgen.err; in the background with its pid in LOADGEN_PID, so that
# the exit trap stops it; returns its exit code.
bench_loadgen() {
    local out=$1 rc=0
    shift
    "$LOADGEN_JAVA" -XX:+UseSerialGC -Xms64m -Xmx512m -jar "$LOADGEN" --url "http://$HOST:$PORT" "$@" \
        >"$out" 2>"$WORK/loadgen.err" </dev/null &
    LOADGEN_PID=$!
    wait "$LOADGEN_PID" || rc=$?
    LOADGEN_PID=
    return "$rc"
}

# bench_flow NAME CONNS LOADGEN_ARGS...  (server pid in SERVER_PID, must stay alive)
bench_flow() {
    local name=$1 c=$2 rc line
    shift 2
    bench_selected "$name" || return 0
    if $WARMING; then # the warm-up pass: first connection count only, results discarded
        [ "$c" = "${CONNECTIONS%% *}" ] || return 0
        # At least WARMUP_PASS seconds, and until the flow has done BENCH_WARMUP_PASS_REQUESTS
        # requests and its last pass was no more than BENCH_WARMUP_PASS_GAIN percent faster than the
        # one before (at most six passes): a JIT compiles a method fully only after thousands of
        # calls, which slow flows (logins) do not reach in seconds, and on two cores a flow measured
        # after one 10 s pass still ran a quarter slower than after minutes of other flows.
        local requests=0 rounds=0 rate=0 last=0 count
        while :; do
            if [ "$rounds" = 0 ]; then
                log "warm-up pass: $name, $c connections, ${WARMUP_PASS}s"
            else
                log "warm-up pass: $name, $requests requests so far, last pass $rate req/s, ${WARMUP_PASS}s more"
            fi
            rc=0
            bench_loadgen "$WORK/warmup.out" --connections "$c" --warmup 0 --duration "$WARMUP_PASS" "$@" || rc=$?
            kill -0 "$SERVER_PID" 2>/dev/null || die "the server died under load ($name, warm-up pass)"
            if [ "$rc" != 0 ]; then
                log "warm-up pass of $name failed: $(tail -c 300 "$WORK/loadgen.err")"
                return 0
            fi
            last=$rate
            read -r count rate < <(tail -n 1 "$WORK/warmup.out" | jq -r '"\((.requests // 0) + (.errors // 0)) \(.rps // 0 | floor)"')
            requests=$((requests + count))
            rounds=$((rounds + 1))
            [ "$rounds" -lt 6 ] || return 0
            [ "$requests" -lt "$WARMUP_PASS_REQUESTS" ] \
                || [ "$rate" -gt $((last + last * WARMUP_PASS_GAIN / 100)) ] || return 0
        done
    fi
    bench_wait_quiet
    log "$name, $c connections: ${WARMUP}s warm-up + ${DURATION}s"
    rc=0
    bench_profile_start
    # shellcheck disable=SC2086  # LOADGEN_OPTS is a list of flags
    bench_loadgen "$WORK/loadgen.out" --connections "$c" --warmup "$WARMUP" --duration "$DURATION" \
        --server-pid "$(bench_server_pids | tr ' ' ,)" "$@" ${LOADGEN_OPTS:-} || rc=$?
    bench_profile_stop "$(basename "$OUT" .json)-$name-$c"
    if [ "$rc" != 0 ]; then
        cat "$WORK/loadgen.err" >&2
        log "loadgen failed with exit code $rc ($name, $c connections)"
        BAD=$((BAD + 1))
        jq -nc --arg name "$name" --argjson c "$c" --arg err "$(tail -c 300 "$WORK/loadgen.err")" \
            '{name: $name, connections: $c, failed: ("loadgen setup failed: " + $err), errors: null}' >>"$WORK/runs.jsonl"
        return 0
    fi
    line=$(tail -n 1 "$WORK/loadgen.out")
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server died under load ($name)"
    jq -c --arg name "$name" '{name: $name} + .' <<<"$line" >>"$WORK/runs.jsonl"
    if [ "$(jq -r '.errors' <<<"$line")" != 0 ] || [ "$(jq -r '.requests' <<<"$line")" = 0 ]; then
        log "$name, $c connections: $(jq -r '"\(.requests) successful requests, \(.errors) errors\(if .error_sample then ": " + .error_sample else "" end)"' <<<"$line")"
        BAD=$((BAD + 1))
    fi
}

# With BENCH_PROFILER set to async-profiler's libasyncProfiler.so, CPU profiles of the server's JVM
# over each measured run (from the end of its warm-up), loaded with jcmd, written to
# BENCH_PROFILE_DIR (default $TMPDIR/authbox-profiles, which outlives the work dir) as
# RESULTS-NAME-CONNS.collapsed and .html, RESULTS being the results file's name (one per server in
# a --peers run). jcmd starts a JVM of its own as the measuring begins: read a profiled run's
# profile, not its rate.
bench_profile_start() {
    PROFILER_PID=
    [ -n "${BENCH_PROFILER:-}" ] || return 0
    ( sleep "$WARMUP"; bench_jcmd start,event=cpu,interval=1ms ) &
    PROFILER_PID=$!
}

bench_profile_stop() { # NAME
    [ -n "${PROFILER_PID:-}" ] || return 0
    wait "$PROFILER_PID" || true
    local dir=${BENCH_PROFILE_DIR:-${TMPDIR:-/tmp}/authbox-profiles}
    mkdir -p "$dir"
    if bench_jcmd "dump,file=$dir/$1.collapsed,collapsed" && bench_jcmd "stop,file=$dir/$1.html"; then
        log "profile: $dir/$1.html"
    else
        log "profiling $1 failed (is $SERVER_PID a JVM of $JAVA?)"
    fi
}

bench_jcmd() { # ASYNC_PROFILER_ARGS; jcmd splits an unquoted option at its commas, and exits 0 on failure
    "$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jcmd" "$SERVER_PID" JVMTI.agent_load "$BENCH_PROFILER" "\"$1\"" \
        | grep -q '^return code: 0$'
}

# Runs the function named $1 (the script's flows) once as the warm-up pass (see --warmup-pass).
bench_warmup_pass() {
    [ "${WARMUP_PASS:-0}" != 0 ] || return 0
    WARMING=true
    "$1"
    WARMING=false
}

# True when --only is unset or names this flow.
bench_selected() {
    [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]
}

bench_na() {
    $WARMING && return 0
    bench_selected "$1" || return 0
    jq -nc --arg name "$1" --arg why "$2" '{name: $name, not_available: $why}' >>"$WORK/runs.jsonl"
}

bench_default_out() { # NAME
    local suffix=
    $SMOKE && suffix=-smoke
    [ -z "$ONLY" ] || suffix=$suffix-partial
    echo "$BENCH_DIR/results/$(date +%F)-$1$suffix.json"
}

bench_machine_json() {
    jq -nc --arg cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
        --argjson cpus "$(nproc)" --arg kernel "$(uname -r)" \
        --argjson mem_mib "$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)" \
        --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
        '{cpu: $cpu, cpus: $cpus, mem_mib: $mem_mib, kernel: $kernel, loadavg_at_end: $load,
          note: "load generator on the same machine, sharing the cores"}'
}

# bench_write_results FILE JSON_OBJECT [CEILING_MAP]: JSON + {machine, runs: [...]}. CEILING_MAP is
# {"<flow name>": {"what": "...", "per_s": N}}: those runs get .ceiling and .fraction_of_ceiling.
bench_write_results() {
    local file=$1 extra=$2 ceilings=${3:-'{}'}
    mkdir -p "$(dirname "$file")"
    jq -s --argjson extra "$extra" --argjson machine "$(bench_machine_json)" --argjson ceil "$ceilings" '
        $extra + {machine: $machine, runs: map(
            (($ceil[.name + "@" + (.connections | tostring)] // $ceil[.name]) // {}) as $c
            | if (.rps != null) and ($c.per_s // 0) > 0
              then . + {ceiling: $c, fraction_of_ceiling: ((.rps / $c.per_s * 1000 | round) / 1000)}
              else . end)}' "$WORK/runs.jsonl" >"$file.tmp"
    mv "$file.tmp" "$file"
}

# Markdown report of one results file.
# bench_finish FILE JSON_OBJECT: writes the results file, prints its table and path, and exits 3
# when a run had errors or no successful request (the peers' ending; run.sh adds its ceilings).
bench_finish() {
    bench_write_results "$1" "$2"
    echo
    bench_print_table "$1"
    echo
    echo "results: ${1#"$ROOT"/}"
    BENCH_OK=true
    if [ "$BAD" -gt 0 ]; then log "$BAD run(s) had errors or no successful request"; exit 3; fi
}

bench_print_table() {
    local file=$1
    jq -r '
      def num: if . == null then "-" else tostring end;
      def pct: if . == null then "" else "\((. * 1000 | round) / 10)%" end;
      "## \(.server)\(if .db then " (\(.db))" else "" end), \(.date)",
      "",
      "- \(.machine.cpus) CPUs (\(.machine.cpu)), load generator on the same machine; \(.warmup_s) s warm-up + \(.duration_s) s measured per run, closed loop\(if (.warmup_pass_s // 0) > 0 then ", after a warm-up pass of \(.warmup_pass_s) s per flow" else "" end)",
      (if .version then "- version: \(.version)" else empty end),
      (if .server_java then "- server JVM: \(.server_java)" else empty end),
      "- start-up to first 200: \(.startup_ms.fresh // "-") ms\(if .startup_ms.restart then " on a fresh database, \(.startup_ms.restart) ms on restart with the existing database\(if (.startup_ms.restarts // [] | length) > 1 then " (median of \(.startup_ms.restarts | map(tostring) | join(", ")))" else "" end)" else "" end)",
      "- RSS: \(.rss_mib.idle // "-") MiB idle, \(.rss_mib.after_load // "-") MiB after load",
      (if .db_file_mib_after_load then "- database file: \(.db_file_mib_after_load) MiB after load" else empty end),
      (if .argon2id then "- Argon2id for the password row: m=\(.argon2id.memory_kib) KiB, t=\(.argon2id.iterations), p=\(.argon2id.parallelism)" else empty end),
      (if .signing_alg then "- JWTs signed with \(.signing_alg)" else empty end),
      (if .notes then (.notes[] | "- \(.)") else empty end),
      "",
      "| flow | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | of ceiling | CPU % server / loadgen / other | written KiB/req |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
      (.runs[] |
        if .not_available then "| \(.name) | | not available: \(.not_available) | | | | | | | | |"
        elif .failed then "| \(.name) | \(.connections) | failed: \(.failed | .[0:120]) | | | | | | | | |"
        else "| \(.name) | \(.connections) | \(.rps) | \(.p50_ms | num) | \(.p90_ms | num) | \(.p99_ms | num) | \(.max_ms | num) | \(.errors) | \(.fraction_of_ceiling | pct)\(if .ceiling then " of \(.ceiling.per_s)/s \(.ceiling.what)" else "" end) | \(.server_cpu_pct | num) / \(.loadgen_cpu_pct | num) / \(.other_cpu_pct | num)\(if (.other_cpu_pct // 0) > 15 then " (noisy)" else "" end) | \(.server_written_kib_per_req | num) |"
        end)
    ' "$file"
}
