#!/usr/bin/env bash
# The Debian packages Luoshi needs beyond Python and pip, for `make run`, `make test` and .ci/run alike.
# Installs the missing ones with apt-get when run as root; otherwise names the one command to run and
# fails, so nothing starts half-equipped.
#
#   scripts/system-packages.sh run    fonts and Pango for the PDFs the demo builds
#   scripts/system-packages.sh test   + Chromium (browser tests), poppler-utils (PDF pages to PNG), gettext
#   scripts/system-packages.sh ci     + PostgreSQL 15 (the second pass of .ci/run)
set -euo pipefail
purpose=${1:-test}

# dpkg knows what is installed; without dpkg (not Debian) fall back to looking for the files themselves.
have() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
  else
    command -v "${2:-$1}" >/dev/null 2>&1
  fi
}
need=()
# WeasyPrint renders PDFs through Pango; CJK fonts so PDFs and screenshots show Chinese.
for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; do
  have "$package" || need+=("$package")
done
if [ "$purpose" != run ]; then
  have chromium /usr/bin/chromium || need+=(chromium)
  have poppler-utils pdftoppm || need+=(poppler-utils)
  have gettext msgfmt || need+=(gettext)
fi
if [ "$purpose" = ci ]; then
  have postgresql pg_ctlcluster || need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${need[@]}"
  exit 0
fi
echo "Luoshi needs these Debian packages: ${need[*]}" >&2
echo "Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
exit 1
