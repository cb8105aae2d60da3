/** The engine in a worker thread of the main process, and its message protocol. */
export { EngineHost, type EngineHostOptions, type HostGenerateOptions, type PendingTextCheck } from './engine-host';
export type { CheckImage, HostImage, HostStatus } from './protocol';
