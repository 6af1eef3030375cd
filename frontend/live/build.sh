#!/usr/bin/env bash
# Builds the live bundles into the site (`target/site/pkg`), after `cargo leptos build`:
# wasm32 with the size profile, wasm-bindgen (ES module, its comment lines dropped), wasm-opt
# -Oz, names carrying the content hash (so that browsers keep them for a year), and
# `live.txt`, where the server finds the names. Two bundles: `live` for every live page,
# `desk` (feature `desk`: presence and reply templates) for officials' pages, so that a
# citizen's page carries none of that.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=target/site/pkg
work=target/live-bundle
hash() { sha256sum "$1" | cut -c1-16; }
rm -rf "$work" && mkdir -p "$work" "$pkg"
: > "$work/live.txt"

# bundle NAME KEY_PREFIX [CARGO FEATURES…]
bundle() {
  local name=$1 prefix=$2
  shift 2
  cargo build -p live --lib --target wasm32-unknown-unknown --profile wasm-release "$@"
  wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name "$name" \
    target/wasm32-unknown-unknown/wasm-release/live.wasm
  # The glue's whole-line comments (the cast intrinsics' descriptions) are bytes every phone
  # downloads for nothing.
  sed -i -E '/^[[:space:]]*\/\/ /d' "$work/$name.js"
  wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$work/${name}_bg.wasm" -o "$work/${name}_bg.wasm"
  local js="$name.$(hash "$work/$name.js").js" wasm="${name}_bg.$(hash "$work/${name}_bg.wasm").wasm"
  rm -f "$pkg/$name".*.js* "$pkg/${name}_bg".*.wasm*
  cp "$work/$name.js" "$pkg/$js"
  cp "$work/${name}_bg.wasm" "$pkg/$wasm"
  printf '%sjs=%s\n%swasm=%s\n' "$prefix" "$js" "$prefix" "$wasm" >> "$work/live.txt"
  printf '%s bundle: %s (%s bytes), %s (%s bytes)\n' "$name" "$js" "$(stat -c %s "$pkg/$js")" "$wasm" "$(stat -c %s "$pkg/$wasm")"
}

bundle live ""
bundle desk "desk_" --features desk
cp "$work/live.txt" "$pkg/live.txt"
