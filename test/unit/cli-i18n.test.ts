/**
 * The CLI's messages: both languages have the same keys and placeholders, no message is written
 * straight into a command, and the language follows GLIMMER_LANG or the POSIX locale.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { cliLanguage } from '../../main/cli/i18n';
import { cliEn } from '../../main/cli/locales/en';
import { cliZhCN } from '../../main/cli/locales/zh-CN';
import { repoRoot } from '../helpers/fixtures';
import { hardCodedCliStrings } from '../helpers/ui-strings';

type Tree = { [key: string]: string | Tree };
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort().join();

test('the CLI has every message in both languages, with the same placeholders', () => {
  const a = leaves(cliEn as unknown as Tree);
  const b = leaves(cliZhCN as unknown as Tree);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  assert.deepEqual([...a].filter(([k, v]) => placeholders(v) !== placeholders(b.get(k)!)).map(([k]) => k), []);
});

test('no CLI message is written straight into a command', () => {
  const found = hardCodedCliStrings(path.join(repoRoot, 'main', 'cli'));
  assert.deepEqual(found.map((f) => `${f.file}:${f.line} ${JSON.stringify(f.text)}`), []);
});

test('the CLI language: GLIMMER_LANG, then LC_ALL, LC_MESSAGES, LANG', () => {
  assert.equal(cliLanguage({ LANG: 'zh_CN.UTF-8' }), 'zh-CN');
  assert.equal(cliLanguage({ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' }), 'zh-CN');
  assert.equal(cliLanguage({ LANG: 'zh_CN.UTF-8', GLIMMER_LANG: 'en' }), 'en');
  assert.equal(cliLanguage({ LANG: 'C.UTF-8' }), 'en');
  assert.equal(cliLanguage({}), 'en');
});

test('`glimmer --help` and an error in Chinese under a Chinese locale', () => {
  const run = (args: string[], lang: string) =>
    spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, GLIMMER_LANG: '', LC_ALL: '', LC_MESSAGES: '', LANG: lang },
      encoding: 'utf8',
    });
  const zh = run(['--help'], 'zh_CN.UTF-8');
  assert.match(zh.stdout, /^用法：/);
  assert.match(zh.stdout, /把 GLM-Image 检查点编译成/);
  const en = run(['--help'], 'en_US.UTF-8');
  assert.match(en.stdout, /^Usage:/);
  const bad = run(['generate', '--model', 'x', '--out', 'y.png'], 'zh_CN.UTF-8');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /必须提供 --prompt 文本/);
});
