/**
 * The studio's language in Chromium against `serve`: it follows the browser's language (a window
 * opened with zh-CN shows Chinese), the switch in Settings changes every screen at once and is kept
 * in the settings (a fresh window in English comes up in Chinese), and dates and numbers follow.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright';
import type { Settings } from '../../main/contract';
import { chromiumMissingReason, closeStudio, launchChromium } from '../helpers/browser';
import { type ServeProcess, startServe } from '../helpers/serve';
import { type StudioApi, studioApi } from '../helpers/studio';

const skip = chromiumMissingReason();
if (skip) console.log(`# skipping e2e: ${skip}`);

let serve: ServeProcess;
let browser: Browser;
let api: StudioApi;

before(async () => {
  if (skip) return;
  serve = await startServe();
  api = await studioApi(serve);
  browser = await launchChromium();
});
after(() => closeStudio(browser, serve));

const navTexts = (page: import('playwright').Page) => page.getByRole('navigation', { name: /Studio sections|工作室各部分/ }).getByRole('button').allTextContents();

test('a browser in Chinese gets the studio in Chinese; one in English gets English', { skip: skip ?? false }, async () => {
  const zh = await browser.newContext({ locale: 'zh-CN' });
  const page = await zh.newPage();
  await page.goto(serve.openUrl);
  await page.getByRole('button', { name: '生成' }).first().waitFor();
  assert.deepEqual(await navTexts(page), ['生成', '画布', '图库', '模型', '设置', '系统']);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await zh.close();

  const enCtx = await browser.newContext({ locale: 'en-US' });
  const p2 = await enCtx.newPage();
  await p2.goto(serve.openUrl);
  await p2.getByRole('button', { name: 'Generate' }).first().waitFor();
  assert.deepEqual(await navTexts(p2), ['Generate', 'Canvas', 'Gallery', 'Models', 'Settings', 'System']);
  await enCtx.close();
});

test('the switch in Settings changes the whole studio and is kept for the next window', { skip: skip ?? false }, async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  await page.goto(`${serve.openUrl}#/settings`);
  await page.getByRole('radio', { name: '简体中文' }).check();
  await page.getByTestId('settings-message').getByText('语言已保存。').waitFor();
  assert.equal((await api.call<Settings>('settings.get')).language, 'zh-CN');
  assert.deepEqual(await navTexts(page), ['生成', '画布', '图库', '模型', '设置', '系统']);
  // another screen, already in Chinese
  await page.getByRole('button', { name: '系统' }).click();
  await page.getByRole('button', { name: '重新检查' }).waitFor();

  // a fresh window of an English browser follows the saved setting
  const other = await browser.newContext({ locale: 'en-US' });
  const p2 = await other.newPage();
  await p2.goto(serve.openUrl);
  await p2.getByRole('button', { name: '图库' }).waitFor();
  await other.close();

  // back to following the system
  await page.getByRole('button', { name: '设置' }).click();
  await page.getByRole('radio', { name: '跟随系统' }).first().check();
  await page.getByRole('button', { name: 'Gallery' }).waitFor();
  assert.equal((await api.call<Settings>('settings.get')).language, 'system');
  await ctx.close();
});
