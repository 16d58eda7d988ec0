#!/usr/bin/env bash
# Installs everything the engine, its tests and `npm run train` need on a fresh
# Debian 12 machine (run as root, or with sudo available):
#  - chromium: headless-browser tests and benchmark pages, and it ships the
#    SwiftShader Vulkan driver that Dawn (the `webgpu` npm package) uses in Node;
#  - libvulkan1: the Vulkan loader Dawn opens;
#  - mesa-vulkan-drivers (Debian 12's own, Mesa 22.3): Dawn rejects its lavapipe, but it
#    brings libLLVM-15 and the X/Wayland client libraries that Mesa 25's lavapipe links;
#  - fonts-dejavu-core: the font the report's PNG figures are drawn with;
#  - the npm packages pinned in package-lock.json;
#  - Mesa 25's lavapipe, the second software WebGPU adapter (WEBGPU_ADAPTER=lavapipe), unpacked
#    from bookworm-backports into .cache/lavapipe. The system's apt sources are not changed:
#    a private sources list, package lists and cache under .cache/lavapipe serve `apt-get download`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The pinned lavapipe. When bookworm-backports drops this version, the download below fails and
# says so: put a version it lists here (and in the README, "The two commands").
LAVAPIPE_VERSION=25.0.7-2~bpo12+1
# libdrm as the pinned Mesa declares it (>= 2.4.121); Debian 12 has 2.4.114. Unpacked beside
# libvulkan_lvp.so and used when LD_LIBRARY_PATH points there at process start (see node/webgpu.ts).
LIBDRM_VERSION=2.4.123-1~bpo12+1
LVP="$PWD/.cache/lavapipe" # node/webgpu.ts reads $LVP/lvp_icd.json

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------- Debian packages
if ! command -v chromium >/dev/null || ! [ -e /usr/lib/chromium/vk_swiftshader_icd.json ] \
  || ! ldconfig -p | grep -q libvulkan.so.1 || ! ldconfig -p | grep -q libLLVM-15.so.1 \
  || ! dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || ! [ -d /usr/share/fonts/truetype/dejavu ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium libvulkan1 mesa-vulkan-drivers fonts-dejavu-core >/dev/null
fi

# ---------------------------------------------------------------- npm packages
npm ci --no-audit --no-fund

# ---------------------------------------------------------------- lavapipe (Mesa 25)
ICD="$LVP/lvp_icd.json"
STAMP="$LVP/version"
lavapipe_fail() {
  echo "scripts/setup.sh: FAILED to install lavapipe: $1" >&2
  exit 1
}

# Asks Dawn for an adapter through the ICD json, in a fresh process started with the full
# environment (as the lavapipe test run starts its processes), and prints its description.
probe_lavapipe() {
  VK_ICD_FILENAMES="$ICD" LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" NODEVICE_SELECT=1 \
    node --input-type=module -e "
      import { create } from 'webgpu';
      const a = await create([]).requestAdapter();
      console.log(a ? [a.info.vendor, a.info.architecture, a.info.description].join(' ') : 'no adapter');
      process.exit(0);" 2>/dev/null
}

# Checks that what is unpacked is the pinned version, that the json names this folder's
# library, and that Dawn gets the pinned Mesa through it. Prints the adapter on success.
lavapipe_works() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$LAVAPIPE_VERSION $LIBDRM_VERSION" ] || return 1
  [ -f "$ICD" ] && grep -qF "\"$LVP/" "$ICD" || return 1
  LIBDIR="$(dirname "$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$ICD")")"
  [ -f "$LIBDIR/libvulkan_lvp.so" ] || return 1
  local adapter
  adapter="$(probe_lavapipe)" || return 1
  case "$adapter" in *"Mesa $LAVAPIPE_VERSION"*) echo "$adapter" ;; *) return 1 ;; esac
}

