#!/usr/bin/env bash
# Runs every test of Kyoyu on a fresh Debian machine: installs what the tests need
# (Debian packages, the Python oracles from PyPI), then checks formatting and lints,
# builds, and runs the unit, API and end-to-end suites against the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# --- System packages (Debian) -------------------------------------------------------
# curl and openssl drive the HTTPS and mutual-TLS tests; python3-venv holds the OASIS
# oracles; rabbitmq-server is the broker the fan-out tests publish to and consume from;
# chromium and chromium-driver run the console tests (fonts-ipafont-gothic draws the
# Japanese pages in their screenshots).
missing=()
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -d /usr/share/fonts/opentype/ipafont-gothic ] || missing+=(fonts-ipafont-gothic)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then missing+=(python3-venv); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# --- RabbitMQ (Debian's package; started here, since containers run no init) ----------
export PATH="$PATH:/usr/sbin"
if ! rabbitmqctl -q await_startup --timeout 2 >/dev/null 2>&1; then
  say "starting RabbitMQ"
  as_root service rabbitmq-server start >/dev/null 2>&1 || as_root rabbitmq-server -detached
  rabbitmqctl -q await_startup --timeout 120
fi
export TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:5672"

# --- Headless Chromium for the console tests (tests/src/browser.rs) -------------------
export CHROMEDRIVER=/usr/bin/chromedriver
export CHROME_BIN=/usr/bin/chromium

# --- Python oracles: taxii2-client and the OASIS stix2-validator ---------------------
say "python oracles (tests/python/requirements.txt)"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
export KYOYU_PYTHON="$PWD/.venv/bin/python"

# --- Rust ----------------------------------------------------------------------------
say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "cargo build (the end-to-end tests run this binary)"
cargo build --workspace --locked
export KYOYU_BIN="$PWD/target/debug/kyoyu"

say "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
cargo test --workspace --doc --locked --quiet

# The full suite runs last, so its summary closes the output.
say "tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  # Without nextest's test groups, the broker tests must not run side by side.
  cargo test --workspace --locked --no-fail-fast -- --test-threads=1
fi
