import { PGlite } from '@electric-sql/pglite';
import { DEMO_BODIES } from '../src/demo/demo-city.ts';

console.log(DEMO_BODIES.length, DEMO_BODIES.filter((b) => b.parentCode).length);
const p = await PGlite.create();
console.log((await p.query('select version()')).rows);
await p.query('set session_replication_role = replica');
console.log(
  (await p.query('show session_replication_role')).rows,
  (await p.query('show shared_buffers')).rows,
  (await p.query('show work_mem')).rows,
  (await p.query('show maintenance_work_mem')).rows,
);
