// Builds the dashboard into one folder that any static server can serve,
// mosquitto's http_dir among them: index.html with the styles inlined, one
// classic script (app.js: the page's modules with mqtt.js and uPlot, bundled
// by esbuild from node_modules) and the scenario catalogue as JSON. mosquitto
// sends files without a MIME type, which browsers refuse for module scripts
// and style sheets but accept for a classic script; nothing is fetched at run
// time from anywhere but the serving host.
//
//   node build.mjs OUTPUT_DIR [CATALOGUE_TSV]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, '..', 'build', 'dashboard'));
const tsv = resolve(process.argv[3] ?? join(here, '..', 'config', 'scenario-catalogue.tsv'));

// id, link_id, link_zh, link_en, name_zh, name_en; the first line names them.
function catalogueJson(text) {
  const links = [];
  const scenarios = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [id, link, linkZh, linkEn, nameZh, nameEn] = line.split('\t');
    if (!links.some((l) => l.id === link)) links.push({ id: link, zh: linkZh, en: linkEn });
    scenarios.push({ id, link, zh: nameZh, en: nameEn });
  }
  return { links, scenarios };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'js', 'main.js')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'linked',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
const styles = [join(here, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'),
  join(here, 'src', 'style.css')].map((file) => readFileSync(file, 'utf8')).join('\n');
const html = readFileSync(join(here, 'src', 'index.html'), 'utf8')
  .replace('<link rel="stylesheet" href="style.css">', () => `<style>\n${styles}</style>`)
  .replace('<script type="module" src="js/main.js"></script>', '<script src="app.js" defer></script>');
writeFileSync(join(out, 'index.html'), html);
const catalogue = catalogueJson(readFileSync(tsv, 'utf8'));
writeFileSync(join(out, 'catalogue.json'), JSON.stringify(catalogue));
console.log(`dashboard: built into ${out} (${catalogue.scenarios.length} scenarios)`);
