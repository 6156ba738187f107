#!/usr/bin/env bash
# Runs every test project and prints one closing line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
results="$(mktemp -d)"
dotnet test Podnet.sln -nologo --logger "trx" --results-directory "$results" "$@"
rc=$?
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line"); failed=$((failed + ${x:-0}))
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line"); skipped=$((skipped + ${t:-0} - ${p:-0} - ${x:-0}))
done
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
