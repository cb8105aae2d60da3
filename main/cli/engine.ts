/** The engine as the CLI commands run it: --provider parsed, the engine thread started and stopped, Ctrl+C cancels. */
import path from 'node:path';
import { GlimmerError, ProviderChoice, ProviderName } from '../contract';
import { EngineHost } from '../engine/host';
import type { EngineSettings } from '../engine/pipeline';
import { resolvePaths } from '../studio/paths';
import { t } from './i18n';

/** --provider: auto (default) or one of the providers. */
export function providerArg(value: string | undefined): ProviderChoice {
  const parsed = ProviderChoice.safeParse(value ?? 'auto');
  if (!parsed.success) throw new GlimmerError('bad_request', t('generate.badProvider', { list: ProviderName.options.join(', '), value }));
  return parsed.data;
}

/** Runs `fn` with an engine host over these settings; SIGINT aborts its signal; the engine thread is stopped after. */
export async function withEngine<T>(settings: EngineSettings, fn: (engine: EngineHost, signal: AbortSignal) => Promise<T>): Promise<T> {
  const engine = new EngineHost({
    app: 'Glimmer Studio CLI',
    settings: () => settings,
    compileCacheDir: path.join(resolvePaths().modelsDir, 'compiled'),
    log: (m) => console.error(m),
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await fn(engine, controller.signal);
  } finally {
    process.removeListener('SIGINT', stop);
    await engine.dispose();
  }
}
