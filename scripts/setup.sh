#!/usr/bin/env bash
# Set up everything peelextract needs on a fresh machine: system packages (fonts for the PDF fixtures,
# Chromium for the browser tests) and a virtualenv in .venv with the project and its dev dependencies.
# Idempotent: a second run only checks. Says what it is doing, one line a step, on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "setup: $*" >&2; }
need_apt=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
if [ "${PEELEXTRACT_SKIP_BROWSER:-0}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fi
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ${#need_apt[@]} -gt 0 ] || [ ! -f "$stamp" ]; then
  say "first run: installing what peelextract needs; this takes about 3 minutes"
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    say "apt: installing ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    say "please install: ${need_apt[*]} (apt-get install as root)"
  fi
fi
if [ ! -x .venv/bin/python ]; then
  say "venv: creating .venv with $("$PY" --version 2>&1)"
  "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ]; then
  say "pip: installing peelextract and its dependencies into .venv (pyproject.toml changed or first run)"
  .venv/bin/pip install -q --disable-pip-version-check -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import peelextract, spacy, pdfplumber, pypdfium2, prefect"
  rm -f .venv/.installed-* && touch "$stamp"
  say "done: .venv is ready"
fi
