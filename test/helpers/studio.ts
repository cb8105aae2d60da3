/**
 * For the studio's end-to-end tests: the API of a running `serve` called directly (to check what
 * the UI did, never to do it in its place).
 */
import type { TestContext } from 'node:test';
import type { ServeProcess } from './serve';

export interface StudioApi {
  call<T = unknown>(method: string, request?: unknown): Promise<T>;
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
  return { call };
}

/**
 * Skips the rest of a test, with the reason printed, when the machine cannot run it (`blocked`: no
 * Chromium, no fixture checkpoint); true when the test may go on. A missing API method is never a
 * reason to skip: every method has a handler, or the build does not compile.
 */
export function canRun(t: TestContext, blocked: string | null): boolean {
  if (blocked) {
    console.log(`# skipping "${t.name}": ${blocked}`);
    t.skip(blocked);
    return false;
  }
  return true;
}
