/**
 * The record a download keeps in its folder (.glimmer-download.json): where it came from (repo, endpoint, commit)
 * and, per file, the expected size and hash and whether the file in place was verified. It lets a restarted app
 * resume without re-hashing finished files, and drop a partial file that belongs to another commit.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../../native-models/atomic-write';

export const DOWNLOAD_RECORD = '.glimmer-download.json';

export interface RecordedFile {
  size: number;
  sha256: string | null;
  gitOid: string | null;
  verified: boolean;
}

export interface DownloadRecord {
  version: 1;
  repo: string;
  endpoint: string;
  revision: string;
  commit: string;
  startedAt: string;
  completedAt: string | null;
  files: Record<string, RecordedFile>;
}

export async function readDownloadRecord(dir: string): Promise<DownloadRecord | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, DOWNLOAD_RECORD), 'utf8')) as DownloadRecord;
    return parsed && parsed.version === 1 && typeof parsed.files === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** Written to a temp file and renamed, so a crash never leaves half a record. */
export async function writeDownloadRecord(dir: string, record: DownloadRecord): Promise<void> {
  await writeJsonAtomic(path.join(dir, DOWNLOAD_RECORD), record);
}

export function sameContent(a: RecordedFile | undefined, b: { size: number; sha256: string | null; gitOid: string | null }): boolean {
  return !!a && a.size === b.size && a.sha256 === b.sha256 && a.gitOid === b.gitOid;
}
