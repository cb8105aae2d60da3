/**
 * The execution providers a test runs on: GLIMMER_TEST_PROVIDERS (comma-separated, e.g. "cpu,webgpu"),
 * or by default every provider that answers here among cpu and webgpu (WebGPU on a real GPU, or on
 * Mesa's lavapipe: ../shared/SETUP-NOTES.md). A provider asked for that cannot run is reported with
 * its reason, so a test skips it saying why instead of silently passing.
 *
 * The probe runs in a child process (`glimmer info --json`): a WebGPU session made in the test's own
 * thread and another in an engine worker thread would be two threads using WebGPU, which Dawn does
 * not survive. scripts/test.mjs probes once and hands the report to every test file
 * (GLIMMER_PROVIDER_REPORT), so a run of many files probes once.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe } from 'node:test';
import type { ProviderName, ProviderReport } from '../../main/contract';
import { repoRoot } from './fixtures';

export interface TestProvider {
  name: ProviderName;
  /** null: runs here; otherwise why it cannot. */
  skip: string | null;
}

const TESTABLE: ProviderName[] = ['cpu', 'webgpu'];

let probed: ProviderReport | null = null;

/** `glimmer info --json` of this machine (one child process per test process at most). */
export function probeProviders(): ProviderReport {
  const given = process.env.GLIMMER_PROVIDER_REPORT;
  if (!probed && given) probed = JSON.parse(given) as ProviderReport;
  probed ??= JSON.parse(
    execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), 'info', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 120_000,
    }),
  ) as ProviderReport;
  return probed;
}

export function testProviders(): TestProvider[] {
  const asked = (process.env.GLIMMER_TEST_PROVIDERS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const names = (asked.length > 0 ? asked : TESTABLE) as ProviderName[];
  const providers = probeProviders().providers;
  return names.map((name) => {
    const status = providers.find((p) => p.name === name);
    if (!status) return { name, skip: `${name} is not a provider onnxruntime-node knows` };
    return { name, skip: status.available ? null : `${name} cannot run here: ${status.reason}` };
  });
}

/**
 * One describe block per test provider, named `<title> [<provider>]`; a provider that cannot run
 * here is a skipped block whose reason the runner prints.
 */
export function describeEachProvider(title: string, body: (provider: ProviderName) => void): void {
  for (const p of testProviders()) describe(`${title} [${p.name}]`, { skip: p.skip ?? false }, () => body(p.name));
}
