/** The one jobs store of this window (plain TS; useJobs connects it to the API). */
import { JobsStore } from './store';

export const jobsStore = new JobsStore();
