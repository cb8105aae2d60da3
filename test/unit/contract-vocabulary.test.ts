/**
 * The contract's vocabularies are the app's one definition; native-models (a standalone library that
 * imports nothing of the app) keeps its own list of compile presets, which must be the same words.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPILE_PRECISIONS } from '../../native-models/compile';
import { ERROR_CODES, GenerationMode, LibraryMode, Precision } from '../../main/contract';

test('the precisions a user picks are the presets native-models compiles', () => {
  assert.deepEqual([...Precision.options].sort(), [...COMPILE_PRECISIONS].sort());
});

test('a library entry is a generation mode or an import', () => {
  assert.deepEqual(LibraryMode.options, [...GenerationMode.options, 'import']);
});

test('error codes are unique', () => {
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
});
