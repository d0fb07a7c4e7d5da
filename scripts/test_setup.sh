#!/usr/bin/env bash
# Test prerequisites outside PyPI: headless Chromium (report rendering test) and pdftoppm
# (PDF pages to PNG), from Debian's packages. Installs them when missing and we are root;
# otherwise the tests that need them skip with a reason (they must not skip in CI).
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "test set-up: installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null 2>&1 \
    || echo "test set-up: could not install ${missing[*]}; the tests that need them will say so"
else
  echo "test set-up: ${missing[*]} missing and not root; install them (apt-get install ${missing[*]}) or those tests skip"
fi
exit 0
