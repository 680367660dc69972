#!/usr/bin/env bash
# Print the path of a Python >= 3.12 for the focus-validator venv (the project itself runs on
# 3.11). Looks at $FOCUS_VALIDATOR_PYTHON, then python3.12/python3.13/python3 on PATH, then
# pyenv's versions (`pyenv root`, $PYENV_ROOT or ~/.pyenv), preferring the lowest version >= 3.12.
set -euo pipefail

ok() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
# the interpreter itself, not a shim in front of it
real() { "$1" -c 'import sys; print(sys.executable)'; }

if [ -n "${FOCUS_VALIDATOR_PYTHON:-}" ]; then
  if ok "$FOCUS_VALIDATOR_PYTHON"; then real "$FOCUS_VALIDATOR_PYTHON"; exit 0; fi
  echo "FOCUS_VALIDATOR_PYTHON=$FOCUS_VALIDATOR_PYTHON is not a Python >= 3.12" >&2; exit 1
fi
for name in python3.12 python3.13 python3.14 python3; do
  path=$(command -v "$name" 2>/dev/null || true)
  if [ -n "$path" ] && ok "$path"; then real "$path"; exit 0; fi
done
roots=()
if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root)"); fi
roots+=("${PYENV_ROOT:-}" "$HOME/.pyenv")
for root in "${roots[@]}"; do
  [ -n "$root" ] && [ -d "$root/versions" ] || continue
  for dir in $(ls -1 "$root/versions" | grep -E '^3\.[0-9]+\.[0-9]+$' | sort -V); do
    if ok "$root/versions/$dir/bin/python3"; then real "$root/versions/$dir/bin/python3"; exit 0; fi
  done
done
echo "no Python >= 3.12 found for the focus-validator venv: install one (e.g. 'pyenv install" \
  "3.12') or set FOCUS_VALIDATOR_PYTHON to its path" >&2
exit 1
