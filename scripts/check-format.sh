#!/usr/bin/env bash
# Fails, naming the files, if any C++ source differs from .clang-format.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cc' '*.h')
else
  mapfile -t files < <(find agent aggregator libftel tools tests -name '*.cc' -o -name '*.h')
fi
bad=()
for file in "${files[@]}"; do
  [[ -f "$file" ]] || continue
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done
if [[ ${#bad[@]} -gt 0 ]]; then
  echo "not formatted per .clang-format (run clang-format -i): ${bad[*]}" >&2
  exit 1
fi
echo "${#files[@]} files formatted per .clang-format"
