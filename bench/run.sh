#!/usr/bin/env bash
# Benchmarks the gateway against a fake upstream on loopback and prints a table.
#   bench/run.sh           full run (about 12 minutes)
#   bench/run.sh --quick   a short smoke run (numbers not meaningful)
#   bench/run.sh --phases lean,seq,tools,conc,tput   choose the parts to run (default: all)
# lean: startup with run.sh, idle and loaded memory, CPU per request against a bare Javalin +
# OkHttp pass-through, on Java 17 (--java17 PATH) and the gateway's JVM.
# The gateway runs on JAVA_HOME's java, else Temurin 25 if installed (virtual threads), else `java`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk" >&2
  apt-get update -qq && apt-get install -y -qq wrk
fi

. bench/lib.sh
pick_java
build_for_bench
mkdir -p target/bench

exec "$JAVA" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.e2bgateway.bench.Benchmark --java "$JAVA" --jar target/e2b-gateway.jar "$@"
