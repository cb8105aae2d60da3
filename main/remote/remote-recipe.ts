/**
 * The recipe of an image made on another server. It names the server (name, URL, kind, what it is,
 * its model) and what of the request it could not take, and keeps our local links (parent, reused
 * tokens) rather than the server's. An OpenAI-style server returns no recipe: ours records what was
 * sent. A Glimmer server's own recipe is kept whole (AR tokens included, so "vary details" works here).
 */
import { createHash } from 'node:crypto';
import { type GenerateRequest, GlimmerError, RECIPE_VERSION, type Recipe, StoredRecipe, type TargetLimit } from '../contract';
import type { ServerConfig } from './types';

export type RemoteRecipeInfo = NonNullable<Recipe['remote']>;

export function remoteInfo(config: ServerConfig, product: string | null, model: string | null, notTaken: TargetLimit[]): RemoteRecipeInfo {
  return { server: config.name.slice(0, 200), url: config.url.slice(0, 2000), kind: config.kind, product: product?.slice(0, 200) ?? null, model: model?.slice(0, 200) ?? null, notTaken };
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** What an OpenAI-style server was asked for, as a recipe. */
export function openAiRecipe(a: {
  app: string;
  request: GenerateRequest;
  width: number;
  height: number;
  seed: number;
  references: Uint8Array[];
  elapsedMs: number;
  remote: RemoteRecipeInfo;
}): StoredRecipe {
  const model = a.remote.model ?? 'unknown';
  return StoredRecipe.parse({
    version: RECIPE_VERSION,
    app: a.app,
    mode: a.request.mode,
    prompt: a.request.prompt,
    model,
    modelName: model,
    provider: 'remote',
    width: a.width,
    height: a.height,
    steps: a.request.steps,
    guidance: a.request.guidance,
    seed: a.seed,
    ...(a.references.length > 0 ? { references: a.references.map(sha256) } : {}),
    ...(a.request.parentId ? { parentId: a.request.parentId } : {}),
    timings: { remote: a.elapsedMs },
    remote: a.remote,
  });
}

/** A Glimmer server's recipe, with the server named and our own links in place of its. */
export function glimmerRecipe(theirs: unknown, request: GenerateRequest, remote: RemoteRecipeInfo, label: string): StoredRecipe {
  const parsed = StoredRecipe.safeParse(theirs);
  if (!parsed.success) throw new GlimmerError('bad_image', `${label} sent an image without a valid recipe; nothing was kept.`);
  const { parentId: _theirParent, reuseTokensOf: _theirReuse, remote: _theirRemote, ...rest } = parsed.data;
  return StoredRecipe.parse({
    ...rest,
    ...(request.parentId ? { parentId: request.parentId } : {}),
    ...(request.reuseTokensOf ? { reuseTokensOf: request.reuseTokensOf, tokensFrom: 'reused' } : {}),
    remote,
  });
}
