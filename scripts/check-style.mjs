// House-style checks that TypeScript does not make: a doc comment on every export, files under 400 lines, no process.env outside config.
import fs from 'node:fs';
import path from 'node:path';

const problems = [];
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) check(p);
  }
}
function check(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines.length > 400) problems.push(`${file}: ${lines.length} lines; split it by use case`);
  lines.forEach((line, i) => {
    if (/^export (async )?(function|class|const|interface|type|enum) /.test(line)) {
      let j = i - 1;
      while (j >= 0 && lines[j].trim() === '') j--;
      if (j < 0 || !lines[j].trim().endsWith('*/')) problems.push(`${file}:${i + 1}: export without a doc comment`);
    }
    if (/process\.env\b/.test(line) && !file.endsWith(path.join('src', 'config.ts')) && !file.endsWith('main.ts')) {
      problems.push(`${file}:${i + 1}: read settings through src/config.ts`);
    }
  });
}
walk('src');
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('style: ok');