if adapter="$(lavapipe_works)"; then
  echo "lavapipe: already in .cache/lavapipe ($adapter)"
else
  rm -rf "$LVP"
  mkdir -p "$LVP/lists/partial" "$LVP/cache/archives/partial" "$LVP/debs"
  # The same archive as the machine's own Debian sources (deb822 or one-line format).
  URI="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  [ -n "$URI" ] || URI="$(awk '$1 == "deb" && $3 ~ /^bookworm/ { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
  [ -n "$URI" ] || URI=http://deb.debian.org/debian
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$URI" >"$LVP/bp.sources"
  APT=(-o "Dir::Etc::sourcelist=$LVP/bp.sources" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$LVP/lists"
    -o "Dir::Cache=$LVP/cache" -o APT::Sandbox::User=root)
  apt-get "${APT[@]}" update -qq || lavapipe_fail "apt-get update of bookworm-backports from $URI failed (see above)"
  if ! (cd "$LVP/debs" && apt-get "${APT[@]}" download -qq \
    "mesa-vulkan-drivers=$LAVAPIPE_VERSION" "libdrm2=$LIBDRM_VERSION" "libdrm-amdgpu1=$LIBDRM_VERSION"); then
    echo "bookworm-backports now has:" >&2
    apt-cache "${APT[@]}" madison mesa-vulkan-drivers libdrm2 libdrm-amdgpu1 >&2 || true
    lavapipe_fail "the pinned packages mesa-vulkan-drivers=$LAVAPIPE_VERSION / libdrm2=$LIBDRM_VERSION cannot be downloaded any more.
  Set LAVAPIPE_VERSION (and LIBDRM_VERSION, to a libdrm the new Mesa accepts) in scripts/setup.sh,
  lines $(grep -nE '^(LAVAPIPE|LIBDRM)_VERSION=' scripts/setup.sh | cut -d: -f1 | paste -sd,), to versions listed above, update the README's \"The two commands\", and run scripts/setup.sh again."
  fi
  for deb in "$LVP"/debs/*.deb; do dpkg-deb -x "$deb" "$LVP/root"; done
  LIB="$(find "$LVP/root" -name libvulkan_lvp.so -print -quit)"
  [ -n "$LIB" ] || lavapipe_fail "mesa-vulkan-drivers=$LAVAPIPE_VERSION holds no libvulkan_lvp.so"
  # In-process selection (node/webgpu.ts in a CLI) cannot apply LD_LIBRARY_PATH, so the library
  # must also resolve every symbol against the system's own libraries: check both ways.
  for libpath in "" "$(dirname "$LIB")"; do
    missing="$(LD_LIBRARY_PATH="$libpath" ldd -r "$LIB" 2>&1 | grep -E 'not found|undefined symbol' || true)"
    [ -z "$missing" ] || lavapipe_fail "$LIB does not link (LD_LIBRARY_PATH='$libpath'):
$missing
  Install the Debian packages that provide these, or pin another LAVAPIPE_VERSION in scripts/setup.sh."
  done
  # The package's own json names the library without a path; keep its api_version.
  api="$(cat "$LVP"/root/usr/share/vulkan/icd.d/lvp_icd*.json 2>/dev/null | sed -n 's/.*"api_version": *"\([^"]*\)".*/\1/p' | head -n1 || true)"
  printf '{"ICD":{"api_version":"%s","library_path":"%s"},"file_format_version":"1.0.0"}\n' "${api:-1.4.305}" "$LIB" >"$ICD"
  echo "$LAVAPIPE_VERSION $LIBDRM_VERSION" >"$STAMP"
  rm -rf "$LVP/debs" "$LVP/cache" "$LVP/lists"
  adapter="$(lavapipe_works)" || lavapipe_fail "Dawn finds no lavapipe adapter through $ICD: the probe printed '$(probe_lavapipe || true)'"
  echo "lavapipe: installed into .cache/lavapipe ($adapter)"
fi
