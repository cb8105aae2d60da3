/** The engine for a server's kind. */
import { GlimmerEngine, type GlimmerEngineOptions } from './glimmer-engine';
import { OpenAiEngine } from './openai-engine';
import type { RemoteEngine, ServerConfig } from './types';

export function createEngine(config: ServerConfig, options: GlimmerEngineOptions): RemoteEngine {
  return config.kind === 'glimmer' ? new GlimmerEngine(config, options) : new OpenAiEngine(config, options);
}
