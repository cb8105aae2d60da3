/**
 * The app's services, made once per process and shared by every transport (Electron IPC, `serve`,
 * the CLI). Plain Node: no Electron import here.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../contract';
import { APP_NAME, type AppPaths, resolvePaths } from './paths';
import { EngineServices } from './engine-services';
import { type Library, openLibrary } from '../library';
import { CompileJobs, DownloadJobs } from '../models';
import { WorkspaceStore } from './workspace';

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
  /** The library, opened on first use and shared by every service (one connection, one open). */
  library(): Promise<Library>;
  /** Engine services: settings, the engine (model, provider, sessions), the job queue. */
  engine: EngineServices;
  /** Model downloads and compiles, with their progress events. */
  models: { downloads: DownloadJobs; compiles: CompileJobs };
  /**
   * Start-up work of the studio (not the CLI): the job queue resumed, files a crash left between
   * write and commit collected. Resolves when done, never rejects (problems go to the log).
   */
  started: Promise<void>;
  /** The generate and canvas drafts and the prompt presets (workspace.json). */
  workspace: WorkspaceStore;
  /** Stops the running job, closes the library, runs every cleanup (last registered first). */
  dispose(): Promise<void>;
}

/** The folders served as media, by name: { images: '<data>/images', thumbs: '<data>/thumbs' } (glimmer-media://<name>/..., /media/<name>/...). */
export type MediaRoots = Record<string, string>;

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

export interface CreateContextOptions {
  mode: AppContext['mode'];
  paths?: AppPaths;
  log?: (message: string) => void;
}

export function createContext(options: CreateContextOptions): AppContext {
  const paths = options.paths ?? resolvePaths();
  mkdirSync(paths.dataDir, { recursive: true });
  mkdirSync(paths.modelsDir, { recursive: true });
  const disposers: Array<() => void | Promise<void>> = [];
  const log = options.log ?? ((message: string) => console.error(message));
  let libraryPromise: Promise<Library> | null = null;
  const library = (): Promise<Library> => {
    if (!libraryPromise) {
      libraryPromise = openLibrary(paths.dataDir);
      libraryPromise.catch(() => (libraryPromise = null));
    }
    return libraryPromise;
  };
  const events = new EventBus();
  const appVersion = packageVersion();
  const engine = new EngineServices({
    appName: APP_NAME,
    appVersion,
    dataDir: paths.dataDir,
    modelsDir: paths.modelsDir,
    events,
    log,
    library,
  });
  disposers.push(async () => {
    if (libraryPromise) (await libraryPromise.catch(() => null))?.close();
  });
  disposers.push(() => engine.dispose());
  const downloads = new DownloadJobs({ modelsDir: paths.modelsDir });
  downloads.subscribe((download, kind) => events.emit(kind === 'progress' ? 'models.download.progress' : 'models.download.updated', { download }));
  disposers.push(() => downloads.pauseAll());
  const compiles = new CompileJobs({ modelsDir: paths.modelsDir, app: `${APP_NAME} ${appVersion}` });
  compiles.subscribe((compile, kind) => events.emit(kind === 'progress' ? 'models.compile.progress' : 'models.compile.updated', { compile }));
  disposers.push(() => compiles.cancelAll());
  const ctx: AppContext = {
    appName: APP_NAME,
    appVersion,
    mode: options.mode,
    paths,
    events,
    mediaRoots: {
      images: path.join(paths.dataDir, 'images'),
      thumbs: path.join(paths.dataDir, 'thumbs'),
    },
    log,
    onDispose: (fn) => disposers.push(fn),
    library,
    engine,
    models: { downloads, compiles },
    started: Promise.resolve(),
    workspace: new WorkspaceStore(paths.dataDir, log),
    async dispose() {
      await ctx.started;
      for (const fn of disposers.reverse()) {
        try {
          await fn();
        } catch (err) {
          log(`[app] cleanup failed: ${String(err)}`);
        }
      }
    },
  };
  if (options.mode !== 'cli') ctx.started = startUp(ctx);
  return ctx;
}

/**
 * The studio at launch: the queue resumes (jobs left running are marked interrupted, waiting ones
 * run) and image files no row refers to (a crash between file write and commit) are collected.
 * A library that cannot be opened is logged and left for the user to see on their first request.
 */
async function startUp(ctx: AppContext): Promise<void> {
  try {
    await ctx.engine.queue();
    const removed = await (await ctx.library()).gcOrphanFiles();
    if (removed > 0) ctx.log(`[library] removed ${removed} image file(s) a crash had left without a row`);
  } catch (err) {
    ctx.log(`[app] start-up: ${err instanceof Error ? err.message : String(err)}`);
  }
}
