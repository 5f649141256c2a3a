// Compiles Baton's stylesheet (GOV.UK Frontend with the network's own look) into public/build/baton.css.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'public/build/baton.css');
if (process.argv.includes('--if-missing') && fs.existsSync(out)) process.exit(0);
// Sass is a dev tool, loaded only when the stylesheet has to be built.
const sass = await import('sass');
const result = sass.compile(path.join(root, 'src/platform/http/styles/baton.scss'), {
  loadPaths: [path.join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
});
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, result.css);
console.log(`built ${path.relative(root, out)} (${result.css.length} bytes)`);
