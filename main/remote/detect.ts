/**
 * Which kind of server a URL is, asked of the server itself: a Glimmer server answers
 * /api/call/system.ping in its own envelope (even when it refuses the key); an OpenAI-style image
 * server answers GET /v1/models with a model list. For adding a server without choosing its kind,
 * and for `glimmer generate --engine URL`.
 */
import type { ServerKind } from '../contract';
import { CALL_LIMITS } from './engine-options';
import { RemoteError } from './errors';
import { httpRequest, type HttpLimits } from './http-request';
import { MODELS_PATH, parseModelsAnswer } from './openai-wire';
import { authHeaders, endpoint, serverBase } from './server-url';

export async function detectKind(url: string, key: string | undefined, signal?: AbortSignal, limits: HttpLimits = CALL_LIMITS, ca?: string): Promise<ServerKind> {
  const base = serverBase(url);
  const label = `The server at ${base.origin}`;
  const common = { signal, limits, label, ...(ca ? { ca } : {}) };
  const ping = await httpRequest({
    url: endpoint(base, 'api/call/system.ping'),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders({ key }) },
    body: Buffer.from('{}'),
    ...common,
  });
  try {
    const j = JSON.parse(ping.body.toString('utf8')) as { ok?: unknown; error?: { code?: unknown } };
    if (j.ok === true || (j.ok === false && typeof j.error?.code === 'string')) return 'glimmer';
  } catch {
    // not ours
  }
  const models = await httpRequest({ url: endpoint(base, MODELS_PATH), method: 'GET', headers: authHeaders({ key }), ...common });
  if (models.status === 200 && parseModelsAnswer(models.body)) return 'openai';
  if (models.status === 401 || models.status === 403) return 'openai';
  throw new RemoteError('bad_answer', `${label} is neither a Glimmer server nor an OpenAI-style image server (it answered /api/call with HTTP ${ping.status} and /${MODELS_PATH} with HTTP ${models.status}).`, {
    code: 'bad_request',
  });
}
