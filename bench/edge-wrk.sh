#!/usr/bin/env bash
# Issue 8 edge benchmark: wrk through `podnet port-forward` into an emulated nginx pod (or, with
# --ingress, into the emulated ingress controller), side by side with wrk through a real nginx reverse
# proxy to a real nginx on loopback. Everything listens on 127.0.0.1 only; temp files are removed.
#
#   bench/edge-wrk.sh [--duration 60] [--connections 32] [--threads 2] [--ingress HOST]
#
# Needs: dotnet, wrk, nginx (Debian packages `wrk` and `nginx`). Prints a summary at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=60 connections=32 threads=2 ingress_host="" path=/
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --ingress) ingress_host="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk nginx dotnet; do
  command -v "$tool" >/dev/null || { echo "edge-wrk: $tool is not installed (apt-get install -y wrk nginx)" >&2; exit 1; }
done

tmp="$(mktemp -d /tmp/podnet-edge.XXXXXX)"
chmod 755 "$tmp"   # nginx workers (user nobody) read the page
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f "$tmp/proxy.pid" ]] && kill "$(cat "$tmp/proxy.pid")" 2>/dev/null || true
  [[ -f "$tmp/backend.pid" ]] && kill "$(cat "$tmp/backend.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# ---- the emulated side -------------------------------------------------------------------------
export PODNET_HOME="$tmp/podnet-home"
cat > "$tmp/web.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  nodeName: podnet-worker
  containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
YAML
"$root/podnet" --help >/dev/null 2>&1 || true   # builds the CLI once (Release)
pf_port="$(free_port)"
if [[ -n "$ingress_host" ]]; then
  # after the ingress controller is wired: forward to its Service, send the Host header
  "$root/podnet" cluster create --ingress >/dev/null
  "$root/podnet" apply -f "$root/examples/ingress/myapp.yaml" >/dev/null   # myapp.example.com: /app1 -> agnhost pods
  "$root/podnet" port-forward -n ingress-nginx svc/ingress-nginx-controller "$pf_port:80" >"$tmp/pf.out" 2>"$tmp/pf.err" &
  host_header=(-H "Host: $ingress_host")
  path=/app1/
else
  "$root/podnet" port-forward -f "$tmp/web.yaml" pod/web "$pf_port:80" >"$tmp/pf.out" 2>"$tmp/pf.err" &
  host_header=()
fi
pf_pid=$!
pids+=("$pf_pid")
for _ in $(seq 1 600); do grep -q "Forwarding from" "$tmp/pf.out" 2>/dev/null && break; sleep 0.2; done
grep -q "Forwarding from" "$tmp/pf.out" || { echo "port-forward did not start:"; cat "$tmp/pf.err"; exit 1; }
curl -sf "${host_header[@]}" "http://127.0.0.1:$pf_port$path" >/dev/null   # warm-up (JIT)
wrk -t"$threads" -c"$connections" -d5s "${host_header[@]}" "http://127.0.0.1:$pf_port$path" >/dev/null

# ---- the real pair: nginx reverse proxy -> nginx -----------------------------------------------
be_port="$(free_port)"; px_port="$(free_port)"
mkdir -p "$tmp/html" "$tmp/logs"
python3 - "$tmp/html/index.html" <<'PY'
import sys
page = ("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\n"
 "body { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n"
 "<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n"
 "working. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n"
 "<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n"
 "<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n")
open(sys.argv[1], "w").write(page)
PY
common="worker_processes 1; error_log $tmp/logs/error.log; events { worker_connections 1024; }"
cat > "$tmp/backend.conf" <<CONF
$common
pid $tmp/backend.pid;
http { access_log off; server { listen 127.0.0.1:$be_port; root $tmp/html; } }
CONF
cat > "$tmp/proxy.conf" <<CONF
$common
pid $tmp/proxy.pid;
http {
  access_log off;
  upstream backend { server 127.0.0.1:$be_port; keepalive 32; }
  server { listen 127.0.0.1:$px_port;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header X-Forwarded-For \$remote_addr; } }
}
CONF
nginx -p "$tmp" -c "$tmp/backend.conf"
nginx -p "$tmp" -c "$tmp/proxy.conf"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$px_port/" >/dev/null && break; sleep 0.1; done

# ---- measure ----------------------------------------------------------------------------------
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
dotnet_pid="$(pgrep -P "$pf_pid" -f podnet.dll || echo "$pf_pid")"
rss_before="$(rss "$dotnet_pid")"
cpu_before="$(awk '{print $14+$15}' "/proc/$dotnet_pid/stat")"
if [[ -n "$ingress_host" ]]; then target="the emulated ingress controller to agnhost pods, Host: $ingress_host"; else target="an emulated nginx pod"; fi
echo "== wrk through podnet port-forward ($target) =="
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "${host_header[@]}" "http://127.0.0.1:$pf_port$path" | tee "$tmp/emu.txt"
cpu_after="$(awk '{print $14+$15}' "/proc/$dotnet_pid/stat")"
rss_after="$(rss "$dotnet_pid")"
echo "== wrk through real nginx proxy -> real nginx =="
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$px_port/" | tee "$tmp/real.txt"

rate() { awk '/Requests\/sec/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1==p {print $2}' "$1"; }
errs() { grep -E "Socket errors|Non-2xx" "$1" | tr '\n' ' ' || true; }
emu="$(rate "$tmp/emu.txt")"; real="$(rate "$tmp/real.txt")"
echo
echo "== summary (duration ${duration}s, ${threads} threads, ${connections} connections) =="
printf "%-26s %12s %10s %10s %10s  %s\n" path req/s p50 p90 p99 errors
printf "%-26s %12s %10s %10s %10s  %s\n" "podnet port-forward" "$emu" "$(pct "$tmp/emu.txt" 50%)" "$(pct "$tmp/emu.txt" 90%)" "$(pct "$tmp/emu.txt" 99%)" "$(errs "$tmp/emu.txt")"
printf "%-26s %12s %10s %10s %10s  %s\n" "real nginx proxy" "$real" "$(pct "$tmp/real.txt" 50%)" "$(pct "$tmp/real.txt" 90%)" "$(pct "$tmp/real.txt" 99%)" "$(errs "$tmp/real.txt")"
python3 -c "print('ratio emulated/real: %.3f (target >= 0.25)' % ($emu/$real))"
echo "podnet RSS before: ${rss_before} kB, after: ${rss_after} kB; CPU during the emulated run: $(( (cpu_after - cpu_before) ))/$(getconf CLK_TCK) s"
