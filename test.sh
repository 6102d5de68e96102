#!/usr/bin/env bash
# README's test command. On a fresh Debian machine it installs what the tests need (Debian
# packages, Node.js 22 when the machine's is older, the test npm packages), then runs every test
# with `mvn -B verify` and fails if a single one was skipped. The container test makes its podman
# base images itself (debootstrap, a few minutes the first time; kept afterwards).
# Arguments go to Maven: ./test.sh -Dit.test='RedisStoreIT' -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
# Tests whose tool this script installs fail instead of skipping when it is missing after all.
export CI="${CI:-true}"

# The npm packages of the SDK checks (the Vercel AI SDK's @ai-sdk/*) declare Node.js 22 or newer.
NODE_MAJOR=22
NODE_PACKAGE_VERSION=22.23.5

say() { echo "test.sh: $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "installing needs root: run as root, or install by hand: $*" >&2; exit 1
  fi
}

install_debian_packages() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  [ -x /usr/sbin/nginx ] || missing+=(nginx-light)                 # the nginx deployment test
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd) # checks the unit file
  [ -x /usr/bin/chromium ] || missing+=(chromium)                  # the playground's browser test
  [ -x /usr/bin/redis-server ] || missing+=(redis-server)          # the Redis tests (they start their own)
  # The container test: podman with the runc runtime, slirp4netns for the container's network,
  # debootstrap for the local base images, podman-compose for compose.yaml.
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  [ -x /usr/sbin/runc ] || [ -x /usr/bin/runc ] || missing+=(runc)
  command -v slirp4netns >/dev/null 2>&1 || missing+=(slirp4netns)
  [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  command -v podman-compose >/dev/null 2>&1 || missing+=(podman-compose)
  [ ${#missing[@]} -eq 0 ] && return
  say "installing ${missing[*]}"
  # Debian's nginx and redis-server packages start their services on install; the tests run their
  # own servers. A policy-rc.d that answers 101 (action forbidden) keeps the package scripts from
  # starting any service during this install, so nothing has to be stopped afterwards (and no
  # process is ended by name: an nginx that was running before is left alone).
  local policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\n# test.sh: no service starts during its apt-get install\nexit 101\n' > $policy && chmod 755 $policy"
    trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}"
  if grep -q '^# test.sh:' "$policy" 2>/dev/null; then as_root rm -f "$policy"; trap - EXIT; fi
}

node_major() { node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p'; }

# Node.js 22 from the npm registry's node-linux-<arch> package (the official build, shipped inside
# the package), kept in the user's cache and put first on PATH for this run only.
ensure_node() {
  local found
  found="$(node --version 2>/dev/null || echo none)"
  if [ "$(node_major || echo 0)" -ge "$NODE_MAJOR" ] 2>/dev/null; then return; fi
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) say "Node.js $found found; the tests need $NODE_MAJOR or newer, and there is no package for $(uname -m): install it by hand" >&2; exit 1 ;;
  esac
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/e2b-gateway/node-$NODE_PACKAGE_VERSION"
  local bin="$dir/node_modules/node-linux-$arch/bin"
  if [ ! -x "$bin/node" ]; then
    say "Node.js $found found; the tests need $NODE_MAJOR or newer: installing $NODE_PACKAGE_VERSION (npm package node-linux-$arch) into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node-linux-$arch@$NODE_PACKAGE_VERSION"
  fi
  export PATH="$bin:$PATH"
  if [ "$(node_major || echo 0)" -lt "$NODE_MAJOR" ]; then
    say "Node.js $(node --version 2>/dev/null || echo none) after installing; the tests need $NODE_MAJOR or newer" >&2
    exit 1
  fi
  say "using Node.js $(node --version) from $bin"
}

install_debian_packages
ensure_node

say "$(java -version 2>&1 | head -1); $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'); node $(node --version); $(/usr/sbin/nginx -v 2>&1); $(redis-server --version | cut -d' ' -f1-3); $(podman --version)"

say "systemd-analyze verify deploy/e2b-gateway.service"
systemd-analyze verify deploy/e2b-gateway.service

# The official JavaScript SDK checks and the browser test (run from JUnit) need their npm packages
# (the browser is Debian's Chromium: none is downloaded). Installed again only when the lock changed.
if [ ! -f src/test/node/node_modules/.package-lock.json ] || [ src/test/node/package-lock.json -nt src/test/node/node_modules/.package-lock.json ]; then
  (cd src/test/node && npm ci --no-audit --no-fund)
fi

mvn -B verify "$@"

# Every test must have run: one skipped for a missing tool (an assumption) proves nothing. The run
# above lists them under a SKIPPED banner; here they fail the build.
skipped=$({ find target/surefire-reports target/failsafe-reports -name 'TEST-*.xml' -print0 2>/dev/null || true; } \
  | xargs -0 -r sed -n 's/^<testsuite [^>]* skipped="\([0-9]*\)".*/\1/p' | awk '{s += $1} END {print s + 0}')
if [ "$skipped" -gt 0 ]; then
  say "$skipped test(s) skipped (see the SKIPPED banners above, target/surefire-reports and target/failsafe-reports); all must run" >&2
  exit 1
fi
say "every test ran; playground screenshots in target/playground/"
