#!/usr/bin/env bash
# Installs everything the engine, its tests and `npm run train` need on a fresh
# Debian machine (run as root, or with sudo available):
#  - chromium: headless-browser tests and benchmark pages, and it ships the
#    SwiftShader Vulkan driver that Dawn (the `webgpu` npm package) uses in Node;
#  - libvulkan1: the Vulkan loader Dawn opens;
#  - fonts-dejavu-core: the font the report's PNG figures are drawn with;
#  - the npm packages pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
if ! command -v chromium >/dev/null || ! [ -e /usr/lib/chromium/vk_swiftshader_icd.json ] \
  || ! ldconfig -p | grep -q libvulkan.so.1 || ! [ -d /usr/share/fonts/truetype/dejavu ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium libvulkan1 fonts-dejavu-core >/dev/null
fi

npm ci --no-audit --no-fund
