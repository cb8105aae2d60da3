/**
 * What the Electron window may ask over IPC beyond the contract's schemas (plain Node, no Electron:
 * ipc.ts applies it, tests drive it with scripted dialogs). The renderer is the least trusted part
 * of the app; a compromised page must not be able to name files and folders, or a download server:
 *   - a path argument (an import file, an export folder, a model folder) is used only when it came
 *     from the main process: a folder or file the user chose in a main-process dialog, or a path
 *     the main process itself listed (models, the HF cache, compile sources, the model setting).
 *     Any other path is put to the user in a main-process dialog (use it / choose another / cancel).
 *   - models.download.start takes no hub address from the page: the hub is a setting of the main
 *     process (HF_ENDPOINT, else huggingface.co).
 * `glimmer serve` keeps path arguments and the hub address, behind its access token.
 */
import path from 'node:path';
import { GlimmerError, type Method } from '../contract';
import { resolveHub } from '../models';

export type PathPurpose = 'import-file' | 'export-folder' | 'model-folder';

/** The request field of each method that names a local path, and what it is for. */
export const PATH_FIELDS: Partial<Record<Method, { field: string; purpose: PathPurpose }>> = {
  'library.import': { field: 'path', purpose: 'import-file' },
  'library.export': { field: 'folder', purpose: 'export-folder' },
  'models.validate': { field: 'path', purpose: 'model-folder' },
  'models.import': { field: 'path', purpose: 'model-folder' },
  'models.compile.start': { field: 'path', purpose: 'model-folder' },
  'models.tiers': { field: 'path', purpose: 'model-folder' },
  'settings.update': { field: 'modelDir', purpose: 'model-folder' },
};

/** Responses whose paths the main process produced itself (they may be sent back as arguments). */
const LISTING_METHODS = new Set<Method>([
  'models.list',
  'models.find',
  'models.import',
  'models.compile.list',
  'models.compile.start',
  'models.download.list',
  'models.download.start',
  'settings.get',
  'settings.update',
]);
const PATH_KEYS = new Set(['path', 'dir', 'source', 'modelDir', 'modelsDir', 'hfCacheDir']);

export interface PathDialogs {
  /**
   * A path the page sent that the main process did not produce: ask the user, in a main-process
   * dialog, whether to use it or choose another. Resolves with the path to use, or null (cancelled).
   */
  confirm(purpose: PathPurpose, requested: string): Promise<string | null>;
}

export class IpcPolicy {
  private readonly granted = new Set<string>();

  constructor(
    private readonly dialogs: PathDialogs,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** A path the user chose in a main-process dialog (or the main process listed). */
  grant(p: string): void {
    this.granted.add(path.resolve(p));
  }

  isGranted(p: string): boolean {
    return this.granted.has(path.resolve(p));
  }

  /** The request to route: as sent, or with its path replaced by the one the user chose. Throws when refused. */
  async check(method: unknown, request: unknown): Promise<unknown> {
    if (typeof method !== 'string' || request === null || typeof request !== 'object' || Array.isArray(request)) return request;
    const fields = request as Record<string, unknown>;
    if (method === 'models.download.start' && fields.endpoint !== undefined) {
      const hub = resolveHub({}, this.env).endpoint;
      if (typeof fields.endpoint !== 'string' || fields.endpoint.replace(/\/+$/, '') !== hub) {
        throw new GlimmerError(
          'forbidden',
          `In the app, models are downloaded from ${hub}; a mirror is set with the HF_ENDPOINT environment variable, not from the page.`,
        );
      }
    }
    const spec = PATH_FIELDS[method as Method];
    const value = spec ? fields[spec.field] : undefined;
    if (!spec || typeof value !== 'string' || value.length === 0 || this.isGranted(value)) return request;
    const chosen = await this.dialogs.confirm(spec.purpose, value);
    if (chosen === null) throw new GlimmerError('cancelled', 'Cancelled: the folder or file was not confirmed.');
    this.grant(chosen);
    return { ...fields, [spec.field]: chosen };
  }

  /** Paths in a listing's response were produced by the main process: they may come back as arguments. */
  record(method: unknown, response: unknown): void {
    if (typeof method !== 'string' || !LISTING_METHODS.has(method as Method)) return;
    const walk = (value: unknown, depth: number): void => {
      if (depth > 6 || value === null || typeof value !== 'object') return;
      if (Array.isArray(value)) {
        for (const v of value.slice(0, 10_000)) walk(v, depth + 1);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (PATH_KEYS.has(k) && typeof v === 'string' && path.isAbsolute(v)) this.grant(v);
        else walk(v, depth + 1);
      }
    };
    walk(response, 0);
  }
}
