/**
 * One variant of the `ocr` benchmark in a fresh process (bench/suites/ocr.ts starts it), so that its
 * memory figures do not include what an earlier variant freed: `node --import tsx bench/ocr-child.ts
 * <provider> <repeats> default|low-memory`. Prints the figures as one JSON line.
 */
import { ProviderName } from '../main/contract';
import { measureOcrVariant } from './suites/ocr';

const [provider, repeats, variant] = process.argv.slice(2);
const figures = await measureOcrVariant({ provider: ProviderName.parse(provider), repeats: Number(repeats) || 5 }, variant === 'low-memory');
process.stdout.write(`${JSON.stringify(figures)}\n`);
