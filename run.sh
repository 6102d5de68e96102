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
  # Quiet, and without the colour resets Maven 3.8 prints even in batch mode; errors still show.
  mvn -B -q -Dstyle.color=never -DskipTests clean package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
  [ -f "$JAR" ] || { echo "run.sh: the build did not make $JAR" >&2; exit 1; }
fi

# A small service: a heap that starts small and gives memory back (the serial collector has
# almost no overhead of its own on a heap this size), a hard cap, an exit rather than a
# limping JVM after an out-of-memory error, and two malloc arenas instead of one per core.
DEFAULT_OPTS="-Xms16m -Xmx256m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

# The Java's version from its release file ("17.0.15"), empty when unknown. Read once, with bash's
# own builtins past the one readlink: each external command costs a start a few milliseconds.
java_version() {
  local release line
  release="$(readlink -f "$(command -v "$JAVA")")"
  release="${release%/bin/*}/release"
  [ -r "$release" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in JAVA_VERSION=*) line="${line#JAVA_VERSION=\"}"; echo "${line%\"}"; return ;; esac
  done < "$release"
}
JAVA_VERSION="$(java_version)"

# Gives malloc's freed memory back to the system every 5 s: the C2 compiler's arenas and
# startup's buffers otherwise stay resident (about 10 MB of an idle gateway). The flag exists on
# Java 17.0.9+, 21.0.1+ and 22+; older ones would refuse to start with it.
native_trim_opts() {
  local feature interim update
  IFS=. read -r feature interim update _ <<<"$JAVA_VERSION"
  update="${update:-0}"
  case "${feature:-x}$update" in ''|*[!0-9]*) return ;; esac
  if [ "$feature" -ge 22 ] || { [ "$feature" -eq 21 ] && [ "$update" -ge 1 ]; } || { [ "$feature" -eq 17 ] && [ "$update" -ge 9 ]; }; then
    echo "-XX:TrimNativeHeapInterval=5000"
  fi
}

# Class data for a quick start, kept beside the jar and made for this jar and this Java: the
# first run records the classes it loads and writes them when it stops; later runs map them
# instead of loading and verifying each class again. On Java 13-24 a class-data archive, by
# default. On Java 25+ only with E2B_CLASS_CACHE=on (an AOT cache): there it pins the serial
# collector's heap at -Xmx (about 360 MB resident under load instead of 180), so the default
# keeps the memory and gives up the faster start. E2B_CLASS_CACHE=off leaves it out everywhere.
class_cache_opts() {
  local mode="${E2B_CLASS_CACHE:-auto}"
  [ "$mode" = "off" ] && return
  case "${JAVA_OPTS:-}" in *SharedArchiveFile*|*AOTCache*|*Xshare*|*ArchiveClassesAtExit*) return ;; esac
  local version feature base
  version="$JAVA_VERSION"
  feature="${version%%.*}"
  case "$feature" in ''|*[!0-9]*) return ;; esac
  base="target/e2b-gateway.$(stat -c %Y "$JAR").java-$version"
  if [ "$feature" -ge 25 ]; then
    [ "$mode" = "on" ] || return
    if [ -f "$base.aot" ]; then echo "-XX:AOTCache=$base.aot"; else echo "-XX:AOTCacheOutput=$base.aot"; fi
  elif [ "$feature" -ge 13 ]; then
    # Writing the archive lists each class it cannot keep as a warning (generated reflection classes,
    # JFR's): harmless, so only errors are shown.
    if [ -f "$base.jsa" ]; then echo "-XX:SharedArchiveFile=$base.jsa"; else echo "-XX:ArchiveClassesAtExit=$base.jsa -Xlog:cds*=error"; fi
  fi
}

# shellcheck disable=SC2086
exec "$JAVA" $DEFAULT_OPTS $(native_trim_opts) $(class_cache_opts) ${JAVA_OPTS:-} -jar "$JAR" "$@"
