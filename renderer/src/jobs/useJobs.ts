import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../api/client';
import { useCapabilities } from '../api/hooks';
import { jobsStore } from './session';
import type { JobsState } from './store';

export { jobsStore };
let connected: (() => void) | null = null;
let users = 0;

/** The queue, live; connects to the API while any component uses it (once jobs.list exists). */
export function useJobs(): JobsState & { available: boolean | undefined } {
  const caps = useCapabilities();
  const available = caps ? caps.has('jobs.list') : undefined;
  useEffect(() => {
    if (!available) return;
    users += 1;
    if (!connected) connected = jobsStore.connect(api);
    return () => {
      users -= 1;
      if (users === 0 && connected) {
        connected();
        connected = null;
      }
    };
  }, [available]);
  const state = useSyncExternalStore(jobsStore.subscribe, jobsStore.getState);
  return { ...state, available };
}
