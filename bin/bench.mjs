#!/usr/bin/env node
// `npm run bench -- [suite ...] [--config tiny|small|full] [--provider cpu|webgpu|...] [--repeats N]`
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/index.ts');
process.exitCode = await main(process.argv.slice(2));
