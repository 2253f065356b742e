// The fleet's history (hourly or daily points from the history topics) as a
// uPlot chart: declared and observed penetration, OEE and completeness.
import uPlot from 'uplot';
import { fig } from '../format.js';

let chart = null;

export function renderTrends(container, results, { t, granularity }) {
  const history = results.history('fleet', 'all', granularity);
  if (chart) chart.destroy();
  chart = null;
  if (!history.json) {
    container.innerHTML = `<p class="empty">${t('noData')}</p>`;
    return;
  }
  const points = history.json.points;
  container.innerHTML = `<p>${t('points')}: ${fig(history, 'points.length', 'count', t)}</p>` +
    '<div class="chart"></div>';
  if (points.length === 0) return;
  const percent = (ratio) => ratio?.percent ?? null;
  const data = [
    points.map((p) => Number(p.bucket_start_ms) / 1000),
    points.map((p) => percent(p.declared)),
    points.map((p) => percent(p.observed)),
    points.map((p) => p.oee_percent ?? null),
    points.map((p) => percent(p.completeness)),
  ];
  const pad = granularity === 'hour' ? 1800 : 43200;
  const series = (label, stroke) => ({ label, stroke, width: 2, points: { size: 7 } });
  chart = new uPlot({
    width: Math.max(container.clientWidth - 10, 300),
    height: 220,
    scales: {
      // Half a bucket either side, so that one point alone is not lost in a scale of years.
      x: { time: true, range: () => [data[0][0] - pad, data[0][data[0].length - 1] + pad] },
      y: { range: [0, 100] },
    },
    series: [{}, series(t('declared'), '#1d3557'), series(t('observed'), '#2a9d8f'),
      series(t('oee'), '#e76f51'), series(t('completeness'), '#8d99ae')],
  }, data, container.querySelector('.chart'));
}
