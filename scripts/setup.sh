#!/usr/bin/env bash
# setup.sh installs everything earshot's demo and tests need on Debian 12.
# fonts-noto-cjk lets Chromium (browser tests, screenshots) draw the pages' Chinese.
# It is idempotent: packages already present are skipped, so running it before
# every `make demo` / `make test` costs a few seconds once the machine is set up.
set -euo pipefail

APT_PACKAGES=(
  build-essential pkg-config
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  flite festival festvox-us-slt-hts espeak-ng sox libsox-fmt-all ffmpeg
  libopus-dev libopusfile-dev
  chromium chromium-driver
  fonts-noto-cjk
  valgrind
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-nice python3-gst-1.0 gir1.2-gst-plugins-bad-1.0
  gir1.2-gst-rtsp-server-1.0
  iproute2 ca-certificates curl bc
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node.js (with npm) comes from the machine image or Debian; install Debian's only if absent.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH=/usr/local/go/bin:$PATH
fi
if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go 1.26 or newer is required (expected at /usr/local/go)" >&2
  exit 1
fi

cd "$(dirname "$0")/.."
go mod download

# The standard NATS CLI (not in Debian 12): tests check that `nats --creds`
# accepts the .creds files `earshot creds` prints.
if [ ! -x bin/nats ]; then
  make --no-print-directory nats-cli >/dev/null
fi

# Browser tests drive Debian's Chromium with playwright-core (no browser download).
if [ -f e2e/browser/package.json ] && [ ! -d e2e/browser/node_modules/playwright-core ]; then
  (cd e2e/browser && npm install --no-audit --no-fund --silent)
fi
echo "setup: ok"
