#!/usr/bin/env bash
# Prints the weight of the built page in dist/, raw and gzipped: what the hosted page's first visit
# downloads before the form is usable (index.html, the JavaScript, the CSS, the main wasm: what
# the page loads and preloads), then what a first diagnosis adds to it (the diagnosis chunk and
# the shared chunks it waits for: loaded at the first sign of use, before the first Diagnose
# can run), then each chunk loaded on demand with what loads it, and the single-file page. Build first with `trunk build --release` (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
single=agent-state-doctor.html
[ -d "$dist" ] || { echo "no $dist/: run 'trunk build --release' first" >&2; exit 1; }
row() { awk -v k="$1" -v r="$2" -v g="$3" -v n="$4" 'BEGIN { printf "%-11s %9.1f KB %9.1f KB  %s\n", k, r / 1024, g / 1024, n }'; }
size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }

# The chunks and what loads them, from the loader (scripts/build-wasm.mjs): a split point's own
# file (`split_<name>-<hash>.wasm`) and the chunks its loader waits for (`makeLoad(..., [deps])`).
declare -A loads_of=()
loader=$(find "$dist" -maxdepth 1 -name '__wasm_split-*.js' | head -n 1)
if [ -n "$loader" ]; then
  while IFS=$'\t' read -r file splits; do
    loads_of[$file]=$splits
  done < <(node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    const chunkVar = {}; // __chunk_N -> file
    for (const m of text.matchAll(/const (__chunk_\d+) = makeLoad\(__chunk\("([^"]+)"\)/g)) chunkVar[m[1]] = m[2];
    const users = {};
    for (const m of text.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\((?:__chunk\("([^"]+)"\)|[^,]*)\s*,\s*\[([^\]]*)\]\)\)/g)) {
      const [, split, own, deps] = m;
      for (const file of [own, ...deps.split(",").map((d) => chunkVar[d.trim()])].filter(Boolean)) {
        (users[file] ??= []).push(split);
      }
    }
    for (const [file, splits] of Object.entries(users)) console.log(`${file}\t${splits.join(" ")}`);
  ' "$loader")
fi
# What each split point is, in the page's words (src/chunks.rs).
what_loads() {
  local out=() split
  for split in $1; do
    case $split in
      diagnosis) out+=("the first use of the form or the result (a first Diagnose waits for it)") ;;
      demo) out+=("the Demo tenant's first run") ;;
      team) out+=("the Team view's first sweep") ;;
      report) out+=("opening a saved report") ;;
      export) out+=("the first export (JSON, Markdown, curl, CSV)") ;;
      *) out+=("$split") ;;
    esac
  done
  local IFS=';'
  echo "${out[*]}" | sed 's/;/, or /g'
}

printf '%-11s %12s %12s  %s\n' kind raw gzipped files
total_raw=0; total_gz=0
for kind in wasm js css html; do
  raw=0; zipped=0; names=()
  while IFS= read -r -d '' file; do
    name=$(basename "$file")
    [ -n "${loads_of[$name]:-}" ] && continue
    raw=$((raw + $(size "$file")))
    zipped=$((zipped + $(gz "$file")))
    names+=("$name")
  done < <(find "$dist" -maxdepth 1 -name "*.$kind" ! -name "$single" -print0 | sort -z)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + zipped))
  row "$kind" "$raw" "$zipped" "${names[*]:-}"
done
row "first load" "$total_raw" "$total_gz" "the hosted page's first visit (goal: at most 200 KB gzipped)"
# The first diagnosis: the first load and every chunk the diagnosis split point loads.
diag_raw=$total_raw; diag_gz=$total_gz; diag_files=()
for name in $(printf '%s\n' "${!loads_of[@]}" | sort); do
  case " ${loads_of[$name]} " in
    *" diagnosis "*)
      diag_raw=$((diag_raw + $(size "$dist/$name"))); diag_gz=$((diag_gz + $(gz "$dist/$name")))
      diag_files+=("$name") ;;
  esac
done
if [ ${#diag_files[@]} -gt 0 ]; then
  row "first diag." "$diag_raw" "$diag_gz" "first load + what a first Diagnose needs: $(what_loads diagnosis) (${#diag_files[@]} files)"
fi
for name in $(printf '%s\n' "${!loads_of[@]}" | sort); do
  row "on demand" "$(size "$dist/$name")" "$(gz "$dist/$name")" "$name: loaded by $(what_loads "${loads_of[$name]}")"
done
if [ -f "$dist/$single" ]; then
  row "single" "$(size "$dist/$single")" "$(gz "$dist/$single")" "$single (everything in one file, chunks included)"
fi
