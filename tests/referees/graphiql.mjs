// Opens GraphiQL in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core: no browser download),
// sets a query and a bearer header, runs it, waits for the result pane, runs a subscription over the WebSocket
// (recording its connection_init payload), and saves a screenshot. Usage: node graphiql.mjs <page url> <screenshot.png>
// The last line is a JSON summary for the calling test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node graphiql.mjs <url> <screenshot.png>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'graphiql-chromium-'));
const summary = { result: null, subscription: null, authorization: null, connectionInit: null, cspViolations: [], pageErrors: [], failedRequests: [] };
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  page.on('pageerror', (e) => summary.pageErrors.push(String(e)));
  // The browser's own favicon probe is not the page's business.
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) summary.failedRequests.push(`${r.status()} ${r.url()}`);
  });
  page.on('websocket', (ws) => ws.on('framesent', (frame) => {
    const message = JSON.parse(String(frame.payload));
    if (message.type === 'connection_init') summary.connectionInit = message.payload ?? null;
  }));
  page.on('request', (r) => {
    const body = r.postData() ?? '';
    if (r.method() === 'POST' && body.includes('Chromium')) summary.authorization = r.headers()['authorization'] ?? null;
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  summary.status = response.status();
  summary.csp = response.headers()['content-security-policy'] ?? null;
  const editor = '.graphiql-query-editor .CodeMirror';
  // GraphiQL parses the editor's text shortly after a change and decides from that parse whether an operation is a
  // subscription (WebSocket) or not (HTTP): wait for the parse to show the expected root field before running.
  const parsed = (field) => page.waitForFunction(([sel, name]) =>
    document.querySelector(sel)?.CodeMirror?.operations?.[0]?.selectionSet?.selections?.[0]?.name?.value === name,
  [editor, field], { timeout: 10000 });
  await page.waitForSelector(editor, { timeout: 30000 });

  // Headers editor (bottom pane, opened by default): the bearer token goes here.
  const headers = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
  await page.waitForSelector(headers, { timeout: 10000 });
  await page.$eval(headers, (el) => el.CodeMirror.setValue('{ "Authorization": "Bearer alice" }'));
  // Type the query as a user would, into the focused query editor.
  await page.$eval(editor, (el) => el.CodeMirror.setValue(''));
  await page.click(editor);
  await page.keyboard.type('{ hello(name: "Chromium") }');
  await parsed('hello');
  await page.click('.graphiql-execute-button');
  const result = '.result-window';
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('Hello, Chromium!'), result, { timeout: 15000 });
  summary.result = await page.$eval(result, (el) => el.textContent);
  await page.screenshot({ path: screenshot, fullPage: false });

  // A subscription goes over the same path's WebSocket; countdown(from: 3) ends with 0.
  await page.$eval(editor, (el) => el.CodeMirror.setValue('subscription { countdown(from: 3) }'));
  await parsed('countdown');
  await page.click('.graphiql-execute-button');
  await page.waitForFunction((sel) => /"countdown":\s*0/.test(document.querySelector(sel)?.textContent ?? ''), result, { timeout: 15000 });
  summary.subscription = await page.$eval(result, (el) => el.textContent);
  summary.cspViolations = await page.evaluate(() => window.__csp ?? []);
} catch (e) {
  summary.failure = String(e);
  const page = browser.pages()[0];
  if (page) {
    summary.resultAtFailure = await page.$eval('.result-window', (el) => el.textContent).catch(() => null);
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-failure.png') }).catch(() => {});
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(summary));
process.exit(summary.failure ? 1 : 0);
