#!/usr/bin/env bash
# Assembles docs/benchmarks.md from the per-part result files in docs/bench/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
{
  cat bench-preamble.md
  for part in kernel netfilter api store controllers cli kubeproxy dns netpol runtime; do
    [ -f "bench/$part.md" ] || continue
    echo
    # demote headings one level so each part is a section of this page
    sed -E 's/^(#+) /\1# /' "bench/$part.md"
  done
} > benchmarks.md
