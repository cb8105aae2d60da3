/** The persisted job queue of the engine (main/engine/queue). */
export { JobQueue, type JobQueueOptions } from './queue';
export { MemoryQueueStore, type QueueStore, type JobRecordUpdate } from './store';
