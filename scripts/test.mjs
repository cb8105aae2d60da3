// Runs the test suites with node's test runner: `node scripts/test.mjs [unit] [integration] [parity] [e2e]`
// (all by default). Builds the renderer first when e2e runs. Ends with one plain line
// `N passed, N failed, N skipped` counted from the runner's own TAP output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['unit', 'integration', 'parity', 'e2e'];
const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = suites.length > 0 ? suites : ALL;
for (const s of chosen) {
  if (!ALL.includes(s)) {
    console.error(`unknown suite "${s}" (have: ${ALL.join(', ')})`);
    process.exit(2);
  }
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures' && name !== 'helpers') out.push(...findTests(full));
    } else if (name.endsWith('.test.ts') || name.endsWith('.test.mjs')) out.push(full);
  }
  return out;
}

const files = chosen.flatMap((s) => findTests(path.join(root, 'test', s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

if (chosen.includes('e2e') && process.env.GLIMMER_SKIP_BUILD !== '1') {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--renderer-only'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('renderer build failed');
    process.exit(1);
  }
}

// the execution providers this machine has, probed once for every test file (test/helpers/providers.ts);
// the probe runs in its own process so no test process holds a WebGPU device it did not ask for
let providerReport = process.env.GLIMMER_PROVIDER_REPORT;
if (!providerReport) {
  const probe = spawnSync(process.execPath, [path.join(root, 'bin', 'glimmer.mjs'), 'info', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (probe.status === 0) {
    providerReport = probe.stdout;
    const report = JSON.parse(probe.stdout);
    const line = report.providers.filter((p) => p.name === 'cpu' || p.name === 'webgpu').map((p) => `${p.name} ${p.available ? 'available' : `unavailable (${p.reason})`}`);
    console.log(`providers for the tests: ${line.join('; ')}`);
  }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-test-'));
const tap = path.join(tmp, 'report.tap');
const run = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files.map((f) => path.relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, GLIMMER_TEST: '1', ...(providerReport ? { GLIMMER_PROVIDER_REPORT: providerReport } : {}) } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(tap)) {
  const text = readFileSync(tap, 'utf8');
  const grab = (key) => {
    const m = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  passed = grab('pass');
  failed = grab('fail') + grab('cancelled');
  skipped = grab('skipped') + grab('todo');
}
rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
