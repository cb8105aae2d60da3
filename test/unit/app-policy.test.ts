/**
 * The Electron app's policies as plain functions (Electron itself cannot start here): which paths a
 * page may hand the main process (IpcPolicy, with scripted dialogs standing in for Electron's), no
 * hub address from the page, where the window may navigate, which links open in the browser, and
 * the CSP <meta> of index.html.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { contentSecurityPolicy, contentSecurityPolicyMeta } from '../../main/api/csp';
import { IpcPolicy, PATH_FIELDS, type PathDialogs, type PathPurpose } from '../../main/app/ipc-policy';
import { isAllowedExternal, isAppUrl } from '../../main/app/navigation';
import { GlimmerError } from '../../main/contract';

/** Stands in for Electron's dialogs: answers from a script and records what it was asked. */
function scriptedDialogs(answer: (purpose: PathPurpose, requested: string) => string | null): PathDialogs & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    confirm: async (purpose, requested) => {
      asked.push(`${purpose} ${requested}`);
      return answer(purpose, requested);
    },
  };
}

const code = (c: string) => (e: unknown) => e instanceof GlimmerError && e.code === c;

test('a path the page sends is put to the user in a main-process dialog; refused when cancelled', async () => {
  const dialogs = scriptedDialogs(() => null);
  const policy = new IpcPolicy(dialogs, {});
  await assert.rejects(policy.check('library.export', { projectId: '1', folder: '/home/someone/.ssh' }), code('cancelled'));
  await assert.rejects(policy.check('settings.update', { modelDir: '/etc' }), code('cancelled'));
  await assert.rejects(policy.check('library.import', { path: '/etc/shadow' }), code('cancelled'));
  assert.deepEqual(dialogs.asked, ['export-folder /home/someone/.ssh', 'model-folder /etc', 'import-file /etc/shadow']);
});

test('the path the user chose in the dialog replaces the one sent, and is granted from then on', async () => {
  const dialogs = scriptedDialogs((_p, requested) => (requested === '/typed/out' ? '/chosen/out' : requested));
  const policy = new IpcPolicy(dialogs, {});
  assert.deepEqual(await policy.check('library.export', { projectId: '1', folder: '/typed/out' }), { projectId: '1', folder: '/chosen/out' });
  assert.deepEqual(await policy.check('library.export', { projectId: '2', folder: '/chosen/out' }), { projectId: '2', folder: '/chosen/out' });
  assert.deepEqual(dialogs.asked, ['export-folder /typed/out']);
});

test('paths the main process listed itself come back without a dialog; others still ask', async () => {
  const dialogs = scriptedDialogs(() => null);
  const policy = new IpcPolicy(dialogs, {});
  policy.record('models.list', { models: [{ id: 'a', path: '/models/compiled/a' }], modelsDir: '/models', hfCacheDir: '/hf' });
  policy.record('models.find', { checkpoints: [{ dir: '/hf/models--zai-org--GLM-Image/snapshots/abc' }] });
  policy.record('library.search', { items: [{ path: '/not/a/listing' }] });
  assert.deepEqual(await policy.check('settings.update', { modelDir: '/models/compiled/a' }), { modelDir: '/models/compiled/a' });
  assert.deepEqual(await policy.check('models.compile.start', { path: '/hf/models--zai-org--GLM-Image/snapshots/abc' }), {
    path: '/hf/models--zai-org--GLM-Image/snapshots/abc',
  });
  await assert.rejects(policy.check('models.import', { path: '/not/a/listing' }), code('cancelled'));
  await assert.rejects(policy.check('models.validate', { path: path.join('/models/compiled/a', '..', '..', 'etc') }), code('cancelled'));
  assert.equal(dialogs.asked.length, 2);
});

test('requests without a path, and a cleared model folder, pass as sent', async () => {
  const policy = new IpcPolicy(scriptedDialogs(() => null), {});
  assert.deepEqual(await policy.check('library.search', { text: 'fox' }), { text: 'fox' });
  assert.deepEqual(await policy.check('settings.update', { modelDir: null, theme: 'dark' }), { modelDir: null, theme: 'dark' });
  assert.deepEqual(await policy.check('library.import', { dataBase64: 'AAAA', name: 'a.png' }), { dataBase64: 'AAAA', name: 'a.png' });
  for (const m of Object.keys(PATH_FIELDS)) assert.match(m, /^(library|models|settings)\./);
});

test('models.download.start takes no hub address from the page: only the one the main process is set to', async () => {
  const policy = new IpcPolicy(scriptedDialogs(() => null), { HF_ENDPOINT: 'https://mirror.example/' });
  await assert.rejects(policy.check('models.download.start', { endpoint: 'http://attacker.example' }), code('forbidden'));
  await assert.rejects(policy.check('models.download.start', { endpoint: 42 }), code('forbidden'));
  assert.deepEqual(await policy.check('models.download.start', { endpoint: 'https://mirror.example' }), { endpoint: 'https://mirror.example' });
  assert.deepEqual(await policy.check('models.download.start', { repo: 'zai-org/GLM-Image' }), { repo: 'zai-org/GLM-Image' });
  const plain = new IpcPolicy(scriptedDialogs(() => null), {});
  await assert.rejects(plain.check('models.download.start', { endpoint: 'https://mirror.example' }), code('forbidden'));
});

test('the window stays on app://studio; only the model page opens in the browser', () => {
  assert.ok(isAppUrl('app://studio/index.html#/gallery'));
  for (const u of ['app://evil/', 'file:///etc/passwd', 'https://studio/', 'app:studio', 'not a url']) assert.equal(isAppUrl(u), false, u);
  assert.ok(isAllowedExternal('https://huggingface.co/zai-org/GLM-Image'));
  assert.ok(isAllowedExternal('https://huggingface.co/zai-org/GLM-Image/tree/main'));
  for (const u of [
    'http://huggingface.co/zai-org/GLM-Image',
    'https://huggingface.co/zai-org/GLM-Image-evil',
    'https://huggingface.co.evil.example/zai-org/GLM-Image',
    'https://user:pw@huggingface.co/zai-org/GLM-Image',
    'https://huggingface.co:8443/zai-org/GLM-Image',
    'https://evil.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ms-settings:privacy',
  ]) {
    assert.equal(isAllowedExternal(u), false, u);
  }
});

test('the CSP <meta> is the header policy without frame-ancestors (ignored and reported in a meta)', () => {
  assert.doesNotMatch(contentSecurityPolicyMeta(), /frame-ancestors/);
  assert.equal(contentSecurityPolicy(), `${contentSecurityPolicyMeta()}; frame-ancestors 'none'`);
});
