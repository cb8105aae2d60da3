/** system.*: what this machine and onnxruntime-node offer. */
import { z } from 'zod';
import { EmptyRequest } from './limits';
import type { ProviderName } from './vocabulary';

/** A device a provider can run on, as the operating system names it. */
export interface AdapterInfo {
  /** "NVIDIA", "AMD", "Intel", "Apple", "Mesa", ... */
  vendor: string;
  /** Product name where the system tells it ("GeForce RTX 4090", "Apple M2 Pro", "lavapipe ..."). */
  name?: string;
  /** Chip or family where the system tells it ("AD102", "Navi 31", "Metal 3"). */
  architecture?: string;
  /** Kernel or OS driver ("nvidia", "amdgpu", a Windows driver version). */
  driver?: string;
  /** PCI vendor:device ids. */
  ids?: string;
  /** A CPU emulating a GPU (lavapipe, SwiftShader, WARP). */
  software: boolean;
  /** Why it is taken to be what it is, where not obvious. */
  note?: string;
}

export interface ProviderStatus {
  name: ProviderName;
  /** Shipped in this onnxruntime-node build for this platform. */
  bundled: boolean;
  /** A session could actually be created with it on this machine. */
  available: boolean;
  /** Why it is or is not usable, in words a user can act on. */
  reason: string;
  /** The device it runs on, where known, in one line (e.g. "NVIDIA GeForce RTX 4090 (AD102, driver nvidia)"). */
  adapter?: string;
  /** The devices it can run on, where the system names them. */
  devices?: AdapterInfo[];
  /** Self-checks of how it runs our graphs here that found something (e.g. a kernel wrong on this adapter). */
  checks?: string[];
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
  /** The app's File → Open… chose an image (Electron): the window handles it like a dropped file. */
  'app.openFile': { name: string; dataBase64: string };
}
