/** system.*: what this machine and onnxruntime-node offer. */
import os from 'node:os';
import type { SystemInfo, systemMethods } from '../../contract';
import type { Handlers, MethodsOf } from '../router';
import type { AppContext } from '../../studio/context';

export function systemHandlers(ctx: AppContext): Handlers<MethodsOf<typeof systemMethods>> {
  return {
    'system.ping': () => ({ pong: true, time: Date.now() }),
    'system.info': async (request): Promise<SystemInfo> => {
      return {
        app: { name: ctx.appName, version: ctx.appVersion },
        platform: {
          os: process.platform,
          arch: process.arch,
          release: os.release(),
          cpus: os.cpus().length,
          totalMemoryBytes: os.totalmem(),
        },
        runtime: { node: process.versions.node, electron: process.versions.electron ?? null, mode: ctx.mode },
        onnxruntime: await ctx.engine.host.runtime(request.refresh === true),
        paths: { dataDir: ctx.paths.dataDir, modelsDir: ctx.paths.modelsDir },
      };
    },
  };
}
