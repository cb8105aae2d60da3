/**
 * The studio's languages: every language has every English key with the same {{placeholders}};
 * no word of the UI is written straight into a component; the language follows the OS / browser;
 * plurals, numbers, sizes and durations come out per language.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { formatBytes, formatDuration, pickLanguage, resolveLanguage, Tier, TIERS } from '../../main/contract';
import { en } from '../../renderer/src/i18n/locales/en';
import { zhCN } from '../../renderer/src/i18n/locales/zh-CN';
import { fmt, i18n } from '../../renderer/src/i18n';
import { repoRoot } from '../helpers/fixtures';
import { hardCodedUiStrings } from '../helpers/ui-strings';

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

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

test('Simplified Chinese has every English message, with the same placeholders, and nothing else', () => {
  const a = leaves(en as unknown as Tree);
  const b = leaves(zhCN as unknown as Tree);
  assert.deepEqual([...b.keys()].filter((k) => !a.has(k)), [], 'keys only in zh-CN');
  assert.deepEqual([...a.keys()].filter((k) => !b.has(k)), [], 'keys missing in zh-CN');
  const differing = [...a].filter(([k, v]) => placeholders(v).join() !== placeholders(b.get(k)!).join()).map(([k]) => k);
  assert.deepEqual(differing, [], 'messages whose placeholders differ');
  const empty = [...b].filter(([, v]) => v.trim() === '').map(([k]) => k);
  assert.deepEqual(empty, []);
});

test('no word of the UI is written straight into a component', () => {
  const found = hardCodedUiStrings(path.join(repoRoot, 'renderer', 'src'));
  assert.deepEqual(found.map((f) => `${f.file}:${f.line} ${JSON.stringify(f.text)}`), []);
});

test('the scanner itself finds JSX text and text props, and leaves code alone', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-ui-strings-'));
  try {
    writeFileSync(
      path.join(dir, 'x.tsx'),
      `export const X = () => (<div data-testid="plain-id" title={ok ? 'Shown' : t('k')} aria-label={\`Open \${n}\`}>
        Hello {'there'} {t('a.b')} × 1:1 <img alt="" /> {/* a comment */}
      </div>);\n`,
    );
    const found = hardCodedUiStrings(dir).map((f) => f.text);
    assert.deepEqual(found.sort(), ['Hello', 'Open', 'Shown', 'there'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the language follows the OS / browser unless a setting names one', () => {
  assert.equal(pickLanguage(['zh-CN', 'en-US']), 'zh-CN');
  assert.equal(pickLanguage(['zh_CN.UTF-8']), 'zh-CN');
  assert.equal(pickLanguage(['zh-Hans-SG']), 'zh-CN');
  assert.equal(pickLanguage(['fr-FR', 'en-GB']), 'en');
  assert.equal(pickLanguage(['fr-FR', 'zh-TW']), 'zh-CN');
  assert.equal(pickLanguage(['C.UTF-8', undefined, '']), 'en');
  assert.equal(resolveLanguage('system', ['zh-CN']), 'zh-CN');
  assert.equal(resolveLanguage('en', ['zh-CN']), 'en');
  assert.equal(resolveLanguage('zh-CN', ['en-US']), 'zh-CN');
});

test('messages, plurals, numbers, sizes and durations per language', async () => {
  await i18n.changeLanguage('en');
  assert.equal(i18n.t('gallery.count', { count: 1 }), '1 image');
  assert.equal(i18n.t('gallery.count', { count: 3 }), '3 images');
  assert.equal(fmt.number(12345.5), '12,345.5');
  assert.equal(fmt.bytes(1_234_000_000), '1.2 GB');
  assert.equal(fmt.duration(200), '3 min 20 s');
  await i18n.changeLanguage('zh-CN');
  assert.equal(i18n.t('gallery.count', { count: 1 }), '1 张图片');
  assert.equal(i18n.t('generate.button', { count: 3 }), '生成 3 张');
  assert.equal(fmt.duration(200), '3 分 20 秒');
  assert.equal(fmt.bytes(512), '512 字节');
  assert.match(fmt.dateTime(Date.UTC(2026, 0, 2, 12)), /2026年1月2日/);
  await i18n.changeLanguage('en');
  // messages of the lower layers stay as they were without a locale
  assert.equal(formatBytes(512), '512 bytes');
  assert.equal(formatDuration(3900), '1 h 5 min');
  assert.equal(formatBytes(12_500, 'zh-CN'), '12.5 kB');
});

test("memory tiers: the studio's English names and descriptions are the contract's (the CLI and API keep those)", async () => {
  await i18n.changeLanguage('en');
  for (const tier of Tier.options) {
    assert.equal(i18n.t(`models.tiers.names.${tier}`), TIERS[tier].label, tier);
    assert.equal(i18n.t(`models.tiers.descriptions.${tier}`), TIERS[tier].description, tier);
  }
  await i18n.changeLanguage('zh-CN');
  assert.match(i18n.t('models.tiers.descriptions.cpu'), /主机内存/);
  await i18n.changeLanguage('en');
});

test('the text check: plurals by count, numbers per language', async () => {
  await i18n.changeLanguage('en');
  assert.equal(i18n.t('textCheck.summaryAll', { count: 1 }), 'All 1 quoted string read as written');
  assert.equal(i18n.t('textCheck.summaryAll', { count: 2 }), 'All 2 quoted strings read as written');
  assert.equal(i18n.t('textCheck.bestOfNote', { count: 3 }), 'Best of 3 by text: the best first, the other candidates kept beside it as alternates.');
  await i18n.changeLanguage('zh-CN');
  assert.equal(i18n.t('textCheck.summary', { found: fmt.number(1), total: fmt.number(3) }), '引号中的 3 个字符串有 1 个与原文一致');
  assert.equal(i18n.t('textCheck.bestOf', { count: 4 }), '按文字 4 选 1');
  await i18n.changeLanguage('en');
});
