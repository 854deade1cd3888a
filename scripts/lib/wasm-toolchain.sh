# Sourced by the scripts that build Rust to wasm32 (build-contracts.sh, build-bench-wasm.sh).
#
# ensure_wasm_toolchain TOOLCHAIN WHAT [TARGET]: makes sure rustup has TOOLCHAIN with TARGET
# (default wasm32-unknown-unknown), installing what is missing; exits with a message naming
# WHAT (what is being built) when rustup itself is missing.
ensure_wasm_toolchain() {
  local toolchain="$1" what="$2" target="${3:-wasm32-unknown-unknown}"
  if ! command -v rustup >/dev/null 2>&1; then
    echo "error: rustup not found; $what need toolchain $toolchain with target $target" >&2
    exit 1
  fi
  if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
    echo "installing toolchain $toolchain" >&2
    rustup toolchain install "$toolchain" --profile minimal
  fi
  if ! rustup target list --installed --toolchain "$toolchain" | grep -qx "$target"; then
    echo "installing target $target for $toolchain" >&2
    rustup target add --toolchain "$toolchain" "$target"
  fi
}
