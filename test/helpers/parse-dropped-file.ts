/**
 * Child-process probe for the hostile-file tests: parses one file the way a dropped file is parsed
 * (the library's import preparation: format, header, full decode, thumbnails, PNG metadata and the
 * A1111 parameters; and the engine's check of a reference image), then prints the outcome, the
 * time taken and the process's peak resident memory as one JSON line.
 *   node --import tsx test/helpers/parse-dropped-file.ts FILE
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from '../../main/contract';
import { checkRequestImages } from '../../main/engine/pipeline';
import { prepareImport } from '../../main/library/import';

const file = process.argv[2]!;
const baselineKb = process.resourceUsage().maxRSS;
const t0 = performance.now();
const outcomes: string[] = [];
const refused = (err: unknown) => `refused (${errorCode(err) ?? 'uncoded'}: ${err instanceof Error ? err.message.slice(0, 120) : String(err)})`;
try {
  const prepared = await prepareImport({ path: file });
  outcomes.push(`import: ok, prompt of ${prepared.row.prompt.length} chars`);
} catch (err) {
  outcomes.push(`import: ${refused(err)}`);
}
try {
  await checkRequestImages({
    mode: 'identity',
    prompt: 'p',
    subject: { dataBase64: (await readFile(file)).toString('base64'), name: path.basename(file) },
    width: 1024,
    height: 1024,
    steps: 1,
    guidance: 1,
    count: 1,
  });
  outcomes.push('reference image: ok');
} catch (err) {
  outcomes.push(`reference image: ${refused(err)}`);
}
const outcome = outcomes.join('; ');
const ms = performance.now() - t0;
console.log(JSON.stringify({ outcome, ms, peakRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb: baselineKb / 1024 }));
