// The dashboard in headless Chromium (Debian's, driven by playwright-core)
// against a real mosquitto, aggregator and the three demo agents: the page
// shows exactly the retained JSON, follows a changed agent config live,
// survives a broker restart without a reload, and says so when a login is
// refused. Screenshots go to build/native/dashboard-screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Plant, binDir, dashboardLogin, factories, recordResults, requireDashboard, root, sleep, waitFor,
} from './harness.mjs';
import { mismatches, pageFigures } from './page_figures.mjs';

const { chromium } = requireDashboard('playwright-core');
const shots = join(binDir, 'dashboard-screenshots');
mkdirSync(shots, { recursive: true });

let plant;
let recorder;
let browser;
let page;

async function openPage(password, language = 'en') {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript((lang) => {
    if (!localStorage.getItem('ftel.language')) localStorage.setItem('ftel.language', lang);
  }, language);
  const opened = await context.newPage();
  const errors = [];
  opened.on('pageerror', (error) => errors.push(error.message));
  opened.errors = errors;
  await opened.goto(`http://127.0.0.1:${plant.wsPort}/?connect=no`);
  await opened.fill('input[name=username]', dashboardLogin.username);
  await opened.fill('input[name=password]', password);
  await opened.click('#login button[type=submit]');
  return opened;
}

const connectionState = (p) => p.getAttribute('#connection', 'data-state');

// Polls until every figure under `selector` reads what its JSON says (the
// results keep changing live, so one read can fall between two messages).
async function figuresAgree(selector, minimum) {
  let figures = [];
  let wrong = [];
  await waitFor(`the page's figures under ${selector} to equal the retained JSON`, async () => {
    figures = await pageFigures(page, recorder.latest, selector);
    wrong = mismatches(figures);
    return figures.length >= minimum && wrong.length === 0;
  }, 15000, 100).catch((error) => {
    throw new Error(`${error.message}; ${figures.length} figures, wrong: ${JSON.stringify(wrong.slice(0, 5))}`);
  });
  return figures;
}

before(async () => {
  plant = await Plant.start('browser');
  recorder = await recordResults(plant);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  await waitFor('all three factories, their flat views and the fleet', () =>
    factories.every((f) => recorder.latest.has(`ftel/v1/rates/factory/${f}`) &&
      recorder.latest.has(`ftel/v1/flat/factory/${f}`)) &&
    recorder.latest.get('ftel/v1/rates/fleet')?.factories === 3, 30000);
});

after(async () => {
  await browser?.close();
  await recorder?.end();
  await plant?.stop();
});

test('a refused login says so and shows no figures', async () => {
  const refused = await openPage('not-the-password');
  await waitFor('the refused state', async () => (await connectionState(refused)) === 'refused');
  const detail = await refused.textContent('#connection-detail');
  assert.match(detail, /Login refused: wrong username or password/);
  assert.equal(await refused.locator('.fig').count(), 0);
  await refused.screenshot({ path: join(shots, 'login-refused.png') });
  await refused.context().close();
});

