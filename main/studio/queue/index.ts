/** The persisted job queue of the engine (main/engine/queue). */
export { JobQueue, type JobQueueOptions } from './queue';
export type { QueueStore, JobRecordUpdate } from './store';
