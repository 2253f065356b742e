// The test's own reading of the page: every element of class "fig" names the
// retained topic, the JSON path and the format of the figure it shows
// (dashboard/src/js/format.js). This computes, independently of the page's
// code, the text each should show from the JSON the test itself received.

function valueAt(json, path) {
  if (json === undefined) return undefined;
  if (path.startsWith('scenario.')) return json[path];
  if (path.includes('-')) {
    const [a, b] = path.split('-').map((p) => valueAt(json, p));
    return a === undefined || b === undefined ? undefined : Number(a) - Number(b);
  }
  return path.split('.').reduce((v, key) => (v == null ? undefined : v[key]), json);
}

export function expectedText(json, path, format) {
  const value = valueAt(json, path);
  if (value == null) return format === 'flag' ? '·' : '—';
  switch (format) {
    case 'percent': return `${Number(value).toFixed(1)} %`;
    case 'count': return String(Number(value));
    case 'ratio': return `${Math.round(value.numerator)} / ${Math.round(value.denominator)}`;
    case 'bool': return value ? 'yes' : 'no';
    case 'flag': return Number(value) === 1 ? '✓' : '·';
    case 'text': return String(value);
    default: throw new Error(`unknown format ${format}`);
  }
}

// Every figure on the page (or under `selector`), with what it should read.
export async function pageFigures(page, latest, selector = 'body') {
  const figures = await page.$$eval(`${selector} .fig`, (elements) => elements.map((el) => ({
    topic: el.dataset.topic, path: el.dataset.path, format: el.dataset.format,
    shown: el.textContent,
  })));
  return figures.map((f) => ({ ...f, expected: expectedText(latest.get(f.topic), f.path, f.format) }));
}

export function mismatches(figures) {
  return figures.filter((f) => f.shown !== f.expected);
}
