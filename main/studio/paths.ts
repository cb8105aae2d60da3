/**
 * Where Glimmer Studio keeps its data (library, images, settings) and models. The same folders are
 * used by the Electron app, `serve` and the CLI, so work done in one shows in the others.
 * GLIMMER_DATA_DIR and GLIMMER_MODELS_DIR override them (tests and portable installs).
 */
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Glimmer Studio';
export const APP_ID = 'studio.glimmer.app';

export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'glimmer-studio');
}

export interface AppPaths {
  /** Library database, images, thumbnails, trash, settings. */
  dataDir: string;
  /** Compiled models (ONNX + manifest) and downloaded checkpoints. */
  modelsDir: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): AppPaths {
  const dataDir = path.resolve(env.GLIMMER_DATA_DIR && env.GLIMMER_DATA_DIR.length > 0 ? env.GLIMMER_DATA_DIR : defaultDataDir());
  const modelsDir = path.resolve(
    env.GLIMMER_MODELS_DIR && env.GLIMMER_MODELS_DIR.length > 0 ? env.GLIMMER_MODELS_DIR : path.join(dataDir, 'models'),
  );
  return { dataDir, modelsDir };
}
