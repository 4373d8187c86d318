import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The merchant's return URL for the bench, in its own process so it does not share the event
 * loop of what is measured: reads the whole POST and answers 200, keep-alive, nothing else;
 * after `argv[2]` milliseconds when given (a slow merchant).
 */
const delayMs = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`receiver listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
