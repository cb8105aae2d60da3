#!/bin/sh
# On the GPU machine (device `run` with carry [".gl", ".bench-gpu"], made by bench/gpu/pack.sh):
# unpack Node, onnxruntime-node, sharp + better-sqlite3, libvulkan and diffusers, then run the bundled benchmark with
# the given arguments, e.g.
#   sh bench/gpu/run.sh dit --config full --provider webgpu --precision fp16 --reference
# Random checkpoints are generated under $GLIMMER_BENCH_MODELS (default /tmp/bench-models: the
# machine keeps nothing between leases). Results are copied to $OUT/results.
set -eu
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
mkdir -p /tmp/n /tmp/nm /tmp/fx
if [ ! -x /tmp/n/node ]; then
  if command -v xz >/dev/null; then xz -dc .bench-gpu/node.xz > /tmp/n/node
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' .bench-gpu/node.xz /tmp/n/node; fi
  chmod +x /tmp/n/node
fi
[ -d /tmp/nm/onnxruntime-node ] || tar xzf .bench-gpu/ort.tgz -C /tmp/nm
[ -d /tmp/nm/sharp ] || tar xzf .bench-gpu/natives.tgz -C /tmp/nm
[ -d /tmp/fx/checkpoint ] || tar xzf .bench-gpu/fixtures.tgz -C /tmp/fx
export NODE_PATH=/tmp/nm PATH=/tmp/n:$PATH GLIMMER_FIXTURES=/tmp/fx
export GLIMMER_BENCH_MODELS="${GLIMMER_BENCH_MODELS:-/tmp/bench-models}"
# the PyTorch reference needs diffusers 0.39 (not installed there): its source, sent along
if [ -s .bench-gpu/diffusers.tgz ]; then
  mkdir -p /tmp/dfz && [ -d /tmp/dfz/src/diffusers ] || tar xzf .bench-gpu/diffusers.tgz -C /tmp/dfz
  export PYTHONPATH=/tmp/dfz/src${PYTHONPATH:+:$PYTHONPATH}
fi
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader || true
status=0
node .bench-gpu/bench.cjs "$@" || status=$?
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT/results" && cp bench/results/*.json "$OUT/results/" 2>/dev/null || true; fi
exit $status
