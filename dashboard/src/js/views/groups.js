// Link, sector and region groups: pooled rates and the marks ladder, one
// table per kind. Links are named from the catalogue in the page's language.
import { escapeHtml, fig } from '../format.js';
import { linkName } from '../catalogue.js';

const kinds = [['link', 'links'], ['sector', 'sectors'], ['region', 'regions']];

function row(source, kind, { t, language, catalogue }) {
  const name = kind === 'link'
    ? `<td class="text">${escapeHtml(source.json.key)} · ${escapeHtml(linkName(catalogue, source.json.key, language))}</td>`
    : fig(source, 'name', 'text', t, 'td', 'text');
  return `<tr data-group="${escapeHtml(`${kind}/${source.json.key}`)}">${name}` +
    fig(source, 'factories', 'count', t, 'td') +
    fig(source, 'factories_online', 'count', t, 'td') +
    fig(source, 'factories_stale', 'count', t, 'td') +
    fig(source, 'declared.pooled.percent', 'percent', t, 'td') +
    fig(source, 'observed.pooled.percent', 'percent', t, 'td') +
    [20, 60, 70].map((m) => fig(source, `declared.marks.at_or_above_${m}`, 'count', t, 'td')).join('') +
    '</tr>';
}

// Links in catalogue order; sectors and regions by key.
function ordered(groups, kind, catalogue) {
  if (kind !== 'link') return groups;
  const rank = (g) => catalogue.links.findIndex((l) => l.id === g.json.key);
  return [...groups].sort((a, b) => rank(a) - rank(b));
}

export function renderGroups(container, results, context) {
  const { t } = context;
  container.innerHTML = kinds.map(([kind, title]) => `<h3>${t(title)}</h3>
    <table><thead><tr><th>${t('name')}</th><th>${t('factoriesN')}</th><th>${t('online')}</th>
    <th>${t('stale')}</th><th>${t('declared')}</th><th>${t('observed')}</th>
    <th>≥20 %</th><th>≥60 %</th><th>≥70 %</th></tr></thead>
    <tbody>${ordered(results.groups(kind), kind, context.catalogue)
      .map((g) => row(g, kind, context)).join('')}</tbody></table>`).join('');
}
