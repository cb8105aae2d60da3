/**
 * Which execution providers this machine can use, which one we pick, and why, in words a user can
 * read. Each provider shipped for this platform is probed by creating a real session on a one-op
 * model, so "available" means a session really started here. The WebGPU adapter is named from what
 * the system says about its GPUs (gpu-devices.ts; onnxruntime-node does not say which adapter it
 * took), and a working GPU provider's fused attention is self-checked (attention-check.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { ProviderName, ProviderReport, ProviderStatus } from '../contract';
import { checkPrefillAttention, SAFE_CHUNK } from './attention-check';
import { adapterLabel, describeAdapters } from './gpu-devices';
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
    if (name === 'cpu') {
      const cpus = os.cpus();
      status.adapter = cpus.length > 0 ? `${cpus[0]!.model.trim()} (${cpus.length} threads)` : 'CPU';
    }
    if (name === 'webgpu' && result.ok) {
      const devices = await describeAdapters(platform);
      if (devices !== null && devices.length > 0) {
        status.devices = devices;
        status.adapter = devices.map(adapterLabel).join('; ');
        if (devices.every((d) => d.software)) {
          status.software = true;
          const why = devices.find((d) => d.note)?.note;
          status.reason = `${status.reason}, but the WebGPU adapter is a software renderer${why ? ` (${why})` : ''}, slower than the CPU provider`;
        }
      }
    }
    if (result.ok && name !== 'cpu') status.checks = await attentionChecks(name);
    providers.push(status);
  }
  return { providers, ...choose(providers) };
}

/** What the fused-attention self-check found on a GPU provider, in words (empty: all right). */
async function attentionChecks(name: ProviderName): Promise<string[]> {
  try {
    const check = await checkPrefillAttention(name);
    const out: string[] = [];
    if (!check.ok) {
      out.push(
        `GroupQueryAttention over 32 or more queries is wrong on this adapter (error ${check.maxError.toExponential(1)} in a self-check): the AR feeds its prompt ${SAFE_CHUNK} tokens at a time, which gives the right result`,
      );
    }
    if (!check.mha.ok) {
      out.push(
        `MultiHeadAttention over 32 or more queries is off on this adapter (error ${check.mha.maxError.toExponential(1)} in a self-check): the DiT, the glyph encoder and the ViT may differ slightly from the reference here`,
      );
    }
    return out;
  } catch (err) {
    return [`the attention self-check could not run (${firstLine(err)})`];
  }
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
      const on = status.adapter ? ` on ${status.adapter}` : '';
      return { chosen: name, chosenReason: `${name}${on} is the most capable provider that works here${because}` };
    }
    if (status?.bundled) skipped.push(`${name}: ${status.reason}`);
  }
  return { chosen: 'cpu', chosenReason: 'no provider could start a session; trying CPU' };
}
