#!/bin/sh
# The container's entry point: refuses to start without a key of the operator's own, then
# replaces itself with the JVM (exec), so the JVM is PID 1 and SIGTERM reaches its shutdown hook.
# Arguments are passed to the gateway's main class untouched.
set -eu

well_known="sk-123456"
# The keys as the gateway reads them: comma-separated, blanks around each ignored.
keys=",$(printf '%s' "${E2B_API_KEY:-}" | tr -d ' \t'),"
case "$keys" in
  *",$well_known,"*)
    echo "e2b-gateway: E2B_API_KEY includes the well-known key $well_known; in a container the gateway listens on every address, so it needs a secret of your own." >&2
    exit 2 ;;
  ,,)
    if [ -z "${E2B_KEYS_FILE:-}" ]; then
      echo "e2b-gateway: set E2B_API_KEY (or E2B_KEYS_FILE) to a secret of your own, e.g. \`openssl rand -hex 24\`." >&2
      echo "e2b-gateway: without one the gateway would use the well-known key $well_known and listen on loopback only, unreachable from outside this container." >&2
      exit 2
    fi ;;
esac

# run.sh's memory flags: a heap that starts small and gives memory back, a hard cap, the serial
# collector (almost no overhead of its own on a heap this size), and an exit rather than a
# limping JVM after an out-of-memory error (the container's restart policy starts a new one),
# and malloc's freed memory given back every 5 s (the image's Java 17 is 17.0.9 or later).
# Besides: host names looked up again after 5 s, not the JVM's 30 s. Containers get a new address
# when they are recreated or restarted; with the default the gateway would keep dialling the old
# address of a restarted Redis for up to half a minute.
# shellcheck disable=SC2086
exec java -Xms16m -Xmx256m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TrimNativeHeapInterval=5000 \
  -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8 -Dsun.net.inetaddr.ttl=5 ${JAVA_OPTS:-} -jar /app/e2b-gateway.jar "$@"
