#!/usr/bin/env bash
# The hot path: what one request costs through the gateway, beside nginx's proxy_pass in front of
# the same fake upstream and, when E2B_GO_ORIGINAL names its binary, the Go original. Three shapes
# (short chat, streamed chat, agent-sized) at 1 and 32 connections, interleaved rounds; prints a
# table of added latency p50/p99/p99.9, CPU and allocation per request and requests per second.
#   bench/hotpath.sh            about 8 minutes
#   bench/hotpath.sh --quick    a smoke run (numbers not meaningful)
#   bench/hotpath.sh --seconds 6 --rounds 3 --warmup 20 --shapes short,stream,agent
# Needs wrk and nginx (Debian's wrk and nginx-light); the gateway runs with run.sh on JAVA_HOME's
# java, else Temurin 25 if installed, else `java`.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in wrk /usr/sbin/nginx; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (Debian: wrk, nginx-light)" >&2; exit 1; }
done

. bench/lib.sh
pick_java
build_for_bench
mkdir -p target/bench/hotpath

exec "$JAVA" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.e2bgateway.bench.HotPath --java "$JAVA" "$@"
