/**
 * Starts `glimmer serve` as a real child process (the same command users run) on a random port with
 * throw-away data folders, and returns the URL it printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './fixtures';

export interface ServeProcess {
  openUrl: string;
  origin: string;
  dataDir: string;
  /** The access token from the printed URL. */
  token: string;
  /** The process has not exited (a crash ends it). */
  alive(): boolean;
  output(): string;
  stop(): Promise<void>;
}

/** `args` go after `serve --port 0` (--host, --tls-cert, ...). */
export async function startServe(env: Record<string, string> = {}, args: string[] = []): Promise<ServeProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-e2e-data-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), 'serve', '--port', '0', ...args], {
    cwd: repoRoot,
    env: { ...process.env, GLIMMER_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in 60 s:\n${out}`)), 60_000);
    const check = () => {
      const line = out.split('\n').find((l) => /^https?:\/\/\S+\?token=\S+$/.test(l.trim()));
      if (line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  return {
    openUrl,
    origin: new URL(openUrl).origin,
    dataDir,
    token: new URL(openUrl).searchParams.get('token') ?? '',
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
