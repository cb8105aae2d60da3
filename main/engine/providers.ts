/**
 * Which execution providers this machine can use, which one we pick, and why, in words a user can
 * read. Each provider shipped for this platform is probed by creating a real session on a one-op
 * model, so "available" means a session really started here.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ProviderName, ProviderReport, ProviderStatus } from '../contract';
import { listGpuDevices } from './gpu-devices';
import { createSession, ort } from './session';
import { probeModelBytes } from './probe-model';

/** Most capable first. */
export const PROVIDER_PREFERENCE: ProviderName[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

function bundledFor(name: ProviderName, platform: NodeJS.Platform, arch: string): { bundled: boolean; why: string } {
  switch (name) {
    case 'cpu':
      return { bundled: true, why: 'always shipped' };
    case 'webgpu':
      return { bundled: true, why: 'shipped with onnxruntime-node on every platform' };
    case 'dml':
      return platform === 'win32'
        ? { bundled: true, why: 'shipped on Windows' }
        : { bundled: false, why: 'DirectML exists only on Windows' };
    case 'coreml':
      return platform === 'darwin'
        ? { bundled: true, why: 'shipped on macOS' }
        : { bundled: false, why: 'CoreML exists only on macOS' };
    case 'cuda': {
      if (platform !== 'linux' || arch !== 'x64') return { bundled: false, why: 'CUDA builds of onnxruntime-node exist for Linux x64 only' };
      const dir = ortBinaryDir();
      const present = dir !== null && existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
      return present
        ? { bundled: true, why: 'CUDA provider libraries installed' }
        : {
            bundled: false,
            why: 'CUDA provider libraries are not installed: run `node node_modules/onnxruntime-node/script/install.js` with internet access (needs an NVIDIA driver and CUDA 12)',
          };
    }
  }
}

function ortBinaryDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const adapter = /Failed to get a WebGPU adapter[^.\n]*/.exec(text);
  if (adapter) return `${adapter[0]} (no GPU or no Vulkan/Metal/D3D12 driver found)`;
  const lib = /Failed to load (?:shared )?library[^\n]*/.exec(text);
  if (lib) return lib[0].slice(0, 200);
  return text.split('\n')[0].slice(0, 200);
}

async function probe(name: ProviderName): Promise<{ ok: boolean; why: string }> {
  try {
    const session = await createSession(probeModelBytes(), { provider: name });
    try {
      const x = new ort.Tensor('float32', new Float32Array([1, 2]), [2]);
      await session.run({ x });
    } finally {
      await session.release();
    }
    return { ok: true, why: 'a test session ran' };
  } catch (err) {
    return { ok: false, why: firstLine(err) };
  }
}

let cached: Promise<ProviderReport> | null = null;

/** Probe once per process (refresh re-probes). */
export function detectProviders(refresh = false): Promise<ProviderReport> {
  if (!cached || refresh) cached = detect(process.platform, process.arch);
  return cached;
}

async function detect(platform: NodeJS.Platform, arch: string): Promise<ProviderReport> {
  const providers: ProviderStatus[] = [];
  for (const name of PROVIDER_PREFERENCE) {
    const shipped = bundledFor(name, platform, arch);
    if (!shipped.bundled) {
      providers.push({ name, bundled: false, available: false, reason: shipped.why });
      continue;
    }
    const result = await probe(name);
    const status: ProviderStatus = { name, bundled: true, available: result.ok, reason: result.ok ? `${shipped.why}; ${result.why}` : result.why };
    if (name === 'cpu') status.adapter = 'CPU';
    if (name === 'webgpu' && result.ok) {
      const gpus = listGpuDevices();
      if (gpus !== null && gpus.length === 0) {
        status.software = true;
        status.adapter = 'software renderer';
        status.reason = `${status.reason}, but this machine has no GPU (none on the PCI bus): the WebGPU adapter is a software renderer, slower than the CPU provider`;
      } else if (gpus !== null) {
        status.adapter = gpus.map((g) => `${g.vendor} ${g.vendorId.replace(/^0x/, '')}:${g.deviceId.replace(/^0x/, '')}`).join(', ');
      }
    }
    providers.push(status);
  }
  return { providers, ...choose(providers) };
}

/** Where a forced provider came from, as the reason says it: "in Settings", "with --provider". */
export type ProviderSource = 'settings' | 'cli';
const FROM: Record<ProviderSource, string> = { settings: 'in Settings', cli: 'with --provider' };

/** The most capable available provider, or the user's forced one when it works (the reason says where it was chosen). */
export function choose(providers: ProviderStatus[], forced?: ProviderName, source: ProviderSource = 'settings'): { chosen: ProviderName; chosenReason: string } {
  if (forced) {
    const status = providers.find((p) => p.name === forced);
    if (status?.available) return { chosen: forced, chosenReason: `${forced} was chosen ${FROM[source]}` };
    const fallback = choose(providers);
    return {
      chosen: fallback.chosen,
      chosenReason: `${forced} was chosen ${FROM[source]} but cannot run here (${status?.reason ?? 'unknown provider'}); using ${fallback.chosen} instead`,
    };
  }
  const skipped: string[] = [];
  for (const name of PROVIDER_PREFERENCE) {
    const status = providers.find((p) => p.name === name);
    if (status?.available && status.software) {
      skipped.push(`${name}: a software renderer, slower than the CPU`);
      continue;
    }
    if (status?.available) {
      const because = skipped.length > 0 ? ` (not available: ${skipped.join('; ')})` : '';
      return { chosen: name, chosenReason: `${name} is the most capable provider that works here${because}` };
    }
    if (status?.bundled) skipped.push(`${name}: ${status.reason}`);
  }
  return { chosen: 'cpu', chosenReason: 'no provider could start a session; trying CPU' };
}
