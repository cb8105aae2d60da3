/**
 * The contract layer: the one typed API of Glimmer Studio and the words every layer shares. Plain
 * TypeScript + zod, no Node built-ins and nothing else of ours, so main, preload and renderer all
 * import it. The transports (Electron IPC, serve's HTTP + WebSocket) carry exactly these messages.
 *
 *   vocabulary  providers, modes, precisions, compute precisions, tiers, memory profiles, phases, themes
 *   tiers       what each memory tier is (preset, compute, profile, VAE tiling) and its estimate's shape
 *   errors      the error codes, shape and GlimmerError
 *   system, jobs, library, models, remote, workspace   each concern's shapes, request schemas, responses and events
 *   methods, events, api            the merged method map, event map and bus, the call envelope
 *   recipe      the one Recipe schema;  quotes  the quote rule;  format  bytes and durations
 *   language    the UI languages and the rule that picks one
 *   png-recipe  the recipe a PNG carries (ours or A1111 parameters), read browser-safe and bounded
 *   text-check  the text check's result (quoted strings read back from an image) and best-of-N ranking
 *   ipc         Electron channel names (the only value preload imports);  limits
 */
export * from './vocabulary';
export * from './tiers';
export * from './limits';
export * from './text';
export * from './errors';
export * from './system';
export * from './jobs';
export * from './library';
export * from './models';
export * from './remote';
export * from './workspace';
export * from './methods';
export * from './events';
export * from './api';
export * from './recipe';
export * from './quotes';
export * from './text-check';
export * from './format';
export * from './language';
export * from './png-recipe';
export * from './ipc';
