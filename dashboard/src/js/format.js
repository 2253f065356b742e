// How a figure is read out of a retained JSON message and shown. Every figure
// on the page is an element with class "fig" that names its source:
// data-topic (the retained topic), data-path (a dotted path in its JSON, or
// "a-b" for a difference of two paths) and data-format (how it is written).

// The value at `path` in `json`; undefined when absent (a percent over zero).
export function valueAt(json, path) {
  if (json == null) return undefined;
  if (path.includes('-') && !path.startsWith('scenario.')) {
    const [a, b] = path.split('-').map((p) => valueAt(json, p));
    return a === undefined || b === undefined ? undefined : Number(a) - Number(b);
  }
  if (path.startsWith('scenario.')) return json[path];  // flat view: the name holds dots
  let value = json;
  for (const key of path.split('.')) {
    if (value == null || typeof value !== 'object') return undefined;
    value = value[key];
  }
  return value;
}

// percent: 45.0 %; count: 64-bit counts arrive as strings; ratio: a
// {numerator, denominator}; bool: yes/no; flag: a 0/1 of the flat view.
export function formatValue(value, format, t) {
  if (value === undefined || value === null) return format === 'flag' ? '·' : '—';
  switch (format) {
    case 'percent': return `${Number(value).toFixed(1)} %`;
    case 'count': return String(Number(value));
    case 'ratio': return `${Math.round(value.numerator)} / ${Math.round(value.denominator)}`;
    case 'seconds': return `${Number(value).toFixed(2)} s`;
    case 'bool': return value ? t('yes') : t('no');
    case 'flag': return Number(value) === 1 ? '✓' : '·';
    default: return String(value);
  }
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// One figure as an element: <span> by default, or <td>.
export function fig(source, path, format, t, tag = 'span', extraClass = '') {
  const value = valueAt(source.json, path);
  const flagClass = format === 'flag' ? ` flag-${Number(value) === 1 ? 1 : 0}` : '';
  return `<${tag} class="fig${flagClass} ${extraClass}" data-topic="${escapeHtml(source.topic)}" ` +
    `data-path="${escapeHtml(path)}" data-format="${format}">` +
    `${escapeHtml(formatValue(value, format, t))}</${tag}>`;
}
