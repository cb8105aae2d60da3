// Starts the engine worker from the TypeScript sources (development, tests, the CLI): registers tsx
// in this thread, then loads worker.ts. The packaged app starts the bundled engine-worker.cjs instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
