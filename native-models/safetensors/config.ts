import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { NativeModelError } from '../errors';

/**
 * A component's config.json (or the JSON file itself when given a .json path), with a clear error
 * naming the file when it is missing or not valid JSON.
 */
export function readConfig<T>(componentDir: string): T {
  const file =
    componentDir.endsWith('.json') && !(existsSync(componentDir) && statSync(componentDir).isDirectory())
      ? componentDir
      : path.join(componentDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new NativeModelError('model_missing', `The model configuration ${file} is missing. Download or import the model again.`, {
      file,
    });
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    return json as T;
  } catch (e) {
    throw new NativeModelError(
      'model_corrupt',
      `The model configuration ${file} is not valid JSON (${(e as Error).message}). Download or import the model again.`,
      { file },
    );
  }
}
