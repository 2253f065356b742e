// One factory: its rates, terminal and equipment shares, OEE and its three
// factors, and its scenario matrix by process link (built, AI declared, AI
// observed; from the factory's flat view, which carries its scenarios).
import { escapeHtml, fig } from '../format.js';

function kpi(label, html) {
  return `<div class="kpi"><div class="label">${label}</div><div>${html}</div></div>`;
}

function matrix(catalogue, flat, language, t) {
  const rows = catalogue.links.map((link) => {
    const scenarios = catalogue.scenarios.filter((s) => s.link === link.id).map((s) =>
      `<tr data-scenario="${escapeHtml(s.id)}"><td>${escapeHtml(s.id)}</td>` +
      `<td class="text">${escapeHtml(s[language])}</td>` +
      ['built', 'ai_declared', 'ai_observed']
        .map((what) => fig(flat, `scenario.${s.id}.${what}`, 'flag', t, 'td')).join('') +
      '</tr>');
    return `<tr><td class="link" colspan="5">${escapeHtml(link.id)} · ${escapeHtml(link[language])}` +
      `</td></tr>${scenarios.join('')}`;
  });
  return `<h3>${t('matrix')}</h3><table class="matrix"><thead><tr><th>${t('scenario')}</th>` +
    `<th></th><th>${t('built')}</th><th>${t('aiDeclared')}</th><th>${t('aiObserved')}</th>` +
    `</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderFactory(container, results, { t, language, catalogue, selected }) {
  const factory = results.factory(selected);
  if (!selected || !factory.json) {
    container.innerHTML = `<p class="empty">${t('noData')}</p>`;
    return;
  }
  const flat = results.flatFactory(selected);
  const ratio = (label, path) => kpi(label,
    `${fig(factory, `${path}.percent`, 'percent', t)} (${fig(factory, path, 'ratio', t)})`);
  container.innerHTML = `<div class="kpis">
      ${kpi(t('name'), fig(factory, 'factory_name', 'text', t))}
      ${kpi(t('online'), fig(factory, 'online', 'bool', t))}
      ${kpi(t('stale'), fig(factory, 'stale', 'bool', t))}
      ${kpi(t('completeness'), fig(factory, 'completeness.percent', 'percent', t))}
    </div>
    <div class="kpis">
      ${ratio(t('declared'), 'declared')}
      ${ratio(t('observed'), 'observed')}
      ${ratio(t('terminals'), 'terminals')}
      ${ratio(t('keyEquipment'), 'key_equipment')}
    </div>
    <div class="kpis">
      ${kpi(t('oee'), `<span class="big">${fig(factory, 'production.oee_percent', 'percent', t)}</span>`)}
      ${kpi(t('availability'), fig(factory, 'production.availability.percent', 'percent', t))}
      ${kpi(t('effectiveness'), fig(factory, 'production.effectiveness.percent', 'percent', t))}
      ${kpi(t('quality'), fig(factory, 'production.quality.percent', 'percent', t))}
    </div>
    ${matrix(catalogue, flat, language, t)}`;
}
