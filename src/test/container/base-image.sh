#!/usr/bin/env bash
# Builds a local base image for the container test, since no image registry is reachable from
# the test machines: Debian bookworm (debootstrap, minbase) with the given packages, imported
# into podman. Kept between runs: a second call with the image present is a no-op.
# The Debian mirror is the one apt is configured with on this machine (never written here).
# Usage: base-image.sh <image name> <package,package,...>
#   base-image.sh e2b-test-jre openjdk-17-jre-headless          (the runtime stage's base)
#   base-image.sh e2b-test-maven openjdk-17-jdk-headless,maven  (the build stage's base)
set -euo pipefail
name="$1"
packages="$2"

if podman image exists "$name"; then
  echo "base-image: $name exists, kept"
  exit 0
fi

# The first Debian archive URI in apt's sources (deb822 .sources files or the one-line format).
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  mirror="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\?[[:space:]]*$/\1/p' "$f" | head -1)"
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ]; then
  mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\/debian\)\/\?[[:space:]].*/\2/p' | head -1)"
fi
if [ -z "$mirror" ]; then
  echo "base-image: no Debian archive found in apt's sources; cannot run debootstrap" >&2
  exit 1
fi

# The name may carry a registry part ("localhost/e2b-test-jre"): the work folder is named after its
# last part, since mktemp takes its template as a path.
root="$(mktemp -d "/var/tmp/${name##*/}.XXXXXX")"
trap 'rm -rf "$root"' EXIT
started=$SECONDS
echo "base-image: debootstrap bookworm (minbase + $packages) into $root; this takes a minute or more"
debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror"
echo "base-image: debootstrap done in $((SECONDS - started)) s"

# What a runtime image does not need: package lists and caches, documentation, the locales.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*
echo "base-image: importing into podman as $name"
tar -C "$root" --numeric-owner -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' - "$name"
echo "base-image: $name ready in $((SECONDS - started)) s"
