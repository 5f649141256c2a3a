// Whether dist/ is older than any source file, so the `baton` command never runs stale compiled code.
import fs from 'node:fs';
import path from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(p));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, fs.statSync(p).mtimeMs);
  }
  return latest;
}

/** True when dist/ is missing or any .ts file under src/ changed after it was built. */
export function isStale(root) {
  const stamp = path.join(root, 'dist/.stamp');
  if (!fs.existsSync(stamp)) return true;
  return newest(path.join(root, 'src')) > fs.statSync(stamp).mtimeMs;
}
