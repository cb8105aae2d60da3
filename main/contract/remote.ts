/**
 * servers.*: remote engines, the other machines a job can run on, and what each can take.
 *
 *   openai   an OpenAI-compatible image server: vLLM-Omni (`vllm serve zai-org/GLM-Image --omni`) or
 *            SGLang-Diffusion (`sglang serve --model-path zai-org/GLM-Image`). It takes a prompt, a size,
 *            reference images, a seed, the steps and the guidance; nothing else of ours.
 *   glimmer  another Glimmer Studio's `glimmer serve`: our own API, every mode, exact progress.
 *
 * A job runs on "This computer" (the local engine), on one server, or on a pool: every server that
 * carries the pool's name (all of one kind) takes the pool's jobs in turn. Keys are write-only: what
 * the renderer reads back says whether a key is set, never the key.
 */
import { z } from 'zod';
import { EmptyRequest } from './limits';

export const ServerKind = z.enum(['openai', 'glimmer']);
export type ServerKind = z.infer<typeof ServerKind>;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A name a user reads (server, pool): one line of plain text. */
export const ServerName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/** http(s)://host[:port][/path], no user name or password in it (the key has its own field). */
export const ServerUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .superRefine((s, ctx) => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a URL (write it like http://gpu-box:8091)' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must start with http:// or https://' });
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password; put the key in the key field' });
    if (u.search || u.hash) ctx.addIssue({ code: 'custom', message: 'must not carry a query or a #fragment' });
  });

/** A server's API key or access token (sent as a Bearer header). */
export const ServerKey = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => /^[\x21-\x7e]+$/.test(s), 'must be printable characters without spaces');

/** A CA certificate (PEM) to trust for a server with its own certificate (self-signed HTTPS). */
export const ServerCa = z
  .string()
  .max(64 * 1024)
  .refine((s) => s.includes('-----BEGIN CERTIFICATE-----'), 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)');

export const ServerId = z.string().regex(/^srv-[a-z0-9]{6,40}$/, 'is not a server id');

/** Where a job runs. Absent on a request: this computer. */
export const JobTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('local') }).strict(),
  z.object({ type: z.literal('server'), id: ServerId }).strict(),
  z.object({ type: z.literal('pool'), name: ServerName }).strict(),
]);
export type JobTarget = z.infer<typeof JobTarget>;

export const LOCAL_TARGET: JobTarget = { type: 'local' };

/**
 * What a target cannot take from a request:
 *   mask         masked edits (OpenAI-style servers take whole-image edits only)
 *   priorTokens  "vary details": the AR tokens of an earlier image (they have no way in)
 *   arSeed       our seed of the AR sampling: the server seeds its own noise, not the AR stage, so
 *                the image cannot be made again exactly
 *   progress     exact progress and previews: only an estimate from the server's past jobs
 */
export const TargetLimit = z.enum(['mask', 'priorTokens', 'arSeed', 'progress']);
export type TargetLimit = z.infer<typeof TargetLimit>;

/** Limits that change what the image is: a job with one of them is refused, not run without it. */
export const BLOCKING_LIMITS: readonly TargetLimit[] = ['mask', 'priorTokens'];

/** The parts of a request the limits depend on (a GenerateRequest fits). */
export interface LimitedRequest {
  mode: string;
  mask?: unknown;
  reuseTokensOf?: string | undefined;
  priorTokens?: unknown;
}

/** What a target of this kind cannot take from this request (empty: it takes all of it). */
export function targetLimits(kind: ServerKind | 'local', request: LimitedRequest): TargetLimit[] {
  if (kind !== 'openai') return [];
  const out: TargetLimit[] = [];
  if (request.mode === 'edit' && request.mask !== undefined) out.push('mask');
  if (request.reuseTokensOf !== undefined || request.priorTokens !== undefined) out.push('priorTokens');
  out.push('arSeed', 'progress');
  return out;
}

/** What testing a server found: what it is, whether it answers, which model it serves. */
export interface ServerTest {
  ok: boolean;
  kind: ServerKind;
  /** "vLLM-Omni", "SGLang-Diffusion", "an OpenAI-compatible image server", "Glimmer Studio 0.1.0". */
  product: string | null;
  model: string | null;
  /** Time to the answer (ms). */
  latencyMs: number | null;
  /** One sentence a user can act on. */
  message: string;
  testedAt: number;
}

/** A server as the renderer sees it. */
export interface ServerInfo {
  id: string;
  name: string;
  url: string;
  kind: ServerKind;
  /** The pool it takes jobs for, or null. */
  pool: string | null;
  /** A key is stored (the key itself never leaves the main process). */
  keySet: boolean;
  /** A CA certificate of its own is trusted for it. */
  caSet: boolean;
  lastTest: ServerTest | null;
  /** Skipped by its pool until then after a failure (ms since epoch), or null. */
  failingUntil: number | null;
  lastError: string | null;
  /** Jobs it finished (for the ETA of OpenAI-style servers). */
  jobsDone: number;
}

export interface PoolInfo {
  name: string;
  kind: ServerKind;
  servers: string[];
}

const serverFields = {
  name: ServerName,
  url: ServerUrl,
  kind: ServerKind,
  pool: ServerName.nullable().optional(),
};

export const remoteMethods = {
  'servers.list': { request: EmptyRequest },
  'servers.add': { request: z.object({ ...serverFields, key: ServerKey.optional(), ca: ServerCa.optional() }).strict() },
  'servers.update': {
    request: z
      .object({
        id: ServerId,
        name: serverFields.name.optional(),
        url: serverFields.url.optional(),
        kind: serverFields.kind.optional(),
        pool: serverFields.pool,
        /** A new key, or null to remove the stored one; absent keeps it. */
        key: ServerKey.nullable().optional(),
        /** A CA certificate, or null to trust only the system's; absent keeps it. */
        ca: ServerCa.nullable().optional(),
      })
      .strict(),
  },
  'servers.remove': { request: z.object({ id: ServerId }).strict() },
  /** Test a saved server (id), or one being typed in (url, kind, key) before it is added. */
  'servers.test': {
    request: z.union([
      z.object({ id: ServerId }).strict(),
      z.object({ url: ServerUrl, kind: ServerKind.optional(), key: ServerKey.optional(), ca: ServerCa.optional() }).strict(),
    ]),
  },
} as const;

export interface RemoteResponses {
  'servers.list': { servers: ServerInfo[]; pools: PoolInfo[] };
  'servers.add': { server: ServerInfo };
  'servers.update': { server: ServerInfo };
  'servers.remove': { removed: true };
  'servers.test': ServerTest;
}

export interface RemoteEvents {
  'servers.changed': { servers: ServerInfo[]; pools: PoolInfo[] };
}
