#!/usr/bin/env node
// `glimmer` command line: runs the TypeScript sources through tsx (installed with the app).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