test('every figure equals the retained JSON it came from', async () => {
  page = await openPage(dashboardLogin.password);
  await waitFor('connected', async () => (await connectionState(page)) === 'connected');
  // The fleet: 27 of the demo's 60 built scenarios declare AI (15 + 9 + 3).
  await waitFor('the fleet', async () => (await page.textContent('#fleet')).includes('27 / 60'));
  const fleet = await figuresAgree('#fleet', 20);
  assert.ok(fleet.some((f) => f.path === 'declared.pooled.percent' && f.shown === '45.0 %'));
  // Three factories, nine figures each.
  const rows = await figuresAgree('#factories', 27);
  assert.deepEqual([...new Set(rows.map((f) => f.topic))].sort(),
    factories.map((f) => `ftel/v1/rates/factory/${f}`));
  // 8 links (named from the catalogue) with 8 figures, 3 sectors and 3 regions with 9.
  await figuresAgree('#groups', 8 * 8 + 3 * 9 + 3 * 9);
  await figuresAgree('#trends', 1);
  // Each factory's figures and scenario matrix (40 scenarios x 3 flags).
  for (const factory of factories) {
    await page.selectOption('#factory-select', factory);
    await waitFor(`${factory} shown`, async () => (await page.getAttribute('#factory .fig', 'data-topic'))
      === `ftel/v1/rates/factory/${factory}`);
    const shown = await figuresAgree('#factory', 12 + 120);
    assert.ok(shown.some((f) => f.topic === `ftel/v1/flat/factory/${factory}`));
    const config = readFileSync(join(root, 'config', 'demo', `${factory}.yaml`), 'utf8');
    // Catalogue scenarios only: custom ones are not in the matrix.
    const lines = config.split('\n').filter((l) => /^ *- \{id: [A-Z]{2}-\d\d,/.test(l) && !/custom: true/.test(l));
    const built = lines.filter((l) => /built: true/.test(l)).length;
    const declared = lines.filter((l) => /ai_declared: true/.test(l)).length;
    const flags = (what) => shown.filter((f) => f.path.endsWith(`.${what}`) && f.shown === '✓').length;
    assert.equal(flags('built'), built, `${factory}: built scenarios in the matrix`);
    assert.equal(flags('ai_declared'), declared, `${factory}: declared scenarios in the matrix`);
  }
  await page.selectOption('#factory-select', 'suzhou-electronics');
  await figuresAgree('body', 200);
  await page.screenshot({ path: join(shots, 'dashboard-en.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('the flat views carry the figures of the retained results', () => {
  const pairs = [['ftel/v1/rates/fleet', 'ftel/v1/flat/fleet', 'declared.pooled', 'factories'],
    ...factories.map((f) => [`ftel/v1/rates/factory/${f}`, `ftel/v1/flat/factory/${f}`, 'declared', 'nodes'])];
  for (const [rates, flat, declared, count] of pairs) {
    const [r, v] = [recorder.latest.get(rates), recorder.latest.get(flat)];
    const ratio = declared.split('.').reduce((x, k) => x[k], r);
    assert.equal(v.declared_numerator, ratio.numerator, flat);
    assert.equal(v.declared_denominator, ratio.denominator, flat);
    assert.equal(v.declared_percent, ratio.percent, flat);
    assert.equal(v[count], r[count], flat);
    assert.ok(Object.values(v).every((x) => typeof x === 'number'), `${flat} is flat numbers`);
  }
});

test('the factory table sorts and filters', async () => {
  const names = () => page.$$eval('#factories tbody tr', (trs) => trs.map((tr) => tr.dataset.factory));
  await page.click('#factories th[data-key="declared"]');
  await waitFor('ascending by declared', async () =>
    (await names()).join() === 'tangshan-steel,foshan-appliances,suzhou-electronics');
  await page.click('#factories th[data-key="declared"]');
  await waitFor('descending by declared', async () =>
    (await names()).join() === 'suzhou-electronics,foshan-appliances,tangshan-steel');
  await page.fill('#factory-filter', 'hebei');
  await waitFor('only the Hebei factory', async () => (await names()).join() === 'tangshan-steel');
  await page.fill('#factory-filter', '');
});

test('Chinese names from the catalogue, and the choice is remembered', async () => {
  await page.click('#language');
  await waitFor('Chinese', async () => (await page.textContent('#groups')).includes('工厂建设'));
  assert.equal(await page.textContent('#connection'), '已连接');
  await page.reload();
  await waitFor('Chinese after a reload', async () =>
    (await page.textContent('h1')).includes('智能工厂'));
  await page.fill('input[name=password]', dashboardLogin.password);
  await page.click('#login button[type=submit]');
  await waitFor('the figures again', async () =>
    (await page.textContent('#factory')).includes('已建设') &&
    (await page.locator('#factories tbody tr').count()) === 3);
  await sleep(500);
  await page.screenshot({ path: join(shots, 'dashboard-zh.png'), fullPage: true });
  await page.click('#language');
  await waitFor('English', async () => (await page.textContent('#connection')) === 'connected');
});

test('a changed agent config shows within a few seconds', async () => {
  await page.selectOption('#factory-select', 'tangshan-steel');
  await waitFor('Tangshan selected', async () => (await page.textContent('#factory')).includes('Tangshan'));
  const cell = '#factory tr[data-scenario="FB-01"] td.fig[data-path$=".built"]';
  assert.equal(await page.textContent(cell), '·');
  await plant.agents.get('tangshan-steel').stop();
  const changedAt = Date.now();
  plant.startAgent('tangshan-steel', (text) => text
    .replace('\nsources:\n', '\nsources:\n  - {name: line-sim, type: simulated, simulated: {seed: 33}}\n')
    .replace('{id: PO-05, built: true}', '{id: PO-05, built: true, ai_declared: true, evidence_source: line-sim}')
    .replace('\nscenarios:\n', '\nscenarios:\n  - {id: FB-01, built: true, ai_declared: true, evidence_source: line-sim}\n'));
  // Tangshan now declares 5 of 21; the fleet 29 of 61.
  await waitFor('the new config on the page', async () =>
    (await page.textContent('#factory')).includes('5 / 21') &&
    (await page.textContent(cell)) === '✓' &&
    (await page.textContent('#fleet')).includes('29 / 61'), 10000, 100);
  const seconds = (Date.now() - changedAt) / 1000;
  assert.ok(seconds < 10, `took ${seconds} s`);
  await figuresAgree('body', 200);
});

test('a broker restart shows the lost connection, then recovers without a reload', async () => {
  await page.evaluate(() => { window.sameDocument = true; });
  await plant.broker.stop();
  await waitFor('the disconnected state', async () =>
    ['disconnected', 'reconnecting'].includes(await connectionState(page)), 10000, 100);
  assert.match(await page.textContent('#connection-detail'), /reconnecting by itself/);
  await page.screenshot({ path: join(shots, 'broker-lost.png') });
  await sleep(2000);
  await plant.restartBroker();
  await waitFor('connected again', async () => (await connectionState(page)) === 'connected',
    20000, 100);
  assert.equal(await page.evaluate(() => window.sameDocument), true);
  assert.equal(await page.textContent('#connection-detail'), '');
  await figuresAgree('body', 200);
});
