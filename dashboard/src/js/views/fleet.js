// The fleet: pooled declared and observed penetration against the 20/60/70 %
// marks, how many factories reach each mark, min/median/max, and coverage.
import { fig, valueAt } from '../format.js';

const marks = [20, 60, 70];

function kpi(label, html) {
  return `<div class="kpi"><div class="label">${label}</div><div>${html}</div></div>`;
}

function penetration(fleet, basis, t) {
  const percent = valueAt(fleet.json, `${basis}.pooled.percent`) ?? 0;
  const bar = `<div class="bar"><div class="fill" style="width:${Math.min(percent, 100)}%"></div>` +
    marks.map((m) => `<div class="mark" style="left:${m}%"><span>${m}%</span></div>`).join('') +
    '</div>';
  return `<h3>${t(basis)}</h3>
    <div class="kpis">
      ${kpi(t('pooled'), `<span class="big">${fig(fleet, `${basis}.pooled.percent`, 'percent', t)}</span>
        ${fig(fleet, `${basis}.pooled`, 'ratio', t)}`)}
      ${kpi(t('min'), fig(fleet, `${basis}.distribution.min_percent`, 'percent', t))}
      ${kpi(t('median'), fig(fleet, `${basis}.distribution.median_percent`, 'percent', t))}
      ${kpi(t('max'), fig(fleet, `${basis}.distribution.max_percent`, 'percent', t))}
      ${marks.map((m) => kpi(`${t('ladder')} ${m} %`,
        fig(fleet, `${basis}.marks.at_or_above_${m}`, 'count', t))).join('')}
    </div>${bar}`;
}

export function renderFleet(container, results, { t }) {
  const fleet = results.fleet();
  if (!fleet.json) {
    container.innerHTML = `<p class="empty">${t('noData')}</p>`;
    return;
  }
  container.innerHTML = `${penetration(fleet, 'declared', t)}${penetration(fleet, 'observed', t)}
    <h3>${t('coverage')}</h3>
    <div class="kpis">
      ${kpi(t('factoriesN'), fig(fleet, 'factories', 'count', t))}
      ${kpi(t('online'), fig(fleet, 'factories_online', 'count', t))}
      ${kpi(t('offline'), fig(fleet, 'factories-factories_online', 'count', t))}
      ${kpi(t('reporting'), fig(fleet, 'factories-factories_stale', 'count', t))}
      ${kpi(t('stale'), fig(fleet, 'factories_stale', 'count', t))}
      ${kpi(t('completeness'), fig(fleet, 'completeness.percent', 'percent', t))}
      ${kpi(t('terminals'), fig(fleet, 'terminals.percent', 'percent', t))}
      ${kpi(t('keyEquipment'), fig(fleet, 'key_equipment.percent', 'percent', t))}
      ${kpi(t('oee'), fig(fleet, 'production.oee_percent', 'percent', t))}
    </div>`;
}
