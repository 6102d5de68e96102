#!/usr/bin/env bash
# Starts e2b-gateway: builds the jar if it is missing or older than the sources, then runs it.
# Arguments are passed to the JVM's main class untouched. JAVA_OPTS adds JVM flags.
set -euo pipefail
cd "$(dirname "$0")"

JAR=target/e2b-gateway.jar

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  JAVA=java
else
  echo "run.sh: java not found. Install a JDK (17 or newer; 21+ for virtual threads) or set JAVA_HOME." >&2
  exit 1
fi

if [ ! -f "$JAR" ] || [ -n "$(find src/main pom.xml -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "run.sh: $JAR is missing or stale and mvn is not installed. Install Maven 3.8+ to build it." >&2
    exit 1
  fi
  echo "run.sh: building $JAR ..." >&2
  mvn -B -q -DskipTests clean package
fi

# A small service: a modest fixed heap, a collector that keeps pauses short,
# no JIT warm-up penalty from tiny code caches, and a heap dump-free exit on OOM.
DEFAULT_OPTS="-Xms64m -Xmx256m -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"

# shellcheck disable=SC2086
exec "$JAVA" $DEFAULT_OPTS ${JAVA_OPTS:-} -jar "$JAR" "$@"
