#!/usr/bin/env bash
# Builds the live bundle into the site (`target/site/pkg`), after `cargo leptos build`:
# wasm32 with the size profile, wasm-bindgen (ES module), wasm-opt -Oz, names carrying the
# content hash (so that browsers keep them for a year), and `live.txt`, where the server finds
# the names.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=target/site/pkg
work=target/live-bundle
cargo build -p live --lib --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$work" && mkdir -p "$work" "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name live \
  target/wasm32-unknown-unknown/wasm-release/live.wasm
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$work/live_bg.wasm" -o "$work/live_bg.wasm"
hash() { sha256sum "$1" | cut -c1-16; }
js="live.$(hash "$work/live.js").js"
wasm="live_bg.$(hash "$work/live_bg.wasm").wasm"
rm -f "$pkg"/live.*.js* "$pkg"/live_bg.*.wasm*
cp "$work/live.js" "$pkg/$js"
cp "$work/live_bg.wasm" "$pkg/$wasm"
printf 'js=%s\nwasm=%s\n' "$js" "$wasm" > "$pkg/live.txt"
printf 'live bundle: %s (%s bytes), %s (%s bytes)\n' "$js" "$(stat -c %s "$pkg/$js")" "$wasm" "$(stat -c %s "$pkg/$wasm")"
