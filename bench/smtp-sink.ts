// A local SMTP sink for benchmarks: a minimal SMTP responder that accepts and discards every message (pipelining
// included) and answers its count over HTTP. It does as little as possible, so the sender is what is measured.
import http from 'node:http';
import net from 'node:net';

const [smtpPort, httpPort] = process.argv.slice(2).map(Number);
let count = 0;

net
  .createServer((socket) => {
    let inData = false;
    let buffer = '';
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
          out += '250 OK queued\r\n';
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) break;
        const line = buffer.slice(0, nl).toUpperCase();
        buffer = buffer.slice(nl + 2);
        if (line.startsWith('EHLO')) out += '250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n';
        else if (line.startsWith('DATA')) {
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
http.createServer((_req, res) => res.end(String(count))).listen(httpPort, '127.0.0.1');
