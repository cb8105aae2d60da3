/** models.*: list, find in the HF cache, validate, import, download (pause/cancel) and compile, with progress events. */
import type { AppContext } from '../../studio/context';
import type { modelsMethods } from '../../contract';
import {
  detectDeviceMemory,
  estimateTiers,
  displayNameFor,
  findInHfCache,
  hubCacheDir,
  importCheckpoint,
  listModels,
  removeModel,
  validateCheckpoint,
} from '../../models';
import type { Handlers, MethodsOf } from '../router';

export function modelsHandlers(ctx: AppContext): Handlers<MethodsOf<typeof modelsMethods>> {
  const modelsDir = ctx.paths.modelsDir;
  const { downloads, compiles } = ctx.models;

  return {
    'models.list': async () => ({
      // a folder a compile writes into is listed as compiling: the compile job is its one truth meanwhile
      models: await listModels({ modelsDir, busy: (dir) => compiles.isBusy(dir) }),
      downloads: downloads.list(),
      modelsDir,
      hfCacheDir: hubCacheDir(),
    }),
    'models.find': async () => ({
      hfCacheDir: hubCacheDir(),
      checkpoints: (await findInHfCache()).map(({ dir, repo, revision, refs, report }) => ({ dir, repo, revision, refs, report })),
    }),
    'models.validate': async (request) => ({ report: await validateCheckpoint(request.path) }),
    'models.import': async (request, call) => {
      const model = await importCheckpoint(request.path, {
        modelsDir,
        mode: request.mode,
        ...(request.name ? { name: request.name } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      });
      // with no model chosen yet, the one just imported is the one to use
      const selected = ctx.engine.settings.get().modelDir === null;
      if (selected) await ctx.engine.settings.update({ modelDir: model.path });
      return { model, selected };
    },
    'models.download.start': (request) => ({
      download: downloads.start({
        ...(request.repo ? { repo: request.repo } : {}),
        ...(request.revision ? { revision: request.revision } : {}),
        ...(request.endpoint ? { endpoint: request.endpoint } : {}),
        ...(request.token ? { token: request.token } : {}),
      }),
    }),
    'models.download.pause': async (request) => ({ download: await downloads.pause(request.id) }),
    'models.download.cancel': async (request) => ({ download: await downloads.cancel(request.id) }),
    'models.download.list': () => ({ downloads: downloads.list() }),
    'models.compile.start': async (request) => {
      const name = await displayNameFor(request.path, { modelsDir }).catch(() => undefined);
      return { compile: await compiles.start({ source: request.path, precision: request.precision, compute: request.compute, ...(name ? { name } : {}) }) };
    },
    'models.compile.cancel': async (request) => ({ compile: await compiles.cancel(request.id) }),
    'models.compile.list': () => ({ compiles: compiles.list() }),
    'models.tiers': async (request) => ({
      estimates: await estimateTiers(request.path, { width: request.width, height: request.height, imageToImage: request.imageToImage }),
      device: await detectDeviceMemory(),
    }),
    'models.remove': (request) => removeModel(modelsDir, request.id, (dir) => downloads.isBusy(dir) || compiles.isBusy(dir)),
  };
}
