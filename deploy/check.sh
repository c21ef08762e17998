#!/usr/bin/env bash
# Checks the deployment files with each tool's own checker: systemd-analyze verify (the units),
# nginx -t (nginx-nudge.conf), caddy validate (Caddyfile) and promtool check rules (alerts.yml).
# Not part of the test suite (.ci/run does not need these tools). A tool that is missing is reported
# and makes the script exit 1: nothing is skipped silently.
#
#   deploy/check.sh                 # tools on PATH (apt-get install systemd nginx caddy prometheus)
#   NGINX_BIN=/x/nginx CADDY_BIN=/x/caddy PROMTOOL_BIN=/x/promtool deploy/check.sh   # (not NGINX=: nginx reads that variable itself)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
NGINX_BIN=${NGINX_BIN:-nginx}
CADDY_BIN=${CADDY_BIN:-caddy}
PROMTOOL_BIN=${PROMTOOL_BIN:-promtool}
SYSTEMD_ANALYZE_BIN=${SYSTEMD_ANALYZE_BIN:-systemd-analyze}

report() { # name status
  if [ "$2" -eq 0 ]; then echo "ok    $1"; else echo "FAIL  $1"; failed=1; fi
}
have() {
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  echo "FAIL  $2: $1 not found"; failed=1; return 1
}

# systemd: verify needs the units under a unit path and their ExecStart binary (/usr/bin/node) present.
if have "$SYSTEMD_ANALYZE_BIN" systemd; then
  mkdir -p "$work/units"
  cp "$here"/nudge*.service "$here"/nudge*.timer "$work/units/"
  out=$(SYSTEMD_UNIT_PATH="$work/units:" "$SYSTEMD_ANALYZE_BIN" verify --man=no \
    "$work/units/nudge.service" "$work/units/nudge-worker@.service" "$work/units/nudge-worker@1.service" \
    "$work/units/nudge-backup.service" "$work/units/nudge-backup.timer" 2>&1)
  status=$?
  # systemd only warns about unknown keys and bad values (and exits 0): any line about our units fails.
  # Lines about other units of the checking machine are shown, not counted.
  problems=$(printf '%s\n' "$out" | grep -e "$work/units" -e 'nudge' || true)
  [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/      /'
  [ -n "$problems" ] && status=1
  report "systemd-analyze verify nudge.service nudge-worker@.service nudge-backup.service nudge-backup.timer" "$status"
  # The hardening, scored by systemd itself (0 = most confined, 10 = not at all): keep it under 2.0
  # (--threshold counts tenths).
  for unit in nudge.service nudge-worker@1.service nudge-backup.service; do
    out=$(SYSTEMD_UNIT_PATH="$work/units:" "$SYSTEMD_ANALYZE_BIN" security --offline=yes --threshold="${EXPOSURE_MAX:-20}" --no-pager "$work/units/$unit" 2>&1)
    status=$?
    printf '%s\n' "$out" | grep -o 'exposure level for [^:]*: [0-9.]*' | sed 's/^/      /'
    report "systemd-analyze security $unit (exposure under $(( ${EXPOSURE_MAX:-20} / 10 )).$(( ${EXPOSURE_MAX:-20} % 10 )))" "$status"
  done
fi

# nginx: the site inside a minimal nginx.conf, with a throwaway self-signed certificate in place of Let's Encrypt's.
if have "$NGINX_BIN" nginx && have openssl nginx; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=nudge.example.com \
    -keyout "$work/privkey.pem" -out "$work/fullchain.pem" >/dev/null 2>&1
  sed -e "s#/etc/letsencrypt/live/nudge.example.com/#$work/#" "$here/nginx-nudge.conf" > "$work/site.conf"
  cat > "$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/site.conf;
}
CONF
  "$NGINX_BIN" -t -e stderr -p "$work" -c "$work/nginx.conf" 2>&1 | sed 's/^/      /'
  report "nginx -t (nginx-nudge.conf)" "${PIPESTATUS[0]}"
fi

if have "$CADDY_BIN" caddy; then
  XDG_DATA_HOME=$work XDG_CONFIG_HOME=$work "$CADDY_BIN" validate --adapter caddyfile --config "$here/Caddyfile" 2>&1 | grep -v '"level":"info"' | sed 's/^/      /'
  report "caddy validate (Caddyfile)" "${PIPESTATUS[0]}"
fi

if have "$PROMTOOL_BIN" promtool; then
  "$PROMTOOL_BIN" check rules "$here/alerts.yml" 2>&1 | sed 's/^/      /'
  report "promtool check rules (alerts.yml)" "${PIPESTATUS[0]}"
fi

exit "$failed"
