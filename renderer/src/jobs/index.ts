export { JobsStore, MAX_STEP_PREVIEWS, type JobView, type JobsState } from './store';
