#!/bin/bash
# The image's HEALTHCHECK: GET /health on the gateway's own port with bash's /dev/tcp, since JRE
# images often have no curl. HTTP/1.0 without a Host header, which the Host check lets through
# whatever E2B_ALLOWED_HOSTS says. Healthy on 200; 503 (draining) or no answer is unhealthy.
exec 3<>"/dev/tcp/127.0.0.1/${E2B_PORT:-8080}" || exit 1
printf 'GET /health HTTP/1.0\r\n\r\n' >&3
IFS= read -r -t 5 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "unhealthy: $status"; exit 1 ;;
esac
