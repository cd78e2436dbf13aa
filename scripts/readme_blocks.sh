#!/usr/bin/env bash
# Runs the README's copy-paste blocks: each fenced block after a `<!-- run: NAME -->` line
# runs with `bash -euo pipefail` from the repository's root, with HOME in a temporary
# directory; its output (stdout and stderr) must contain the lines of the block after
# `<!-- expect: NAME -->`, in that order. A block after `<!-- file: PATH -->` must be the
# text of that file. Prints one line per block; fails if any block fails.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/readme
rm -rf "$dir" && mkdir -p "$dir"
# Split the README into target/readme/<kind>-<name> files.
awk -v dir="$dir" '
  /^<!-- (run|expect|file): .* -->$/ { kind = $2; sub(/:$/, "", kind); name = $3; want = 1; next }
  want && /^```/ { want = 0; inside = 1; gsub(/\//, "%", name); out = dir "/" kind "-" name; printf "" > out; next }
  inside && /^```$/ { inside = 0; close(out); next }
  inside { print > out }
' README.md
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_home=${CARGO_HOME:-$HOME/.cargo}
status=0
for f in "$dir"/file-*; do
  path=$(basename "$f" | sed 's/^file-//; s/%/\//g')
  if cmp -s "$f" "$path"; then echo "README block file $path: the same text as the file"
  else echo "README block file $path: DIFFERS from the file:"; diff "$f" "$path" || true; status=1; fi
done
for f in "$dir"/run-*; do
  name=${f##*/run-}
  home=$(mktemp -d)
  # (cargo and rustup keep finding their homes.)
  if HOME="$home" RUSTUP_HOME="$rustup_home" CARGO_HOME="$cargo_home" \
     bash -euo pipefail "$f" > "$dir/out-$name" 2>&1; then
    # Every expected line, in order.
    if awk 'NR == FNR { want[++n] = $0; next } i < n && $0 == want[i + 1] { i++ } END { exit i < n }' \
         "$dir/expect-$name" "$dir/out-$name"; then
      echo "README block $name: ran, $(wc -l < "$dir/expect-$name") expected lines found"
    else
      echo "README block $name: FAILED: expected lines not found in its output:"
      cat "$dir/out-$name"; status=1
    fi
  else
    echo "README block $name: FAILED (exit status):"; cat "$dir/out-$name"; status=1
  fi
  rm -rf "$home"
done
[ -n "$(ls "$dir"/run-* 2>/dev/null)" ] || { echo "no README blocks found"; status=1; }
exit $status
