#!/usr/bin/env bash
# Issue 2's load targets through the CLI, from process start, in a temporary PODNET_HOME:
#   1. load + converge the generated cluster from YAML in memory: `podnet get namespaces -f big.yaml`
#      (reads, defaults, validates, admits and converges everything; prints only the namespaces)
#   2. apply the same into a stored cluster: `podnet apply -f big.yaml`
# Usage: bench/load-cluster.sh [DIVISOR]   (1 = 5000 nodes / 150,000 pods / 10,000 Services)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
divisor="${1:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet run -c Release --project "$root/bench/Podnet.Bench" -- generate-cluster "$work/big.yaml" "$divisor"
ls -l "$work/big.yaml" | awk '{printf "%s: %.1f MiB\n", $NF, $5/1048576}'
"$root/podnet" version >/dev/null 2>&1 || true
export PODNET_HOME="$work/home"
fmt="  %e s wall, %U s user + %S s system, %M KB max RSS"
echo "load+converge: podnet get namespaces -f big.yaml"
/usr/bin/time -o "$work/t" -f "$fmt" "$root/podnet" get namespaces -f "$work/big.yaml" --no-headers | wc -l | sed 's/^/  namespaces: /'; cat "$work/t"
"$root/podnet" cluster create big >/dev/null
echo "apply into the store: podnet apply -f big.yaml"
/usr/bin/time -o "$work/t" -f "$fmt" "$root/podnet" apply -f "$work/big.yaml" | wc -l | sed 's/^/  objects applied: /'; cat "$work/t"
echo "  store: $(du -h "$PODNET_HOME/clusters/big/cluster.db" | cut -f1) ($(ls "$PODNET_HOME/clusters/big/"))"
echo "get pods -A on the stored cluster"
/usr/bin/time -o "$work/t" -f "$fmt" "$root/podnet" get pods -A --no-headers | wc -l | sed 's/^/  pods: /'; cat "$work/t"
