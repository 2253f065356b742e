// What the dashboard tests run against: a real mosquitto (a plain listener
// for the ftel processes, a WebSockets listener that also serves the built
// page through http_dir, logins and the repository's ACL example), the plant
// simulator (ftel-plant-sim, docs/plant-simulator.md) with its Sparkplug B
// edge node on a second, anonymous "shop-floor" mosquitto, the real
// aggregator and the three demo factories' agents reading the simulator,
// each on free loopback ports in a fresh directory under the build folder.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join, resolve } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
// The npm packages live with the dashboard (dashboard/node_modules).
export const requireDashboard = createRequire(join(root, 'dashboard', 'package.json'));
const mqtt = requireDashboard('mqtt');

export const binDir = resolve(process.env.FTEL_BIN_DIR ?? join(root, 'build', 'native'));
export const pageDir = resolve(process.env.FTEL_DASHBOARD_DIR ?? join(binDir, 'dashboard'));
export const factories = ['foshan-appliances', 'suzhou-electronics', 'tangshan-steel'];
export const dashboardLogin = { username: 'dashboard', password: 'dashboard-secret' };

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what, probe, timeoutMs = 20000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
}

// A loopback port nothing listens on (the kernel picks it).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

class Process {
  constructor(name, argv, logPath) {
    this.name = name;
    this.argv = argv;
    this.logPath = logPath;
  }

  start() {
    const log = createWriteStream(this.logPath, { flags: 'a' });
    this.child = spawn(this.argv[0], this.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.pipe(log);
    this.child.stderr.pipe(log);
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
    return this;
  }

  async stop(signal = 'SIGTERM') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
  }

  log() { return readFileSync(this.logPath, 'utf8'); }
}

// The broker, aggregator and agents of one test, in `dir`.
export class Plant {
  static async start(name) {
    const base = join(binDir, 'dashboard-tests');
    mkdirSync(base, { recursive: true });
    const plant = new Plant(mkdtempSync(join(base, `${name}-`)));
    await plant.startBroker();
    await plant.startPlantSim();
    await plant.startAggregator();
    for (const factory of factories) plant.startAgent(factory);
    return plant;
  }

  constructor(dir) {
    this.dir = dir;
    this.agents = new Map();
    this.others = [];
  }

  async startBroker() {
    this.mqttPort = await freePort();
    this.wsPort = await freePort();
    this.httpPort = await freePort();
    const passwd = join(this.dir, 'passwd');
    const users = {
      'ftel-aggregator': 'aggregator-secret',
      [dashboardLogin.username]: dashboardLogin.password,
      ...Object.fromEntries(factories.map((f) => [`${f}.edge-1`, `${f}-secret`])),
    };
    this.users = users;
    writeFileSync(passwd, '');
    for (const [user, password] of Object.entries(users)) {
      execFileSync('mosquitto_passwd', ['-b', passwd, user, password]);
    }
    // The ACL example as shipped: it must let the dashboard read the flat views.
    const acl = readFileSync(join(root, 'config', 'mosquitto', 'acl.example'), 'utf8');
    if (!acl.includes('topic read ftel/v1/flat/#')) throw new Error('acl.example lacks the flat views');
    writeFileSync(join(this.dir, 'acl'), acl);
    // mosquitto 2.0.11 needs a plain listener besides the WebSockets one,
    // and binds a WebSockets listener to every address whatever it is told.
    writeFileSync(join(this.dir, 'mosquitto.conf'), [
      'user root',
      `listener ${this.mqttPort} 127.0.0.1`,
      `listener ${this.wsPort}`,
      'protocol websockets',
      `http_dir ${pageDir}`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${join(this.dir, 'acl')}`,
      'persistence true',
      `persistence_location ${this.dir}/`,
      'autosave_interval 1',
      'max_queued_messages 100000',
      '',
    ].join('\n'));
    this.broker = new Process('mosquitto',
      ['mosquitto', '-c', join(this.dir, 'mosquitto.conf')], join(this.dir, 'mosquitto.log'));
    await this.restartBroker();
  }

  async restartBroker() {
    await this.broker.stop();
    this.broker.start();
    await waitFor('mosquitto to listen', async () =>
      (await portOpen(this.mqttPort)) && (await portOpen(this.wsPort)), 10000, 50);
  }

  // The shop-floor broker and the simulated plant the demo agents read.
  async startPlantSim() {
    this.shopFloorPort = await freePort();
    this.modbusPort = await freePort();
    this.simPort = await freePort();
    writeFileSync(join(this.dir, 'shop-floor.conf'),
      `listener ${this.shopFloorPort} 127.0.0.1\nallow_anonymous true\n`);
    this.shopFloor = new Process('shop-floor',
      ['mosquitto', '-c', join(this.dir, 'shop-floor.conf')], join(this.dir, 'shop-floor.log')).start();
    await waitFor('the shop-floor broker to listen', () => portOpen(this.shopFloorPort), 10000, 50);
    this.plantSim = new Process('plant-sim', [join(binDir, 'ftel-plant-sim'),
      '--modbus', `127.0.0.1:${this.modbusPort}`, '--metrics', `127.0.0.1:${this.simPort}`,
      '--sparkplug-broker', `tcp://127.0.0.1:${this.shopFloorPort}`, '--group', 'plant',
      '--edge-node', 'tangshan-steel'], join(this.dir, 'plant-sim.log')).start();
    await waitFor('the plant simulator to listen', async () =>
      (await portOpen(this.simPort)) && (await portOpen(this.modbusPort)), 10000, 50);
  }

