# Shared by bench/run.sh and bench/soak.sh: which java runs the gateway, and the build they run from.

# JAVA_HOME's java, else Temurin 25 if installed (virtual threads), else `java`.
pick_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    JAVA="$JAVA_HOME/bin/java"
  elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  else
    JAVA=java
  fi
}

# The jar and the test classes with their classpath (target/bench-classpath.txt).
build_for_bench() {
  mvn -B -q -DskipTests clean package
  mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
  ulimit -n 65536 2>/dev/null || true
}
