// A real Prometheus (Debian's package) scrapes the aggregator while the demo's
// three factories report: the rules pass promtool, every query of the Grafana
// dashboard's panels returns the values the retained results say, and the
// offline alert fires when an agent is killed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Plant, freePort, recordResults, root, waitFor } from './harness.mjs';

const rules = join(root, 'dashboard', 'prometheus', 'ftel-rules.yml');
const grafana = JSON.parse(readFileSync(join(root, 'dashboard', 'grafana', 'ftel-dashboard.json'), 'utf8'));

let plant;
let recorder;
let prometheus;
let api;

async function query(expr) {
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await response.json();
  assert.equal(body.status, 'success', `${expr}: ${JSON.stringify(body)}`);
  return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

const near = (a, b) => Math.abs(a - b) < 1e-9;
// Whether `value` is one that the retained topic carried at some point.
function wasPublished(topic, read, value) {
  return (recorder.seen.get(topic) ?? []).some((json) => {
    const v = read(json);
    return v !== undefined && near(v, value);
  });
}
const factoryTopic = (f) => `ftel/v1/rates/factory/${f}`;
const percentOf = (ratio) => (ratio?.percent === undefined ? undefined : ratio.percent / 100);

// What each panel's series must read, from the retained JSON; by panel title.
const expectations = {
  'Fleet penetration (pooled)': ({ labels, value }) => (labels.basis === 'declared'
    ? near(value, 0.45)  // 27 of 60, from the demo configs
    : wasPublished('ftel/v1/rates/fleet', (j) => percentOf(j.observed.pooled), value)),
  'Factories at or above each mark': ({ labels, value }) => wasPublished('ftel/v1/rates/fleet',
    (j) => j[labels.basis].marks[`at_or_above_${Math.round(Number(labels.mark) * 100)}`], value),
  Coverage: ({ value }) => value === 1,
  Factories: ({ labels, value }) => value === (labels.__name__ === 'ftel:factories_stale:count' ? 0 : 3),
  'Penetration by factory': ({ labels, value }) => wasPublished(factoryTopic(labels.factory),
    (j) => percentOf(j[labels.basis]), value),
  'OEE by factory': ({ labels, value }) => wasPublished(factoryTopic(labels.factory),
    (j) => (j.production?.oee_percent ?? NaN) / 100, value),
  'Online and stale': ({ labels, value }) => value === (labels.__name__ === 'ftel_factory_online' ? 1 : 0),
  'Completeness by factory': ({ labels, value }) => wasPublished(factoryTopic(labels.factory),
    (j) => percentOf(j.completeness), value),
  'Declared penetration by group': ({ labels, value }) => wasPublished(
    `ftel/v1/rates/${labels.group_kind}/${labels.group}`, (j) => percentOf(j.declared.pooled), value),
  'Input rejected (per second, by reason)': ({ value }) => value === 0,
  'Reports counted (per second)': ({ value }) => value > 0,
  'Aggregator connected to the broker': ({ value }) => value === 1,
};

before(async () => {
  plant = await Plant.start('prometheus');
  recorder = await recordResults(plant);
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  // The rules as shipped, with every `for` cut to 3 s so that the test is short
  // (ftel-rules.test.yml checks the real durations with promtool).
  const fastRules = join(plant.dir, 'ftel-rules.yml');
  writeFileSync(fastRules, readFileSync(rules, 'utf8').replace(/for: \d+m/g, 'for: 3s'));
  const config = join(plant.dir, 'prometheus.yml');
  writeFileSync(config, [
    'global: {scrape_interval: 1s, evaluation_interval: 1s}',
    `rule_files: ['${fastRules}']`,
    'scrape_configs:',
    '  - job_name: ftel-aggregator',
    `    static_configs: [{targets: ['127.0.0.1:${plant.httpPort}']}]`,
    '',
  ].join('\n'));
  execFileSync('promtool', ['check', 'config', config]);
  prometheus = plant.spawn('prometheus', ['prometheus', `--config.file=${config}`,
    `--storage.tsdb.path=${join(plant.dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`]);
  await waitFor('Prometheus to scrape three online factories', async () =>
    (await query('sum(ftel_factory_online)'))[0]?.value === 3, 60000, 500);
  // Rates need two samples in their window.
  await waitFor('a report rate', async () =>
    (await query('rate(ftel_aggregator_messages_total{type="report"}[5m])'))[0]?.value > 0, 30000, 500);
});

after(async () => {
  await prometheus?.stop();
  await recorder?.end();
  await plant?.stop();
});

test('promtool accepts the rules and their unit tests pass', () => {
  const checked = execFileSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
  assert.match(checked, /SUCCESS: 15 rules found/);
  execFileSync('promtool', ['test', 'rules', 'ftel-rules.test.yml'],
    { cwd: join(root, 'dashboard', 'prometheus') });
});

test('every query of the Grafana dashboard returns the published values', async (t) => {
  let checked = 0;
  for (const panel of grafana.panels) {
    const expect = expectations[panel.title];
    assert.ok(expect, `no expectation for panel "${panel.title}"`);
    for (const target of panel.targets) {
      const expr = target.expr.replaceAll('$factory', '.*');
      const series = await waitFor(`data for ${expr}`, async () => {
        const result = await query(expr);
        return result.length ? result : undefined;
      }, 20000, 500);
      for (const sample of series) {
        // A sample scraped just before the test's subscription saw its value
        // is retried: the next scrape comes within a second.
        await waitFor(`${panel.title}: ${expr} ${JSON.stringify(sample.labels)} = ${sample.value}`,
          async () => {
            const now = (await query(expr)).find((s) =>
              JSON.stringify(s.labels) === JSON.stringify(sample.labels));
            return now && expect(now);
          }, 5000, 500);
        checked += 1;
      }
    }
  }
  // 3 factories x (2 bases + OEE + completeness + online + stale) and the fleet and groups.
  t.diagnostic(`${checked} series checked`);
  assert.ok(checked >= 40, `${checked} series checked`);
});

test('the offline alert fires when an agent is killed', async () => {
  const offline = async () => {
    const response = await fetch(`${api}/api/v1/alerts`);
    return (await response.json()).data.alerts.filter((a) => a.labels.alertname === 'FtelFactoryOffline');
  };
  assert.deepEqual(await offline(), []);
  await plant.agents.get('tangshan-steel').stop('SIGKILL');
  const alerts = await waitFor('FtelFactoryOffline firing', async () => {
    const firing = (await offline()).filter((a) => a.state === 'firing');
    return firing.length ? firing : undefined;
  }, 30000, 500);
  assert.deepEqual(alerts.map((a) => a.labels.factory), ['tangshan-steel']);
});
