/** system.*: what this machine and onnxruntime-node offer. */
import os from 'node:os';
import type { SystemInfo } from '../contract';
import type { HandlerMap } from '../router';
import { detectProviders } from '../../engine/providers';
import { onnxruntimeVersion } from '../../engine/session';
import type { AppContext } from '../../context';

export function systemHandlers(ctx: AppContext): HandlerMap {
  return {
    'system.ping': () => ({ pong: true, time: Date.now() }),
    'system.info': async (request): Promise<SystemInfo> => {
      const report = await detectProviders(request.refresh === true);
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
        onnxruntime: { version: onnxruntimeVersion, ...report },
        paths: { dataDir: ctx.paths.dataDir, modelsDir: ctx.paths.modelsDir },
      };
    },
  };
}
