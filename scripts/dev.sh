#!/usr/bin/env bash
# Tideline's developer entry point.
#   bash scripts/dev.sh run    install what is missing, build, open the app on the sample incident
#   bash scripts/dev.sh test   install what is missing, then run the whole test suite:
#                              formatting, clippy, Rust unit + integration tests, the UI's
#                              type check and unit tests, and the desktop e2e tests (Xvfb)
# Works on a fresh Debian 12 / Ubuntu 22.04+ machine; uses sudo for apt when not root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_PACKAGES=(build-essential pkg-config curl file libssl-dev libxdo-dev librsvg2-dev
  libayatana-appindicator3-dev libwebkit2gtk-4.1-dev webkit2gtk-driver xvfb xauth)

setup() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  if ! command -v cargo >/dev/null; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
      export PATH="$HOME/.cargo/bin:$PATH"
    else
      say "installing the Rust toolchain (rustup)"
      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
      export PATH="$HOME/.cargo/bin:$PATH"
    fi
  fi
  # Vite needs Node >= 20.19; Debian 12's nodejs is 18. Fetch a newer Node from the npm
  # registry (the `node` package) into .tools when the system one is too old.
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a==20&&b>=19)?0:1)'; then
    if [ ! -x "$ROOT/.tools/node_modules/.bin/node" ]; then
      say "system Node $(node --version) is too old for Vite; installing Node 20 into .tools"
      npm install --prefix "$ROOT/.tools" --no-save node@20 >/dev/null
    fi
    export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
  fi
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "installing the UI's npm packages"
    (cd ui && npm ci --no-audit --no-fund)
  fi
}

build_app() {
  say "building the UI"
  (cd ui && npm run build)
  say "building the desktop app"
  cargo build -p tideline-desktop
}

run() {
  setup
  build_app
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "No display: the app needs a desktop session (or run it under xvfb-run)." >&2
    exit 1
  fi
  say "opening Tideline on the sample incident"
  exec "${CARGO_TARGET_DIR:-$ROOT/target}/debug/tideline-desktop"
}

run_tests() {
  setup
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver 2.1.0"
    cargo install tauri-driver --version 2.1.0 --locked
  fi
  export PATH="$HOME/.cargo/bin:$PATH"

  say "formatting (cargo fmt --check)"
  cargo fmt --all -- --check
  cargo fmt --manifest-path e2e/Cargo.toml -- --check
  say "UI: type check and unit tests"
  (cd ui && npm run typecheck && npm test)
  build_app
  say "lints (cargo clippy -D warnings)"
  cargo clippy --workspace --all-targets -- -D warnings
  cargo clippy --manifest-path e2e/Cargo.toml --all-targets -- -D warnings
  say "Rust unit and integration tests"
  cargo test --workspace
  say "desktop end-to-end tests (real app, tauri-driver, Xvfb)"
  cargo test --manifest-path e2e/Cargo.toml --no-run
  rm -rf e2e-artifacts
  (
    unset WEBKIT_DISABLE_DMABUF_RENDERER WEBKIT_DISABLE_COMPOSITING_MODE
    export APP_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/tideline-desktop" E2E_ARTIFACTS="$ROOT/e2e-artifacts"
    timeout 900 xvfb-run -a -s "-screen 0 1440x900x24" \
      cargo test --manifest-path e2e/Cargo.toml -- --ignored --test-threads=1 --nocapture
  )
  say "all tests passed; e2e screenshots are in e2e-artifacts/"
}

case "${1:-}" in
  run) run ;;
  test) run_tests ;;
  *) echo "usage: bash scripts/dev.sh run|test" >&2; exit 2 ;;
esac
