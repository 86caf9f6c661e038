#!/usr/bin/env bash
# Runs every test file with node:test through tsx. Node 20 does not expand globs itself.
set -euo pipefail
shopt -s nullglob globstar
cd "$(dirname "$0")/.."
files=(test/unit/**/*.test.ts test/integration/**/*.test.ts test/e2e/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then
  echo "no test files found" >&2
  exit 1
fi
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
