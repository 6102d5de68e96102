#!/usr/bin/env bash
# A soak: the gateway under a steady mixed load for a long time, sampled every 10 s.
#   bench/soak.sh                 30 minutes at 30 requests/s
#   bench/soak.sh --minutes 2     a smoke run
#   bench/soak.sh --rate 50       another steady rate (requests/s)
#   bench/soak.sh --interpreter --minutes 10 --rate 4   the code interpreter: hostile cells (5 MB outputs,
#                                 tracebacks, timeouts, 12 cells a turn) against a gateway with E2B_CODE_INTERPRETER=on
# Plain and streamed chats on both front doors, clients that hang up mid-stream or read slowly,
# upstream replies cut mid-body, upstream 429s and 503s, every response checked. Writes
# target/soak/soak.csv, target/soak/soak.png and target/soak/summary.txt; exits 1 if a request
# was lost or mis-answered. The gateway runs on JAVA_HOME's java, else Temurin 25 if installed
# (virtual threads), else `java`; a JDK, since the samples come from its jcmd.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
pick_java
build_for_bench
mkdir -p target/soak

exec "$JAVA" -Djava.awt.headless=true -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.e2bgateway.bench.Soak --java "$JAVA" --jar target/e2b-gateway.jar "$@"
