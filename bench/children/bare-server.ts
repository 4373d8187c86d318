import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BarePost } from '../lib/bare-post.js';
import { BarePg } from '../lib/bare-pg.js';
import { BareSql, parsePaymentPath } from '../lib/bare-sql.js';

/**
 * The service baselines: a bare node:http server with nothing of esipay in it.
 *   hello                      answers "hello world" (the floor of any node:http service)
 *   pay-post <receiver>        parses the v2 payment path, makes the callback POST, answers
 *   pay <db> <receiver>        the same with the payment's SQLite statements around the POST
 *   pay-pg <url> <receiver>    the same with the payment's PostgreSQL statements (pg, a pool of 10)
 *   refund <db>                parses the v2 refund path and runs the refund's SQLite statements
 * Prints "bare server listening on <url> merchant <id>" when ready.
 */
const [mode, ...rest] = process.argv.slice(2);
const post = new BarePost();
let sql: Pick<BareSql, 'beginPayment' | 'settlePayment'> | undefined;
let refunds: BareSql | undefined;
let close = () => {};
let merchant = '-';

if (mode === 'pay') {
  const bare = new BareSql(rest[0]!);
  [sql, close] = [bare, () => bare.close()];
  merchant = bare.addMerchant(rest[1]! + '/paid');
} else if (mode === 'pay-pg') {
  const bare = new BarePg(rest[0]!);
  [sql, close] = [bare, () => void bare.close()];
  await bare.migrate();
  merchant = await bare.addMerchant(rest[1]! + '/paid');
} else if (mode === 'refund') {
  const bare = new BareSql(rest[0]!);
  [refunds, close] = [bare, () => bare.close()];
  merchant = bare.addMerchant('http://127.0.0.1:9/unused');
} else if (mode === 'pay-post') {
  merchant = 'bare';
} else if (mode !== 'hello') {
  throw new Error(`unknown mode ${mode}`);
}
const receiverUrl = (mode === 'pay' || mode === 'pay-pg' ? rest[1] : rest[0]) + '/paid';

function json(res: import('node:http').ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer({ keepAlive: true, keepAliveTimeout: 5_000 }, (req, res) => {
  req.resume();
  const path = req.url ?? '/';
  if (mode === 'hello') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '11' });
    res.end('hello world');
    return;
  }
  if (mode === 'refund') {
    const seg = path.split('/');
    const cents = /^(\d+)\.(\d{2})$/.exec(seg[4] ?? '');
    if (seg.length !== 5 || !cents) return json(res, 400, { error: 'bad path' });
    refunds!.refund(seg[3]!, Number(cents[1]) * 100 + Number(cents[2]), 2).then(
      () => json(res, 200, { transaction: seg[3], refunded: true }),
      (e: unknown) => json(res, 400, { error: (e as Error).message }),
    );
    return;
  }
  const p = parsePaymentPath(path);
  if (!p) return json(res, 400, { error: 'bad path' });
  void (async () => {
    const tx = sql
      ? await sql.beginPayment(p.merchant === merchant ? merchant : p.merchant, p.cid, p.amount)
      : { id: p.cid, returnUrl: receiverUrl };
    const status = await post.send(tx.returnUrl, {
      amount: `${Math.floor(p.amount / 100)}.${String(p.amount % 100).padStart(2, '0')}`,
      transaction: tx.id,
      cid: p.cid,
    });
    if (status !== 200) return json(res, 500, { error: `callback answered ${status}` });
    await sql?.settlePayment(tx.id);
    json(res, 200, { id: tx.id, cid: p.cid, status: 'PAID', amount: p.amount, currency: 'EUR' });
  })().catch((e: unknown) => json(res, 500, { error: (e as Error).message }));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`bare server listening on http://127.0.0.1:${(server.address() as AddressInfo).port} merchant ${merchant}\n`);
});
process.on('SIGTERM', () => {
  close();
  process.exit(0);
});
