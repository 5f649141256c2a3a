// A local SMTP sink for benchmarks: a minimal SMTP responder that accepts and discards every message (pipelining
// included) and answers its count over HTTP (and at /recipients?suffix=@x, how many messages and distinct recipients
// with addresses ending so, for the crash benchmark). It does as little as possible, so the sender is what is measured.
import http from 'node:http';
import net from 'node:net';

const [smtpPort, httpPort] = process.argv.slice(2).map(Number);
let count = 0;
const perRecipient = new Map<string, number>();

net
  .createServer((socket) => {
    let inData = false;
    let buffer = '';
    let rcpts: string[] = [];
    socket.setNoDelay(true);
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let out = '';
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) {
            // Keep only a tail long enough to hold a split terminator.
            if (buffer.length > 8) buffer = buffer.slice(-8);
            break;
          }
          buffer = buffer.slice(end + 5);
          inData = false;
          count++;
          for (const r of rcpts) perRecipient.set(r, (perRecipient.get(r) ?? 0) + 1);
          rcpts = [];
          out += '250 OK queued\r\n';
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) break;
        const line = buffer.slice(0, nl).toUpperCase();
        buffer = buffer.slice(nl + 2);
        if (line.startsWith('EHLO')) out += '250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n';
        else if (line.startsWith('RCPT TO:')) {
          rcpts.push((/<([^>]*)>/.exec(line)?.[1] ?? '').toLowerCase());
          out += '250 OK\r\n';
        } else if (line.startsWith('DATA')) {
          inData = true;
          out += '354 go ahead\r\n';
        } else if (line.startsWith('QUIT')) {
          socket.end('221 bye\r\n');
          return;
        } else out += '250 OK\r\n';
      }
      if (out) socket.write(out);
    });
    socket.on('error', () => undefined);
  })
  .listen(smtpPort, '127.0.0.1');
// Idle HTTP connections stay open longer than the client keeps them, so a poll never meets a socket closing under it.
const web = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://sink');
  if (url.pathname !== '/recipients') return res.end(String(count));
  const suffix = (url.searchParams.get('suffix') ?? '').toLowerCase();
  let messages = 0;
  let unique = 0;
  for (const [r, n] of perRecipient)
    if (r.endsWith(suffix)) {
      messages += n;
      unique++;
    }
  res.end(JSON.stringify({ messages, unique }));
});
web.keepAliveTimeout = 120_000;
web.listen(httpPort, '127.0.0.1');
