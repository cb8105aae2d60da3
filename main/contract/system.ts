/** system.*: what this machine and onnxruntime-node offer. */
import { z } from 'zod';
import { EmptyRequest } from './limits';
import type { ProviderName } from './vocabulary';

export interface ProviderStatus {
  name: ProviderName;
  /** Shipped in this onnxruntime-node build for this platform. */
  bundled: boolean;
  /** A session could actually be created with it on this machine. */
  available: boolean;
  /** Why it is or is not usable, in words a user can act on. */
  reason: string;
  /** The device it runs on, where known (e.g. "NVIDIA 10de:2335", "CPU"). */
  adapter?: string;
  /**
   * It works, but on a software renderer (a CPU emulating a GPU: lavapipe, SwiftShader, WARP):
   * slower than the CPU provider itself, so 'auto' never picks it.
   */
  software?: boolean;
}

/** Which providers work here and which one 'auto' picks, with why. */
export interface ProviderReport {
  providers: ProviderStatus[];
  chosen: ProviderName;
  chosenReason: string;
}

export interface SystemInfo {
  app: { name: string; version: string };
  platform: { os: string; arch: string; release: string; cpus: number; totalMemoryBytes: number };
  runtime: { node: string; electron: string | null; mode: 'electron' | 'serve' | 'cli' };
  onnxruntime: { version: string } & ProviderReport;
  paths: { dataDir: string; modelsDir: string };
}

export const systemMethods = {
  'system.ping': { request: EmptyRequest },
  'system.info': { request: z.object({ refresh: z.boolean().optional() }).strict() },
} as const;

export interface SystemResponses {
  'system.ping': { pong: true; time: number };
  'system.info': SystemInfo;
}

export interface SystemEvents {
  'system.log': { level: 'info' | 'warn' | 'error'; message: string; time: number };
}
