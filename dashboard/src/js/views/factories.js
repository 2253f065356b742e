// Every factory in one table, sortable by any column and filtered by the
// text in the filter box (name, id, sector or region).
import { escapeHtml, fig, valueAt } from '../format.js';

const columns = [
  { key: 'name', path: 'factory_name', format: 'text' },
  { key: 'sector', path: 'sector', format: 'text' },
  { key: 'region', path: 'region', format: 'text' },
  { key: 'online', path: 'online', format: 'bool' },
  { key: 'stale', path: 'stale', format: 'bool' },
  { key: 'completeness', path: 'completeness.percent', format: 'percent' },
  { key: 'declared', path: 'declared.percent', format: 'percent' },
  { key: 'observed', path: 'observed.percent', format: 'percent' },
  { key: 'oee', path: 'production.oee_percent', format: 'percent' },
];

const sort = { key: 'name', direction: 'asc' };

function sortValue(source, column) {
  const value = valueAt(source.json, column.path);
  if (column.format === 'text') return String(value ?? '').toLowerCase();
  if (column.format === 'bool') return value ? 1 : 0;
  return value === undefined ? -1 : Number(value);
}

export function renderFactories(container, results, { t, filter, selected, onSelect, onSort }) {
  const needle = filter.trim().toLowerCase();
  const column = columns.find((c) => c.key === sort.key);
  const rows = results.factories()
    .filter(({ json }) => !needle || [json.factory_id, json.factory_name, json.sector, json.region]
      .some((text) => String(text).toLowerCase().includes(needle)))
    .sort((a, b) => {
      const [x, y] = [sortValue(a, column), sortValue(b, column)];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return sort.direction === 'asc' ? order : -order;
    });
  const head = columns.map((c) => `<th class="sortable" data-key="${c.key}"` +
    `${c.key === sort.key ? ` data-sorted="${sort.direction}"` : ''}>${t(c.key)}</th>`).join('');
  const body = rows.map((source) => {
    const id = source.json.factory_id;
    return `<tr data-factory="${escapeHtml(id)}"${id === selected ? ' class="selected"' : ''}>` +
      columns.map((c) => fig(source, c.path, c.format, t, 'td', c.format === 'text' ? 'text' : ''))
        .join('') + '</tr>';
  }).join('');
  container.innerHTML = `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  for (const th of container.querySelectorAll('th.sortable')) {
    th.addEventListener('click', () => {
      sort.direction = sort.key === th.dataset.key && sort.direction === 'asc' ? 'desc' : 'asc';
      sort.key = th.dataset.key;
      onSort();
    });
  }
  for (const tr of container.querySelectorAll('tbody tr')) {
    tr.addEventListener('click', () => onSelect(tr.dataset.factory));
  }
}
