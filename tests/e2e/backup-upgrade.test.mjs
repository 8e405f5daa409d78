// Backups across releases.  The first release's backup
// (tests/fixtures/v1-backup/site-v1.tar, written by that release's own
// `admin backup` from tests/fixtures/v1/, schema version 1) is restored by
// this release's `admin restore`: the database is upgraded by the
// migration runner before it goes into place, the result passes `admin
// check --hashes`, keeps taken-down files off the web and is served.  A
// site of an earlier release can be backed up before it is upgraded (the
// README's order), and a backup of a later release is refused with a
// clear message, nothing written.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { ROOT, REQUEST_TIMEOUT_MS, textOf, SCHEMA_VERSION as CURRENT, startSite, stopSite }
	from './lib.mjs';

const V1_BACKUP = path.join(ROOT, 'tests/fixtures/v1-backup/site-v1.tar');
const V1_SITE = path.join(ROOT, 'tests/fixtures/v1');
const ADMIN = path.join(ROOT, 'cgi-bin/admin');

function admin(...args) {
	return spawnSync(ADMIN, args, { encoding: 'utf8', timeout: 120000 });
}

function query(db, statement) {
	const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 5000', db, statement],
		{ encoding: 'utf8', timeout: 20000 });
	return out.trim() ? JSON.parse(out) : [];
}

function version(db) {
	return query(db, 'PRAGMA user_version')[0].user_version;
}

function sha256(b) {
	return crypto.createHash('sha256').update(b).digest('hex');
}

describe('backups across releases', () => {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'symposium-backup-v1-'));
	const restored = path.join(tmp, 'var');
	let restore, base = '';

	before(async () => {
		restore = admin('restore', V1_BACKUP, restored);
	});

	after(() => {
		if (base)
			stopSite(restored);
		fs.rmSync(tmp, { recursive: true, force: true });
	});

	test("the first release's backup restores, its database upgraded with no copy beside it", () => {
		assert.equal(restore.status, 0, restore.stderr);
		assert.match(restore.stdout, /every SHA-256 checked/);
		assert.match(restore.stdout, new RegExp(`upgraded from schema version 1 to ${CURRENT} ` +
			'\\(the backup file keeps version 1\\)'));
		assert.equal(version(path.join(restored, 'site.db')), CURRENT);
		assert.deepEqual(fs.readdirSync(restored).filter((f) => /bak|wal|shm/.test(f)), []);
	});

	test('the restored site passes check --hashes', () => {
		const c = admin('check', '--hashes', '--db', path.join(restored, 'site.db'));
		assert.equal(c.status, 0, c.stdout + c.stderr);
		assert.match(c.stdout, /0 problems found/);
	});

	test('what the first release had taken down stays off the web', () => {
		// Photo 11 unpublished, photo 12 in the trash (tests/fixtures/v1/make.sh).
		const rows = query(path.join(restored, 'site.db'), 'SELECT m.path FROM photo f' +
			' JOIN media m ON m.id IN (f.thumb_id, f.web_id) WHERE f.id IN (11, 12)');
		assert.equal(rows.length, 4);
		for (const { path: rel } of rows) {
			assert.ok(!fs.existsSync(path.join(restored, 'media', rel)), `media/${rel} is not served`);
			assert.ok(fs.existsSync(path.join(restored, 'private', rel)), `private/${rel} is kept`);
		}
	});

	test('the restored site is served: editions, slides byte for byte', async () => {
		// Only a restored site: site.sh would make a new one in an empty place.
		assert.ok(fs.existsSync(path.join(restored, 'site.db')), 'restored');
		base = await startSite(restored);
		const get = async (p) => {
			const res = await fetch(new URL(p, base), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
			return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
		};
		const db = path.join(restored, 'site.db');
		const home = await get('/');
		assert.equal(home.status, 200);
		const editions = 'SELECT year, title FROM edition WHERE published = 1 ORDER BY year';
		const want = query(`file:${path.join(V1_SITE, 'site.db')}?immutable=1`, editions);
		assert.deepEqual(query(db, editions), want);
		assert.equal(want.length, 4);
		for (const e of want)
			assert.ok(textOf(home.bytes.toString('utf8')).includes(e.title), `/ lists ${e.year}`);
		const talks = query(db, 'SELECT e.year, t.slug, m.sha256 FROM presentation t' +
			' JOIN edition e ON e.id = t.edition_id JOIN media m ON m.id = t.media_id' +
			' WHERE t.deleted_at IS NULL AND e.published = 1');
		assert.ok(talks.length >= 2);
		for (const t of talks) {
			const pdf = await get(`/media/talks/${t.year}-${t.slug}.pdf`);
			assert.equal(pdf.status, 200, t.slug);
			assert.equal(sha256(pdf.bytes), t.sha256, t.slug);
		}
	});

	test('a site of an earlier release is backed up as it is, before its upgrade', () => {
		const site = path.join(tmp, 'v1');
		fs.cpSync(V1_SITE, site, { recursive: true, verbatimSymlinks: true,
			filter: (src) => !/\.(md|sh)$/.test(src) });
		const db = path.join(site, 'site.db');
		const file = path.join(tmp, 'before-upgrade.tar');
		const b = admin('backup', '--db', db, file);
		assert.equal(b.status, 0, b.stderr);
		assert.match(b.stdout, /26 media files/);
		assert.equal(version(db), 1, 'the site itself is left as it was');
		const r = admin('restore', file, path.join(tmp, 'again'));
		assert.equal(r.status, 0, r.stderr);
		assert.equal(version(path.join(tmp, 'again', 'site.db')), CURRENT);
	});

	test('a backup of a later release is refused, nothing written', () => {
		// A backup as a later release would write it: the same format, a
		// database whose schema version this release does not know.
		const src = path.join(tmp, 'later');
		fs.mkdirSync(src);
		const db = path.join(src, 'site.db');
		execFileSync('sqlite3', [path.join(restored, 'site.db'), `.backup '${db}'`]);
		execFileSync('sqlite3', [db, `PRAGMA user_version = ${CURRENT + 1}`]);
		const bytes = fs.readFileSync(db);
		fs.writeFileSync(path.join(src, 'MANIFEST'),
			`symposium-backup 1\n${sha256(bytes)} ${bytes.length} site.db\n`);
		const file = path.join(tmp, 'later.tar');
		execFileSync('tar', ['--format=pax', '-C', src, '-cf', file, 'MANIFEST', 'site.db']);
		const target = path.join(tmp, 'later-var');
		const before = fs.readdirSync(tmp).sort();
		const r = admin('restore', file, target);
		assert.equal(r.status, 1, r.stdout);
		assert.match(r.stderr, new RegExp(`schema version ${CURRENT + 1}, newer than this release's ${CURRENT}`));
		assert.match(r.stderr, /written by a later release; restore it with that release's programs; nothing changed/);
		assert.deepEqual(fs.readdirSync(tmp).sort(), before);
	});
});
