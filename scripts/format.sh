#!/usr/bin/env bash
# Formats the C++ sources with the repository's .clang-format, or with --check says which
# files differ from it and fails (the suite's Format.SourcesAreFormatted runs the check).
# test/compile_fail/ is left as written: those files are meant not to compile, and their
# expected diagnostics name lines.
set -euo pipefail
cd "$(dirname "$0")/.."
formatter=${CLANG_FORMAT:-$(command -v clang-format || command -v clang-format-14 || true)}
if [ -z "$formatter" ]; then
  echo "format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
# Tracked files and new ones not yet added (ignored ones apart).
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- 'src/*' 'include/*' 'test/*' 'bench/*' 'fuzz/*' 'examples/*' 'tools/*' \
  | grep -E '\.(cpp|hpp|h|cc)$' | grep -v '^test/compile_fail/')
if [ "${1:-}" = --check ]; then
  # Collected first, then judged: a pipeline ending in `grep -q` may stop its writer early,
  # and under pipefail that failure would pass the check.
  differing=$("$formatter" --dry-run -Werror "${files[@]}" 2>&1 | grep -o '^[^:]*\.\(cpp\|hpp\|h\|cc\)' | sort -u || true)
  if [ -n "$differing" ]; then
    sed 's/^/not formatted: /' <<<"$differing" >&2
    echo "format: run scripts/format.sh to format them" >&2
    exit 1
  fi
  exit 0
fi
"$formatter" -i "${files[@]}"
