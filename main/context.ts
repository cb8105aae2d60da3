/**
 * The app's services, made once per process and shared by every transport (Electron IPC, `serve`,
 * the CLI). Plain Node: no Electron import here.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from './api/events';
import { allHandlers } from './api/handlers';
import type { MediaRoots } from './api/media';
import { createRouter, type Router } from './api/router';
import { APP_NAME, type AppPaths, resolvePaths } from './config/paths';

export interface AppContext {
  appName: string;
  appVersion: string;
  mode: 'electron' | 'serve' | 'cli';
  paths: AppPaths;
  events: EventBus;
  mediaRoots: MediaRoots;
  log(message: string): void;
  /** Cleanups run by dispose(), last registered first. */
  onDispose(fn: () => void | Promise<void>): void;
}

export interface App {
  ctx: AppContext;
  router: Router;
  dispose(): Promise<void>;
}

function packageVersion(): string {
  try {
    const here = path.dirname(fileURLToPath(import.meta.url));
    for (const candidate of [path.join(here, '..', 'package.json'), path.join(here, '..', '..', 'package.json')]) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'glimmer-studio' && pkg.version) return pkg.version;
      } catch {
        // try the next
      }
    }
  } catch {
    // bundled: import.meta.url may be unavailable
  }
  return process.env.GLIMMER_VERSION ?? '0.0.0';
}

export interface CreateAppOptions {
  mode: AppContext['mode'];
  paths?: AppPaths;
  log?: (message: string) => void;
}

export function createApp(options: CreateAppOptions): App {
  const paths = options.paths ?? resolvePaths();
  mkdirSync(paths.dataDir, { recursive: true });
  mkdirSync(paths.modelsDir, { recursive: true });
  const disposers: Array<() => void | Promise<void>> = [];
  const log = options.log ?? ((message: string) => console.error(message));
  const ctx: AppContext = {
    appName: APP_NAME,
    appVersion: packageVersion(),
    mode: options.mode,
    paths,
    events: new EventBus(),
    mediaRoots: {
      images: path.join(paths.dataDir, 'images'),
      thumbs: path.join(paths.dataDir, 'thumbs'),
    },
    log,
    onDispose: (fn) => disposers.push(fn),
  };
  const router = createRouter(allHandlers(ctx), log);
  return {
    ctx,
    router,
    async dispose() {
      for (const fn of disposers.reverse()) {
        try {
          await fn();
        } catch (err) {
          log(`[app] cleanup failed: ${String(err)}`);
        }
      }
    },
  };
}
