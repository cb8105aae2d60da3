import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../api/client';
import { jobsStore } from './session';
import type { JobsState } from './store';

export { jobsStore };
let connected: (() => void) | null = null;
let users = 0;

/** The queue, live; connects to the API while any component uses it. */
export function useJobs(): JobsState {
  useEffect(() => {
    users += 1;
    if (!connected) connected = jobsStore.connect(api);
    return () => {
      users -= 1;
      if (users === 0 && connected) {
        connected();
        connected = null;
      }
    };
  }, []);
  return useSyncExternalStore(jobsStore.subscribe, jobsStore.getState);
}
