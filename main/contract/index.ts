/**
 * The contract layer: the one typed API of Glimmer Studio and the words every layer shares. Plain
 * TypeScript + zod, no Node built-ins and nothing else of ours, so main, preload and renderer all
 * import it. The transports (Electron IPC, serve's HTTP + WebSocket) carry exactly these messages.
 *
 *   vocabulary  providers, modes, precisions, memory profiles, phases, themes
 *   errors      the error codes, shape and GlimmerError
 *   system, jobs, library, models   each concern's shapes, request schemas, responses and events
 *   methods, events, api            the merged method map, event map and bus, the call envelope
 *   recipe      the one Recipe schema;  quotes  the quote rule;  format  bytes and durations
 *   text-check  the text check's result (quoted strings read back from an image) and best-of-N ranking
 *   ipc         Electron channel names (the only value preload imports);  limits
 */
export * from './vocabulary';
export * from './limits';
export * from './errors';
export * from './system';
export * from './jobs';
export * from './library';
export * from './models';
export * from './methods';
export * from './events';
export * from './api';
export * from './recipe';
export * from './quotes';
export * from './text-check';
export * from './format';
export * from './ipc';
