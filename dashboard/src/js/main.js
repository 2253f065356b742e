// Wires the page: the login form and connection, the results store, the
// language switch and the five views, re-rendered when a message arrives.
import { loadCatalogue } from './catalogue.js';
import { connectBroker } from './connection.js';
import { currentLanguage, setLanguage, t, translateStatic } from './i18n.js';
import { Results } from './results.js';
import { renderFactories } from './views/factories.js';
import { renderFactory } from './views/factory.js';
import { renderFleet } from './views/fleet.js';
import { renderGroups } from './views/groups.js';
import { renderTrends } from './views/trends.js';

const query = new URLSearchParams(location.search);
const results = new Results(query.get('root') ?? 'ftel');
let catalogue = { links: [], scenarios: [] };
const $ = (selector) => document.querySelector(selector);
const view = {
  selected: localStorage.getItem('ftel.factory') ?? '',
  granularity: 'hour',
  connection: 'idle',
  detail: '',
};

// Served by the broker's WebSockets listener (mosquitto http_dir), the
// broker is the page's own host: ws:// for http://, wss:// for https://.
function defaultBrokerUrl() {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return 'ws://localhost:8080';
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

function render() {
  const context = { t, language: currentLanguage(), catalogue, selected: view.selected,
    granularity: view.granularity, filter: $('#factory-filter').value,
    onSelect: select, onSort: schedule };
  translateStatic();
  $('#language').textContent = t('language');
  const state = $('#connection');
  state.dataset.state = view.connection;
  state.textContent = t(view.connection);
  $('#connection-detail').textContent = view.detail;
  document.body.classList.toggle('offline', view.connection !== 'connected');
  const ids = results.factories().map((f) => f.json.factory_id);
  if (!ids.includes(view.selected) && ids.length) view.selected = ids[0];
  context.selected = view.selected;
  const picker = $('#factory-select');
  if (picker.options.length !== ids.length || [...picker.options].some((o, i) => o.value !== ids[i])) {
    picker.innerHTML = ids.map((id) => `<option value="${id}">${id}</option>`).join('');
  }
  picker.value = view.selected;
  renderFleet($('#fleet .body'), results, context);
  renderTrends($('#trends .body'), results, context);
  renderFactories($('#factories .body'), results, context);
  renderFactory($('#factory .body'), results, context);
  renderGroups($('#groups .body'), results, context);
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; render(); });
}

function select(id) {
  view.selected = id;
  localStorage.setItem('ftel.factory', id);
  schedule();
}

let connection = null;
function connect() {
  const form = $('#login');
  const url = form.url.value.trim();
  localStorage.setItem('ftel.broker', url);
  localStorage.setItem('ftel.username', form.username.value);
  if (connection) connection.end();
  results.byTopic.clear();
  connection = connectBroker({
    url, username: form.username.value, password: form.password.value,
    filters: results.filters(),
    onMessage: (topic, payload) => { if (results.take(topic, payload)) schedule(); },
    onState: (state, detail) => {
      view.connection = state;
      view.detail = detail ?? (state === 'refused' ? t('refusedDetail')
        : state === 'disconnected' || state === 'reconnecting' ? t('lostDetail') : '');
      schedule();
    },
  });
}

const form = $('#login');
form.url.value = query.get('broker') ?? localStorage.getItem('ftel.broker') ?? defaultBrokerUrl();
form.username.value = query.get('username') ?? localStorage.getItem('ftel.username') ?? '';
form.addEventListener('submit', (event) => { event.preventDefault(); connect(); });
$('#language').addEventListener('click', () => {
  setLanguage(currentLanguage() === 'zh' ? 'en' : 'zh');
  schedule();
});
$('#factory-filter').addEventListener('input', schedule);
$('#factory-select').addEventListener('change', (event) => select(event.target.value));
$('#trend-granularity').addEventListener('change', (event) => {
  view.granularity = event.target.value;
  schedule();
});
setLanguage(currentLanguage());
loadCatalogue().then((loaded) => {
  catalogue = loaded;
  render();
  if (query.get('connect') !== 'no') connect();
});
