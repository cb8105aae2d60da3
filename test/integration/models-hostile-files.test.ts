/**
 * Model folders that lie: an index whose shard names leave the checkpoint folder, and weight files
 * whose tensors overlap, leave a gap or are followed by extra bytes. Validation (models.validate,
 * import, the compile job's check) and compiling refuse each one by the same rules
 * (native-models/safetensors), and nothing outside the checkpoint folder is ever opened.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { isCodedError } from '../../main/contract';
import { validateCheckpoint } from '../../main/models';
import { compileModel } from '../../native-models/compile';
import { checkpointDir } from '../helpers/fixtures';
import { writableCopy } from '../helpers/writable-copy';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-hostile-models-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let copies = 0;
async function copy(): Promise<string> {
  const dir = path.join(tmp, `ck${++copies}`, 'checkpoint');
  await writableCopy(checkpointDir(), dir);
  return dir;
}

/** The header JSON and data of a .safetensors file, and a way to write them back. */
function split(file: string): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; data: Buffer } {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  return { header: JSON.parse(buf.subarray(8, 8 + n).toString('utf8')), data: buf.subarray(8 + n) };
}
function join(file: string, header: unknown, data: Buffer): void {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([len, json, data]));
}

async function refusedByBoth(dir: string, component: string, words: RegExp): Promise<void> {
  const report = await validateCheckpoint(dir);
  assert.equal(report.ok, false, 'validation passes it');
  const problems = report.problems.filter((p) => p.path.startsWith(`${component}/`));
  assert.ok(problems.some((p) => p.kind === 'corrupt' && words.test(p.message)), JSON.stringify(report.problems));
  await assert.rejects(compileModel(dir, path.join(tmp, `out${copies}`), { precision: 'fp32' }), (e: unknown) => isCodedError(e) && e.code === 'model_corrupt' && words.test(e.message));
}

const TE = 'text_encoder/model.safetensors';

describe('hostile model files', () => {
  test('an index whose shards point outside the checkpoint folder: refused, the outside file never read', async () => {
    const dir = await copy();
    // a perfectly valid weight file, but outside the checkpoint folder
    const outside = path.join(tmp, `ck${copies}`, 'outside.safetensors');
    renameSync(path.join(dir, TE), outside);
    const { header } = split(outside);
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    writeFileSync(path.join(dir, 'text_encoder', 'model.safetensors.index.json'), JSON.stringify({ weight_map: Object.fromEntries(names.map((n) => [n, '../../outside.safetensors'])) }));
    const report = await validateCheckpoint(dir);
    assert.equal(report.ok, false);
    const te = report.components.find((c) => c.name === 'text_encoder')!;
    assert.equal(te.ok, false);
    assert.ok(te.files.every((f) => f.startsWith('text_encoder/') && !f.includes('..')), te.files.join(', '));
    assert.ok(report.problems.some((p) => p.kind === 'corrupt' && /outside/.test(p.message)), JSON.stringify(report.problems));
    await assert.rejects(compileModel(dir, path.join(tmp, 'out-escape'), { precision: 'fp32' }), (e: unknown) => isCodedError(e) && e.code === 'model_corrupt');
    // an absolute path, as the example
    writeFileSync(path.join(dir, 'text_encoder', 'model.safetensors.index.json'), JSON.stringify({ weight_map: { [names[0]!]: '../../../../../../etc/passwd' } }));
    const again = await validateCheckpoint(dir);
    assert.ok(!JSON.stringify(again).includes('header claims'), 'the outside file was opened and its bytes reported');
  });

  test('overlapping tensors: refused by validation and by compile', async () => {
    const dir = await copy();
    const file = path.join(dir, TE);
    const { header, data } = split(file);
    // two tensors of the same size: the second now points at the first one's bytes
    const bySize = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (const [name, t] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const size = t.data_offsets[1] - t.data_offsets[0];
      if (size > 0 && bySize.has(size)) {
        pair = [bySize.get(size)!, name];
        break;
      }
      bySize.set(size, name);
    }
    assert.ok(pair);
    header[pair[1]]!.data_offsets = [...header[pair[0]]!.data_offsets];
    join(file, header, data);
    await refusedByBoth(dir, 'text_encoder', /overlaps/);
  });

  test('a gap between tensors: refused by validation and by compile', async () => {
    const dir = await copy();
    const file = path.join(dir, TE);
    const { header, data } = split(file);
    const last = Object.entries(header).filter(([n]) => n !== '__metadata__').sort((a, b) => b[1].data_offsets[0] - a[1].data_offsets[0])[0]!;
    const [b, e] = last[1].data_offsets;
    last[1].data_offsets = [b + 16, e + 16];
    join(file, header, Buffer.concat([data.subarray(0, b), Buffer.alloc(16), data.subarray(b)]));
    await refusedByBoth(dir, 'text_encoder', /gap/);
  });

  test('bytes after the last tensor: refused by validation and by compile', async () => {
    const dir = await copy();
    const file = path.join(dir, TE);
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('extra')]));
    await refusedByBoth(dir, 'text_encoder', /after its last tensor/);
  });
});
