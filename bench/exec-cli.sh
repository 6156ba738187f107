#!/usr/bin/env bash
# Issue 5 / issue 2 CLI timings from process start, on stored clusters in a temporary PODNET_HOME:
#   - `podnet exec` of one curl between two pods on a 100-node / 3000-pod / 200-Service cluster
#   - `podnet get pods -A` on a 1000-pod cluster
# Usage: bench/exec-cli.sh [RUNS]   (needs python3 and /usr/bin/time; builds the launcher first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/podnet" version >/dev/null 2>&1 || true

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
def deployment(name, ns, replicas):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: web, image: nginx, ports: [{{containerPort: 80}}]}}]
"""
big = [f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns{n}}}\n" for n in range(10)]
for d in range(200):
    ns = f"ns{d % 10}"
    big.append(deployment(f"app{d}", ns, 15))
    big.append(f"apiVersion: v1\nkind: Service\nmetadata: {{name: app{d}, namespace: {ns}}}\nspec:\n  selector: {{app: app{d}}}\n  ports: [{{port: 80}}]\n")
open(f"{work}/big.yaml", "w").write("---\n".join(big))
open(f"{work}/k1.yaml", "w").write("---\n".join(deployment(f"app{d}", "default", 15) for d in range(67)))
PY

export PODNET_HOME="$work/home"
"$root/podnet" cluster create big --workers 100 >/dev/null
"$root/podnet" apply -f "$work/big.yaml" >/dev/null
read -r src dst < <("$root/podnet" get pods -n ns0 -o wide --no-headers | awk 'NR==1{s=$1} NR==2{d=$6} END{print s, d}')
echo "exec: podnet exec $src -n ns0 -- curl -s -o /dev/null -w '%{http_code}' http://$dst/ (100 nodes, 3000 pods)"
for _ in $(seq "$runs"); do
  /usr/bin/time -f "  %e s wall, %U s user, %M KB max RSS" "$root/podnet" exec "$src" -n ns0 -- curl -s -o /dev/null -w '%{http_code}\n' "http://$dst/" >/dev/null
done

"$root/podnet" cluster create k1 --workers 10 >/dev/null
"$root/podnet" apply -f "$work/k1.yaml" >/dev/null
echo "get: podnet get pods -A ($("$root/podnet" get pods -A --no-headers | wc -l) pods)"
for _ in $(seq "$runs"); do
  /usr/bin/time -f "  %e s wall, %U s user, %M KB max RSS" "$root/podnet" get pods -A >/dev/null
done
