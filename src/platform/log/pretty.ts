// Pino's JSON lines made readable for a person at a terminal: time, level, message, then the other fields as key=value.
// A dozen lines of our own instead of pino-pretty and its fourteen dependencies (docs/decisions.md, "Logs").

const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '90' },
  20: { name: 'DEBUG', colour: '90' },
  30: { name: 'INFO ', colour: '32' },
  40: { name: 'WARN ', colour: '33' },
  50: { name: 'ERROR', colour: '31' },
  60: { name: 'FATAL', colour: '41;97' },
};
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err', 'v']);

/** Formats a value for a key=value pair: strings bare unless they hold spaces, everything else as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string') return /[\s="]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** One pino JSON line as one readable line (and an error's stack under it); a line that is not JSON is returned as it is. */
export function formatLogLine(line: string, opts: { colour: boolean }): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const level = LEVELS[Number(entry.level)] ?? { name: String(entry.level).toUpperCase().padEnd(5), colour: '0' };
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toTimeString().slice(0, 8);
  const paint = (code: string, s: string) => (opts.colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const extras = Object.entries(entry)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => paint('90', `${k}=${show(v)}`));
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const stack = err ? `\n${paint('31', String(err.stack ?? err.message ?? JSON.stringify(err)))}` : '';
  return `${paint('90', time)} ${paint(level.colour, level.name)} ${String(entry.msg ?? '')}${extras.length ? ` ${extras.join(' ')}` : ''}${stack}`;
}

/** A destination for pino that writes each entry to `out` as a readable line. */
export function prettyStream(out: NodeJS.WritableStream = process.stdout, colour = true): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) out.write(`${formatLogLine(line, { colour })}\n`);
    },
  };
}
