#!/usr/bin/env bash
# One markdown comparison table from results files of bench/run.sh and bench/peers/*.sh.
# The first file is the baseline (authbox); the others get a "baseline ÷ peer" ratio column.
#
#   bench/compare.sh bench/results/2026-01-01-h2.json bench/results/2026-01-01-keycloak.json ...
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/compare.sh BASELINE.json [PEER.json ...]" >&2; exit 64; }
command -v jq >/dev/null || { echo "compare.sh: jq is required" >&2; exit 1; }
jq -rs '
  def num: if . == null then "-" else tostring end;
  def ratio(a; b): if a == null or b == null or b == 0 then "-" else "\(((a / b) * 100 | round) / 100)×" end;
  def srvlabel: "\(.server)\(if .db then " (\(.db))" else "" end)";
  . as $all | $all[0] as $base | $all[1:] as $peers |
  def run(f; n; c): (f.runs[] | select(.name == n and (.connections == c or .not_available != null))) // null;
  def rps(r): if r == null then null elif r.not_available then null elif r.rps == null then null else r.rps end;
  def cell(r): if r == null then "-" elif r.not_available then "n/a" elif r.failed then "failed"
               else "\(r.rps)\(if (r.errors // 0) > 0 then " (\(r.errors) err)" else "" end)" end;
  def p99(r): if r == null or r.not_available or r.failed then "-" else (r.p99_ms | num) end;
  ([$base.runs[], $peers[].runs[]] | map(select(.connections != null) | .connections) | unique) as $conns |
  ([$base.runs[].name] + [$peers[].runs[].name] | reduce .[] as $n ([]; if index([$n]) then . else . + [$n] end)) as $names |
  "## authbox and peers, \($base.date[0:10])",
  "",
  "Each server alone on the machine while measured; \($base.machine.cpus) CPUs (\($base.machine.cpu)), load generator on the same machine; \($base.warmup_s) s warm-up + \($base.duration_s) s per run.",
  "",
  "| flow | conns | " + ([$all[] | "\(srvlabel) req/s"] | join(" | ")) + " | " + ([$peers[] | "÷ \(.server)"] | join(" | ")) + " | p99 ms " + ([$all[] | .server] | join(" / ")) + " |",
  "|---|---:|" + ([$all[] | "---:"] | join("|")) + "|" + ([$peers[] | "---:"] | join("|")) + "|---:|",
  ($names[] as $n | $conns[] as $c |
    [ $all[] | run(.; $n; $c) ] as $rs |
    select(any($rs[]; . != null and .not_available == null)) |
    "| \($n) | \($c) | " + ([$rs[] | cell(.)] | join(" | ")) + " | "
      + ([range(1; $all | length) as $i | ratio(rps($rs[0]); rps($rs[$i]))] | join(" | "))
      + " | " + ([$rs[] | p99(.)] | join(" / ")) + " |"),
  "",
  "| | " + ([$all[] | srvlabel] | join(" | ")) + " |",
  "|---|" + ([$all[] | "---:"] | join("|")) + "|",
  "| start-up, fresh database (ms) | " + ([$all[] | .startup_ms.fresh | num] | join(" | ")) + " |",
  "| start-up, restart (ms) | " + ([$all[] | .startup_ms.restart | num] | join(" | ")) + " |",
  "| RSS idle (MiB) | " + ([$all[] | .rss_mib.idle | num] | join(" | ")) + " |",
  "| RSS after load (MiB) | " + ([$all[] | .rss_mib.after_load | num] | join(" | ")) + " |",
  "| Argon2id of the password row | " + ([$all[] | if .argon2id then "m=\(.argon2id.memory_kib) t=\(.argon2id.iterations) p=\(.argon2id.parallelism)" else "n/a" end] | join(" | ")) + " |",
  "| version | " + ([$all[] | .version // "-"] | join(" | ")) + " |",
  "",
  "Not available (n/a): " + ([$all[] | .server as $s | .runs[] | select(.not_available) | "\($s) \(.name): \(.not_available)"] | join("; ")) + "."
' "$@"
