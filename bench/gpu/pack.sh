#!/bin/sh
# Packs what `npm run bench` needs on a GPU machine without Node.js or network (../shared/GPU.md's
# recipe, self-contained in one ignored folder .bench-gpu plus .gl): Node (xz: gzip would not leave room
# under the 64 MiB a device run carries), onnxruntime-node (CPU + WebGPU), sharp, the fixture's
# tokenizer/processor/scheduler files, sharp and better-sqlite3, the benchmark bundled into one CommonJS file, and, when
# DIFFUSERS_REPO names a diffusers git checkout, diffusers v0.39.0's src/ for the PyTorch reference.
# Carry [".gl", ".bench-gpu"] and run bench/gpu/run.sh there. Prints the carried total at the end.
#   DIFFUSERS_REPO=/path/to/diffusers sh bench/gpu/pack.sh
set -eu
cd "$(git rev-parse --show-toplevel)"
for p in /.gl/ /.bench-gpu/; do grep -qxF "$p" .git/info/exclude 2>/dev/null || echo "$p" >> .git/info/exclude; done
mkdir -p .gl .bench-gpu
[ -s .bench-gpu/node.xz ] || nice xz -6 -T2 -c "$(readlink -f "$(command -v node)")" > .bench-gpu/node.xz
[ -s .bench-gpu/ort.tgz ] || tar czf .bench-gpu/ort.tgz -C node_modules --exclude='*/napi-v6/win32' \
  --exclude='*/napi-v6/darwin' --exclude='*/napi-v6/linux/arm64' onnxruntime-node onnxruntime-common
if [ -n "${DIFFUSERS_REPO:-}" ] && [ ! -s .bench-gpu/diffusers.tgz ]; then
  git -C "$DIFFUSERS_REPO" archive --format=tar.gz -o "$PWD/.bench-gpu/diffusers.tgz" v0.39.0 src/diffusers
fi
# native modules the pipeline suite loads: sharp (PNG encoding, linux-x64 natives) and better-sqlite3
# (the library module that writes the PNG recipe metadata imports it), with their JS dependencies
tar czf .bench-gpu/natives.tgz -C node_modules sharp @img/sharp-linux-x64 @img/sharp-libvips-linux-x64 @img/colour detect-libc semver \
  better-sqlite3/package.json better-sqlite3/lib better-sqlite3/build/Release/better_sqlite3.node bindings file-uri-to-path
rm -f .bench-gpu/sharp.tgz
# the fixture files every bench checkpoint shares (no weights: the GPU runs use --config small/full)
fx="${GLIMMER_FIXTURES:-../shared/fixtures/glm-image-tiny}"
tar czf .bench-gpu/fixtures.tgz -C "$fx" checkpoint/model_index.json checkpoint/processor checkpoint/tokenizer \
  checkpoint/scheduler checkpoint/vision_language_encoder/generation_config.json
if ! ls .gl/*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  apt-get $o update >/dev/null && (cd .gl && apt-get $o download libvulkan1)
fi
# one CommonJS file (NODE_PATH resolves the externals there); import.meta.url defined for the bundle
printf "import { main } from '../bench/index';\nmain(process.argv.slice(2)).then((c) => { process.exitCode = c; });\n" > .bench-gpu/entry.ts
npx esbuild .bench-gpu/entry.ts --bundle --platform=node --format=cjs --target=node20 \
  --external:onnxruntime-node --external:sharp --external:better-sqlite3 --external:playwright --external:playwright-core \
  --external:electron --define:import.meta.url=__bench_url \
  --banner:js="const __bench_url = require('url').pathToFileURL(__filename).href;" \
  --log-level=warning --outfile=.bench-gpu/bench.cjs
rm .bench-gpu/entry.ts
du -cb .gl .bench-gpu | tail -1 | awk '{ printf "carried: %.1f MiB of 64\n", $1 / 1048576 }'
