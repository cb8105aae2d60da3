/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command line into a
 * temp folder (removed at exit): for HTTPS servers in tests, and for clients that must refuse them.
 * null (with the reason) when openssl is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

let made: TestCertificate | string | null = null;

export function testCertificate(): TestCertificate | string {
  if (made) return made;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-tls-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { encoding: 'utf8' },
  );
  if (r.error || r.status !== 0) {
    made = `openssl could not make a test certificate (${r.error?.message ?? r.stderr.trim().split('\n')[0]})`;
    return made;
  }
  made = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
  return made;
}
