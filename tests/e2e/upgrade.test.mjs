// A site made by the first release (tests/fixtures/v1/, schema version 1)
// under this release: `admin migrate` upgrades a copy (writing a backup
// first when there is anything to do), `deploy/site.sh start` serves it on
// a free loopback port of its own, and every edition, talk, press release,
// video and photo of the old site is there, files byte for byte; every row
// of every first-release table keeps its values.  A database of a later
// release is refused and left alone.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { ROOT, REQUEST_TIMEOUT_MS, textOf, freePort, SCHEMA_VERSION as CURRENT, SITE_SH,
	SITE_START_TIMEOUT_MS as START_TIMEOUT_MS, startSite, stopSite } from './lib.mjs';

const FIXTURE = path.join(ROOT, 'tests/fixtures/v1');
const ADMIN = path.join(ROOT, 'cgi-bin/admin');

// A copy of the fixture as a data directory (git keeps no empty
// directories; the first release's init made media/tmp).
function copyFixture(dir) {
	fs.cpSync(FIXTURE, dir, { recursive: true, verbatimSymlinks: true,
		filter: (src) => !/\.(md|sh)$/.test(src) });
	fs.mkdirSync(path.join(dir, 'media/tmp'), { recursive: true });
	return path.join(dir, 'site.db');
}

function query(db, statement) {
	const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 5000', db, statement],
		{ encoding: 'utf8', timeout: 20000 });
	return out.trim() ? JSON.parse(out) : [];
}

function migrate(db) {
	return spawnSync(ADMIN, ['migrate', '--db', db], { encoding: 'utf8', timeout: 60000 });
}

function sha256(b) {
	return crypto.createHash('sha256').update(b).digest('hex');
}

// Every row of every table of the first release, its columns only, in
// rowid order: what no migration may lose or change.
function v1Rows(db, tables) {
	const rows = {};
	for (const { name, cols } of tables)
		rows[name] = query(db, `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${name}" ORDER BY rowid`);
	return rows;
}

