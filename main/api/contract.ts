/**
 * The one API contract of Glimmer Studio: every method's request schema (validated before a handler
 * sees it) and response type, every event, and the error shape. main, preload and renderer import
 * this file; the transports (Electron IPC, `serve` HTTP + WebSocket) carry exactly these messages.
 *
 * Sections are delimited by concern; each concern's handlers live in main/api/handlers/<concern>.ts.
 */
import { z } from 'zod';
import type { ErrorShape } from './errors';

export type { ErrorShape, ErrorCode } from './errors';

/** Limits every transport enforces before parsing. */
export const LIMITS = {
  /** Largest request body in bytes (a few reference images as base64 fit). */
  maxRequestBytes: 64 * 1024 * 1024,
  maxPromptChars: 20_000,
} as const;

const empty = z.object({}).strict();

// ───────────────────────────── system ─────────────────────────────

export const ProviderName = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
export type ProviderName = z.infer<typeof ProviderName>;

export interface ProviderStatus {
  name: ProviderName;
  /** Shipped in this onnxruntime-node build for this platform. */
  bundled: boolean;
  /** A session could actually be created with it on this machine. */
  available: boolean;
  /** Why it is or is not usable, in words a user can act on. */
  reason: string;
}

export interface SystemInfo {
  app: { name: string; version: string };
  platform: { os: string; arch: string; release: string; cpus: number; totalMemoryBytes: number };
  runtime: { node: string; electron: string | null; mode: 'electron' | 'serve' | 'cli' };
  onnxruntime: { version: string; providers: ProviderStatus[]; chosen: ProviderName; chosenReason: string };
  paths: { dataDir: string; modelsDir: string };
}

// ───────────────────────────── methods ─────────────────────────────

export const methods = {
  // system
  'system.ping': { request: empty },
  'system.info': { request: z.object({ refresh: z.boolean().optional() }).strict() },
  'system.capabilities': { request: empty },
  // @section library (main/api/handlers/library.ts)
  // @end library
  // @section models (main/api/handlers/models.ts)
  // @end models
  // @section engine (main/api/handlers/engine.ts)
  // @end engine
} as const;

/** Response types by method (the handler's return type must match). */
export interface Responses {
  'system.ping': { pong: true; time: number };
  'system.info': SystemInfo;
  /** Which methods this build serves, so screens whose feature has not landed say so. */
  'system.capabilities': { methods: string[] };
  // @section library-responses
  // @end library-responses
  // @section models-responses
  // @end models-responses
  // @section engine-responses
  // @end engine-responses
}

export type Method = keyof typeof methods & keyof Responses;
export type RequestOf<M extends Method> = z.input<(typeof methods)[M]['request']>;
export type ParsedRequestOf<M extends Method> = z.output<(typeof methods)[M]['request']>;
export type ResponseOf<M extends Method> = Responses[M];

export const methodNames = Object.keys(methods) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

// ───────────────────────────── events ─────────────────────────────

/** Events pushed from main to every connected renderer. */
export interface Events {
  'system.log': { level: 'info' | 'warn' | 'error'; message: string; time: number };
  // @section library-events
  // @end library-events
  // @section models-events
  // @end models-events
  // @section engine-events
  // @end engine-events
}
export type EventName = keyof Events;
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}

// ───────────────────────────── envelope ─────────────────────────────

/** What every call resolves to on every transport: never a thrown error across the boundary. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

/** The surface the renderer sees (window.glimmer in Electron; the HTTP client in `serve`). */
export interface GlimmerApi {
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<CallResult<ResponseOf<M>>>;
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** IPC channel names (Electron). */
export const IPC = { call: 'glimmer:call', event: 'glimmer:event' } as const;
