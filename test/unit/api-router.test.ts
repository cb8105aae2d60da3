import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRouter } from '../../main/api/router';
import { GlimmerError } from '../../main/contract';
import { testHandlers } from '../helpers/handlers';

const router = createRouter(
  testHandlers({
    'system.ping': () => ({ pong: true, time: 1 }),
    'system.info': () => {
      throw new GlimmerError('model_missing', 'No model here.');
    },
    'library.tags': () => {
      throw new Error('boom');
    },
  }),
  () => {},
);

test('a valid request reaches its handler and resolves ok', async () => {
  const result = await router.call('system.ping', {}, { transport: 'test' });
  assert.deepEqual(result, { ok: true, value: { pong: true, time: 1 } });
});

test('an unknown method is a typed bad_request, not a crash', async () => {
  const result = await router.call('system.rm_rf', {}, { transport: 'test' });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.code, 'bad_request');
});

test('a request that fails its schema is a typed bad_request naming the field', async () => {
  const extra = await router.call('system.ping', { evil: 1 }, { transport: 'test' });
  assert.equal(!extra.ok && extra.error.code, 'bad_request');
  const wrongType = await router.call('system.info', { refresh: 'yes' }, { transport: 'test' });
  assert.equal(!wrongType.ok && wrongType.error.code, 'bad_request');
  assert.match(!wrongType.ok ? wrongType.error.message : '', /refresh/);
  const notObject = await router.call('system.ping', 'hello', { transport: 'test' });
  assert.equal(!notObject.ok && notObject.error.code, 'bad_request');
});

test('handler errors keep their code; unexpected ones become internal without a stack', async () => {
  const typed = await router.call('system.info', {}, { transport: 'test' });
  assert.deepEqual(typed, { ok: false, error: { code: 'model_missing', message: 'No model here.' } });
  const unexpected = await router.call('library.tags', {}, { transport: 'test' });
  assert.equal(!unexpected.ok && unexpected.error.code, 'internal');
  assert.doesNotMatch(!unexpected.ok ? unexpected.error.message : '', /at .*\.ts/);
});

