// SPDX-License-Identifier: GPL-2.0-or-later
// Run queries.sql over a directory of `pcilu check --json-lines` files with DuckDB
// (@duckdb/node-api) and print each answer as a table; --json prints them as JSON.
// Usage: node query.mjs DIR [--hosts HOSTS.jsonl] [--before DIR] [--json]
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i < 0 ? null : args.splice(i, 2)[1]; };
const hosts = opt('--hosts'), before = opt('--before');
const json = args.includes('--json') ? (args.splice(args.indexOf('--json'), 1), true) : false;
const dir = args[0];
if (!dir) {
	console.error('usage: node query.mjs DIR [--hosts HOSTS.jsonl] [--before DIR] [--json]');
	process.exit(2);
}
// The columns the questions read, typed once: fields that are often null stay typed.
const verdict = "STRUCT(state VARCHAR, errno INTEGER, rules VARCHAR[], bridge STRUCT(bdf VARCHAR, id VARCHAR, type VARCHAR))";
const columns = `{source: 'STRUCT(name VARCHAR, kind VARCHAR, live BOOLEAN, kernel_release VARCHAR, cmdline VARCHAR, functions BIGINT, capture STRUCT(hostname VARCHAR, captured_at VARCHAR, board_vendor VARCHAR, board_name VARCHAR, bios_version VARCHAR))',
	bdf: 'VARCHAR', vendor: 'VARCHAR', device: 'VARCHAR', class: 'VARCHAR', driver: 'VARCHAR', is_virtfn: 'BOOLEAN',
	group_size: 'INTEGER', verdicts: 'STRUCT(v4 ${verdict}, next ${verdict}, iommufd ${verdict})'}`;
const read = (d) => `read_json('${join(d, '*.jsonl').replaceAll("'", "''")}', format = 'newline_delimited', columns = ${columns})`;
const sq = (s) => `'${s.replaceAll("'", "''")}'`;

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
let t = Date.now();
await c.run(`CREATE TABLE devices AS SELECT * FROM ${read(dir)}`);
if (before)
	await c.run(`CREATE TABLE before AS SELECT * FROM ${read(before)}`);
await c.run(hosts ? `CREATE TABLE hosts AS SELECT host, board FROM read_json_auto(${sq(hosts)}, format = 'newline_delimited')`
	: `CREATE TABLE hosts AS SELECT DISTINCT source.name AS host, coalesce(source.capture.board_name, 'unknown') AS board FROM devices`);
const loaded = Date.now() - t;
const sql = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'queries.sql'), 'utf8');
const out = { load_ms: loaded, answers: [] };
for (const part of sql.split(/^-- name: /m).slice(1)) {
	const name = part.split('\n', 1)[0].trim();
	if (name.startsWith('hosts whose') && !before)
		continue;
	t = Date.now();
	const rows = (await c.runAndReadAll(part.slice(name.length))).getRowObjectsJson();
	out.answers.push({ name, ms: Date.now() - t, rows });
}
if (json) {
	console.log(JSON.stringify(out));
} else {
	console.log(`loaded in ${loaded} ms`);
	for (const a of out.answers) {
		console.log(`\n== ${a.name} (${a.ms} ms)`);
		console.table(a.rows);
	}
}
