/**
 * For the studio's end-to-end tests: the API of a running `serve` called directly (to check what
 * the UI did, never to do it in its place), and which methods it offers.
 */
import type { TestContext } from 'node:test';
import { methods as contractMethods } from '../../main/contract';
import type { ServeProcess } from './serve';

export interface StudioApi {
  call<T = unknown>(method: string, request?: unknown): Promise<T>;
  has(method: string): boolean;
  methods: Set<string>;
}

export async function studioApi(serve: ServeProcess): Promise<StudioApi> {
  const token = new URL(serve.openUrl).searchParams.get('token') ?? '';
  const call = async <T>(method: string, request: unknown = {}): Promise<T> => {
    const res = await fetch(`${serve.origin}/api/call/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
    return body.value as T;
  };
  // every contract method has a handler by type (system.capabilities is gone); the server answering proves it is up
  await call('system.ping');
  const methods = new Set<string>(Object.keys(contractMethods));
  return { call, has: (m) => methods.has(m), methods };
}

/** The first method of `needed` that this build does not offer, as a skip reason; null when all are there. */
export function missingReason(api: StudioApi | undefined, needed: string[]): string | null {
  if (!api) return 'the studio server did not start';
  const missing = needed.filter((m) => !api.has(m));
  return missing.length > 0 ? `not landed yet: ${missing.join(', ')}` : null;
}

/**
 * Skips the rest of a test, with the reason printed, when `blocked` is set (no Chromium, no
 * checkpoint) or a method it needs has not landed; true when the test may go on.
 */
export function needsMethods(t: TestContext, api: StudioApi | undefined, methods: string[], blocked: string | null): boolean {
  const why = blocked ?? missingReason(api, methods);
  if (why) {
    console.log(`# skipping "${t.name}": ${why}`);
    t.skip(why);
    return false;
  }
  return true;
}
