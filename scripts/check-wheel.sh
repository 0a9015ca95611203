#!/usr/bin/env bash
# The wheel carries the prebuilt labextension: installed in a fresh venv with
# no Node.js reachable, JupyterLab must list the extension enabled and OK.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/.venv/bin/python" -m build --wheel --no-isolation --outdir "$work/dist" "$root" >/dev/null
wheel="$(ls "$work"/dist/traincurves-*.whl)"
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"
"$root/.venv/bin/python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
wanted = "share/jupyter/labextensions/jupyterlab-traincurves/"
missing = [f for f in ("install.json", "package.json", "static/style.js")
           if not any(n.endswith(wanted + f) for n in names)]
if missing:
    sys.exit(f"the wheel lacks the labextension's {', '.join(missing)}")
if "traincurves/payload.v1.json" not in names:
    sys.exit("the wheel lacks the payload schema traincurves/payload.v1.json")
PY

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel" "jupyterlab==4.6.6"

# Only the fresh venv on PATH: no node, no project .venv.
clean_env=(env -i HOME="$HOME" PATH="$work/venv/bin" NO_COLOR=1)
if "${clean_env[@]}" /bin/bash -c 'command -v node' >/dev/null; then
  echo "node is reachable: this check would prove nothing" >&2
  exit 1
fi
listing="$("${clean_env[@]}" "$work/venv/bin/jupyter" labextension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g')"
echo "$listing"
# The schema comes from the wheel itself, not from a source checkout.
title="$(cd "$work" && "${clean_env[@]}" "$work/venv/bin/python" -c \
  'from traincurves.schema import payload_schema; print(payload_schema()["title"])')"
echo "payload schema: $title"
if grep -Eq 'jupyterlab-traincurves v[0-9.]+ enabled OK' <<<"$listing" &&
  [ "$title" = "traincurves panel, version 1" ]; then
  echo "wheel check: 1 passed, 0 failed"
else
  echo "wheel check: 0 passed, 1 failed" >&2
  exit 1
fi