  async startAggregator() {
    const config = readFileSync(join(root, 'config', 'demo', 'aggregator.yaml'), 'utf8')
      .replace(/^ {2}uri: .*$/m, `  uri: tcp://127.0.0.1:${this.mqttPort}\n  username: ftel-aggregator\n  password: ${this.users['ftel-aggregator']}`)
      .replace(/^catalogue_path: .*$/m, `catalogue_path: ${join(root, 'config', 'scenario-catalogue.tsv')}`)
      .replace(/^state_file: .*$/m, `state_file: ${join(this.dir, 'aggregator.db')}`)
      .replace(/^http_listen: .*$/m, `http_listen: 127.0.0.1:${this.httpPort}`);
    writeFileSync(join(this.dir, 'aggregator.yaml'), `${config}stale_after_s: 30\nhistory_every_s: 2\n`);
    this.aggregator = new Process('aggregator',
      [join(binDir, 'ftel-aggregator'), '--config', join(this.dir, 'aggregator.yaml')],
      join(this.dir, 'aggregator.log')).start();
    // Its persistent session must exist before the agents publish.
    await waitFor('the aggregator to subscribe', () => this.aggregator.log().includes('subscribed to'));
  }

  // The demo config of `factory`, pointed at this broker, with `edit` applied to its text.
  agentConfig(factory, edit = (text) => text) {
    const path = join(this.dir, `${factory}.yaml`);
    const text = readFileSync(join(root, 'config', 'demo', `${factory}.yaml`), 'utf8')
      .replace(/^ {2}uri: .*$/m, `  uri: tcp://127.0.0.1:${this.mqttPort}\n  username: ${factory}.edge-1\n  password: ${this.users[`${factory}.edge-1`]}`)
      .replace(/^catalogue_path: .*$/m, `catalogue_path: ${join(root, 'config', 'scenario-catalogue.tsv')}`)
      .replace(/^spool: .*$/m, `spool: {dir: ${join(this.dir, 'spool', factory)}}`)
      // The plant simulator's ports, as scripts/demo.sh sets them.
      .replaceAll('tcp://127.0.0.1:1883', `tcp://127.0.0.1:${this.shopFloorPort}`)
      .replace(/^( *)port: 1502\b/m, `$1port: ${this.modbusPort}`)
      .replaceAll('http://127.0.0.1:9102/', `http://127.0.0.1:${this.simPort}/`);
    writeFileSync(path, edit(text));
    return path;
  }

  startAgent(factory, edit) {
    const config = this.agentConfig(factory, edit);
    const agent = new Process(factory, [join(binDir, 'ftel-agent'), '--config', config],
      join(this.dir, `${factory}.log`)).start();
    this.agents.set(factory, agent);
    return agent;
  }

  // Another process of the test, logging into the test's directory.
  spawn(name, argv) {
    const process = new Process(name, argv, join(this.dir, `${name}.log`)).start();
    this.others.push(process);
    return process;
  }

  async stop() {
    for (const other of this.others) await other.stop();
    for (const agent of this.agents.values()) await agent.stop();
    if (this.aggregator) await this.aggregator.stop();
    if (this.broker) await this.broker.stop();
    if (this.plantSim) await this.plantSim.stop();
    if (this.shopFloor) await this.shopFloor.stop();
  }
}

// Subscribes as the dashboard user and keeps the newest JSON of every
// results topic, as the page should, and every value each topic had.
export async function recordResults(plant) {
  const latest = new Map();
  const seen = new Map();
  const client = mqtt.connect(`mqtt://127.0.0.1:${plant.mqttPort}`, {
    ...dashboardLogin, protocolVersion: 4, reconnectPeriod: 500,
  });
  client.on('message', (topic, payload) => {
    if (!payload.length) return;
    const json = JSON.parse(payload.toString());
    latest.set(topic, json);
    if (!seen.has(topic)) seen.set(topic, []);
    seen.get(topic).push(json);
  });
  await new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  await client.subscribeAsync(['ftel/v1/rates/#', 'ftel/v1/history/#', 'ftel/v1/flat/#'], { qos: 1 });
  return { latest, seen, end: () => client.endAsync() };
}
