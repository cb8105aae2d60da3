/** The engine in a worker thread of the main process, and its message protocol. */
export { EngineHost, type EngineHostOptions, type HostGenerateOptions } from './engine-host';
export type { HostImage, HostStatus } from './protocol';
