/**
 * How much memory the GPU has, where the system tells: onnxruntime-node's providers do not report
 * it, so the Models screen compares tier estimates with this, or with a size the user enters.
 *   NVIDIA   `nvidia-smi --query-gpu=name,memory.total` (driver tool, present with the driver)
 *   AMD      /sys/class/drm/card<N>/device/mem_info_vram_total (Linux amdgpu)
 *   Apple    unified memory: the GPU may use about 75% of it (the macOS default wired limit)
 * Otherwise unknown (null).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface DeviceMemory {
  /** Bytes of the largest GPU found; null: not known here. */
  memoryBytes: number | null;
  name: string | null;
  /** Where the figure came from, or why there is none. */
  source: string;
}

/** nvidia-smi's CSV (name, MiB per line) → the largest GPU. */
export function parseNvidiaSmi(csv: string): DeviceMemory | null {
  let best: DeviceMemory | null = null;
  for (const line of csv.split('\n')) {
    const m = /^(.*),\s*(\d+)\s*$/.exec(line.trim());
    if (!m) continue;
    const bytes = Number(m[2]) * 2 ** 20;
    if (!best || bytes > best.memoryBytes!) best = { memoryBytes: bytes, name: m[1]!.trim(), source: 'nvidia-smi' };
  }
  return best;
}

/** The largest amdgpu VRAM under a /sys/class/drm-like folder. */
export function readAmdVram(drmRoot = '/sys/class/drm'): DeviceMemory | null {
  let best: DeviceMemory | null = null;
  let entries: string[];
  try {
    entries = readdirSync(drmRoot).filter((e) => /^card\d+$/.test(e));
  } catch {
    return null;
  }
  for (const e of entries) {
    try {
      const bytes = Number(readFileSync(path.join(drmRoot, e, 'device', 'mem_info_vram_total'), 'utf8').trim());
      if (Number.isFinite(bytes) && bytes > 0 && (!best || bytes > best.memoryBytes!)) best = { memoryBytes: bytes, name: `AMD GPU (${e})`, source: 'amdgpu sysfs' };
    } catch {
      // not an amdgpu card
    }
  }
  return best;
}

function nvidiaSmi(timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], { timeout: timeoutMs }, (err, stdout) => resolve(err ? null : stdout));
  });
}

let cached: Promise<DeviceMemory> | null = null;

/** The GPU memory of this machine (looked up once per process). */
export function detectDeviceMemory(timeoutMs = 3000): Promise<DeviceMemory> {
  cached ??= (async () => {
    const nv = await nvidiaSmi(timeoutMs);
    const fromNv = nv ? parseNvidiaSmi(nv) : null;
    if (fromNv) return fromNv;
    if (process.platform === 'linux') {
      const amd = readAmdVram();
      if (amd) return amd;
    }
    if (process.platform === 'darwin' && os.arch() === 'arm64') {
      return { memoryBytes: Math.floor(0.75 * os.totalmem()), name: 'Apple silicon (unified memory)', source: '75% of the unified memory' };
    }
    return { memoryBytes: null, name: null, source: 'this system does not report GPU memory (no nvidia-smi, no amdgpu sysfs): enter it by hand' };
  })();
  return cached;
}