describe('a site of the first release', () => {
	let dir, db, base, tables, before_rows, facts, migrated;

	before(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'symposium-v1-'));
		db = copyFixture(path.join(dir, 'var'));
		tables = query(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
			.map(({ name }) => ({ name, cols: query(db, `SELECT name FROM pragma_table_info('${name}')`)
				.map((c) => c.name) }));
		before_rows = v1Rows(db, tables);
		facts = {
			editions: query(db, 'SELECT year, title, published FROM edition'),
			talks: query(db, 'SELECT e.year, t.slug, t.title, t.deleted_at, m.sha256 FROM presentation t' +
				' JOIN edition e ON e.id = t.edition_id LEFT JOIN media m ON m.id = t.media_id'),
			press: query(db, 'SELECT e.year, p.lang, p.title FROM press p JOIN edition e ON e.id = p.edition_id'),
			videos: query(db, 'SELECT e.year, d.title, d.deleted_at FROM video d JOIN edition e ON e.id = d.edition_id'),
			photos: query(db, 'SELECT e.year, f.in_gallery, f.published, f.deleted_at, f.alt,' +
				" t.path AS thumb, t.sha256 AS thumb_sha, w.path AS web, w.sha256 AS web_sha FROM photo f" +
				' JOIN edition e ON e.id = f.edition_id JOIN media t ON t.id = f.thumb_id' +
				' JOIN media w ON w.id = f.web_id'),
		};
		migrated = migrate(db);
		base = await startSite(path.join(dir, 'var'));
	});

	after(() => {
		if (dir) {
			stopSite(path.join(dir, 'var'));
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	async function fetchPage(p) {
		const res = await fetch(new URL(p, base), { redirect: 'manual',
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
		return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
	}

	async function page(p) {
		const r = await fetchPage(p);
		assert.equal(r.status, 200, `GET ${p}`);
		return { html: r.bytes.toString('utf8'), text: textOf(r.bytes.toString('utf8')) };
	}

	test('admin migrate brings it to this release, a copy first when it changes it', () => {
		assert.equal(migrated.status, 0, migrated.stderr);
		assert.equal(query(db, 'PRAGMA user_version')[0].user_version, CURRENT);
		const copies = fs.readdirSync(path.dirname(db)).filter((f) => /^site\.db\.v1-\d{8}T\d{6}Z\.bak$/.test(f));
		if (CURRENT === 1) {
			// No migration yet: nothing to do, nothing written.
			assert.match(migrated.stdout, /schema version 1 is current, nothing to do/);
			assert.deepEqual(copies, []);
			return;
		}
		assert.equal(copies.length, 1, migrated.stdout);
		const copy = path.join(path.dirname(db), copies[0]);
		assert.match(migrated.stdout, new RegExp(`copy of version 1 written to ${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
		assert.match(migrated.stdout, new RegExp(`upgraded from schema version 1 to ${CURRENT}`));
		assert.equal(query(copy, 'PRAGMA user_version')[0].user_version, 1);
		assert.deepEqual(v1Rows(copy, tables), before_rows);
	});

	test('a second migrate is a no-op', () => {
		const before_files = fs.readdirSync(path.dirname(db)).sort();
		const r = migrate(db);
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, new RegExp(`schema version ${CURRENT} is current, nothing to do`));
		assert.deepEqual(fs.readdirSync(path.dirname(db)).sort(), before_files);
	});

	test('every row of every first-release table keeps its values', () => {
		// The running site may have added rows since (the admin worker makes
		// the 1200x630 share image of the cover at start): those are new
		// media rows of that size, and every first-release row is unchanged.
		const after = v1Rows(db, tables);
		for (const t of Object.keys(before_rows)) {
			const added = after[t].slice(before_rows[t].length);
			assert.deepEqual(after[t].slice(0, before_rows[t].length), before_rows[t], t);
			for (const r of added)
				assert.ok(t === 'media' && r.width === 1200 && r.height === 630, `${t}: an unexpected row ${JSON.stringify(r)}`);
		}
		for (const t of ['admin', 'session', 'login_failure', 'audit'])
			assert.ok(before_rows[t].length > 0, `the fixture has rows in ${t}`);
	});

	test('every published edition is served, the unpublished one is not', async () => {
		const published = facts.editions.filter((e) => e.published);
		assert.equal(published.length, 4);
		const home = await page('/');
		for (const e of published) {
			assert.ok(home.text.includes(e.title), `/ lists ${e.year}`);
			assert.ok((await page(`/${e.year}/`)).text.includes(e.title));
		}
		for (const e of facts.editions.filter((x) => !x.published))
			assert.equal((await fetchPage(`/${e.year}/`)).status, 404);
	});

	test('the press releases in both languages', async () => {
		assert.equal(facts.press.length, 2);
		for (const p of facts.press) {
			const { text } = await page(`${p.lang === 'de' ? '/de' : ''}/${p.year}/press`);
			assert.ok(text.includes(p.title), `${p.year} ${p.lang}`);
		}
	});

	test('the talks with their slides at the stable address, byte for byte', async () => {
		const live = facts.talks.filter((t) => !t.deleted_at && facts.editions.find((e) => e.year === t.year).published);
		assert.ok(live.filter((t) => t.sha256).length >= 2);
		for (const t of live) {
			const { text } = await page(`/${t.year}/presentations`);
			assert.ok(text.includes(t.title), t.title);
			if (t.sha256) {
				const pdf = await fetchPage(`/media/talks/${t.year}-${t.slug}.pdf`);
				assert.equal(pdf.status, 200, t.slug);
				assert.equal(sha256(pdf.bytes), t.sha256, t.slug);
			}
		}
		for (const t of facts.talks.filter((x) => x.deleted_at)) {
			const { text } = await page(`/${t.year}/presentations`);
			assert.ok(!text.includes(t.title), `${t.title} stays in the trash`);
		}
	});

	test('the session videos, the one in the trash left out', async () => {
		for (const v of facts.videos) {
			const { text } = await page(`/${v.year}/presentations`);
			assert.equal(text.includes(v.title), !v.deleted_at, v.title);
		}
	});

	test('the gallery photos and their files, byte for byte', async () => {
		const years = [...new Set(facts.photos.map((f) => f.year))];
		for (const year of years) {
			const { html } = await page(`/${year}/gallery`);
			for (const f of facts.photos.filter((x) => x.year === year && x.in_gallery)) {
				const shown = f.published && !f.deleted_at;
				assert.equal(html.includes(`/media/${f.thumb}`), !!shown, `${f.thumb} (${f.alt})`);
			}
		}
		const shown = facts.photos.filter((f) => f.published && !f.deleted_at);
		assert.ok(shown.length >= 10);
		for (const f of shown) {
			for (const [p, sum] of [[f.thumb, f.thumb_sha], [f.web, f.web_sha]]) {
				const r = await fetchPage(`/media/${p}`);
				assert.equal(r.status, 200, p);
				assert.equal(sha256(r.bytes), sum, p);
			}
		}
	});

	test('its administrator is still there', () => {
		const out = execFileSync(ADMIN, ['user', 'list', '--db', db], { encoding: 'utf8' });
		assert.match(out, /^alice\t/m);
	});
});

describe('a database of a later release', () => {
	let dir, db;

	before(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'symposium-newer-'));
		db = copyFixture(path.join(dir, 'var'));
		execFileSync('sqlite3', [db, `PRAGMA user_version = ${CURRENT + 1}`]);
	});

	after(() => {
		if (dir) {
			spawnSync('sh', [SITE_SH, 'stop', path.join(dir, 'var')], { timeout: START_TIMEOUT_MS });
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	test('admin migrate refuses it and changes nothing', () => {
		const files = fs.readdirSync(path.dirname(db)).sort();
		const sum = sha256(fs.readFileSync(db));
		const r = migrate(db);
		assert.equal(r.status, 1);
		assert.match(r.stderr, new RegExp(`schema version ${CURRENT + 1}, newer than this release's ${CURRENT}`));
		assert.match(r.stderr, /nothing was changed/);
		assert.equal(sha256(fs.readFileSync(db)), sum);
		assert.deepEqual(fs.readdirSync(path.dirname(db)).sort(), files);
	});

	test('site.sh start refuses to serve it', async () => {
		const port = await freePort();
		const r = spawnSync('sh', [SITE_SH, 'start', path.join(dir, 'var'), String(port)],
			{ cwd: ROOT, timeout: START_TIMEOUT_MS, encoding: 'utf8' });
		assert.notEqual(r.status, 0);
		assert.match(r.stderr, /newer than this release's/);
	});
});
