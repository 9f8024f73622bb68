#!/usr/bin/env bash
# Prints the weight of the built page in dist/: wasm, JavaScript, CSS and HTML, raw and gzipped;
# the first-visit total of the hosted page (what a browser downloads to show the form); and the
# single-file page. Build first with `trunk build --release` (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
single=agent-state-doctor.html
[ -d "$dist" ] || { echo "no $dist/: run 'trunk build --release' first" >&2; exit 1; }
row() { awk -v k="$1" -v r="$2" -v g="$3" -v n="$4" 'BEGIN { printf "%-11s %9.1f KB %9.1f KB  %s\n", k, r / 1024, g / 1024, n }'; }
printf '%-11s %12s %12s  %s\n' kind raw gzipped files
total_raw=0; total_gz=0
for kind in wasm js css html; do
  raw=0; gz=0; names=()
  while IFS= read -r -d '' file; do
    raw=$((raw + $(stat -c %s "$file")))
    gz=$((gz + $(gzip -9 -c "$file" | wc -c)))
    names+=("$(basename "$file")")
  done < <(find "$dist" -maxdepth 1 -name "*.$kind" ! -name "$single" -print0)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  row "$kind" "$raw" "$gz" "${names[*]:-}"
done
row "first load" "$total_raw" "$total_gz" "the hosted page's first visit (goal: at most 200 KB gzipped)"
if [ -f "$dist/$single" ]; then
  row "single" "$(stat -c %s "$dist/$single")" "$(gzip -9 -c "$dist/$single" | wc -c)" "$single (everything in one file)"
fi
