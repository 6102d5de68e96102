# e2b-gateway as a container image: the jar built with Maven, run on a JRE as a non-root user.
#
#   docker build -t e2b-gateway .
#   docker run -d -p 127.0.0.1:8080:8080 -e E2B_API_KEY=sk-your-own-secret --stop-timeout 35 e2b-gateway
#
# Settings are the E2B_* environment variables (README, Settings). The container refuses to
# start without a key of the operator's own (E2B_API_KEY or E2B_KEYS_FILE): with the well-known
# default key the gateway listens on loopback only, which in a container nobody can reach.
# The base images are build arguments, e.g. for a mirror or a pinned digest:
#   --build-arg BUILD_IMAGE=... --build-arg RUNTIME_IMAGE=...
# With a jar built outside (mvn -DskipTests package), `--target prebuilt` copies
# target/e2b-gateway.jar instead of running Maven in the build.

ARG BUILD_IMAGE=maven:3-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY src/main ./src/main
# The local repository in a cache mount: a rebuild after a source change downloads nothing.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

# Everything the gateway needs but the jar, shared by both ways of getting one.
FROM ${RUNTIME_IMAGE} AS base
# A system user with no home and no shell; a fixed uid so volumes can be chowned to it.
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin e2b
WORKDIR /app
COPY --chmod=0755 deploy/container/entrypoint.sh deploy/container/healthcheck.sh /app/
# All addresses: in a container, loopback is reachable from nowhere but the container itself.
# MALLOC_ARENA_MAX as run.sh sets it; JAVA_OPTS adds JVM flags after run.sh's (later ones win).
ENV E2B_HOST=0.0.0.0 \
    E2B_PORT=8080 \
    MALLOC_ARENA_MAX=2 \
    JAVA_OPTS=""
EXPOSE 8080
USER 10001:10001
# bash's /dev/tcp instead of curl, which JRE images often lack; 503 while draining = unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/app/healthcheck.sh"]
# SIGTERM (docker stop, compose down) drains streams in flight for E2B_SHUTDOWN_GRACE_MS (30 s):
# give the container longer than that before it is killed (--stop-timeout 35, stop_grace_period).
STOPSIGNAL SIGTERM
# The script checks the key, then execs the JVM, which becomes PID 1 and gets the signal itself.
ENTRYPOINT ["/app/entrypoint.sh"]

# A jar built outside the image: docker build --target prebuilt .
FROM base AS prebuilt
COPY target/e2b-gateway.jar /app/e2b-gateway.jar

# The default: the jar from the Maven stage.
FROM base AS runtime
COPY --from=build /src/target/e2b-gateway.jar /app/e2b-gateway.jar
