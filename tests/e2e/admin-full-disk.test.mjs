// A full disk (issue: every failure said "The form is malformed").  A site
// of its own whose data directory (site.db, media/) is a small tmpfs, filled
// up to the last byte: a photo, a PDF and a press release each answer 507
// Insufficient Storage with a readable message, the form keeps what was
// typed, the cause is in the log, and nothing half-done stays (no row, no
// temp file, no stored file, a sound database).  Once space is freed the
// same submits succeed.  nginx's buffers, the logs and the sockets stay on
// the ordinary disk (symlinks), as on a server where only the data is full.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT, freePort, decodeEntities } from './lib.mjs';
import { Admin, ADMIN_BIN, skipReason, formFields, withFields, snippet, tree } from './admin-lib.mjs';
import { makePdf, makeJpeg } from './fixtures/files.mjs';

const TMPFS_SIZE = '24m';             // the demo site needs about 3 MB
const FILL_CHUNK = 1 << 20;
const YEAR = 2023;                    // an edition of the demo content

// Mounting needs root (or CAP_SYS_ADMIN); without it the test is skipped,
// saying why, never passed.
function mountTmpfs(dir) {
	const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0755`, 'tmpfs', dir],
		{ encoding: 'utf8' });
	return r.status === 0 ? null : `mount -t tmpfs is not permitted here: ${(r.stderr || r.error || '').toString().trim()}`;
}

const skip = skipReason();
const top = skip ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'symposium-full-'));
const data = top && path.join(top, 'data');      // the tmpfs: VARDIR of this site
const disk = top && path.join(top, 'disk');      // nginx/, log/, run/
if (top)
	fs.mkdirSync(data);
const mountSkip = skip || mountTmpfs(data);

const DB = data && path.join(data, 'site.db');
const MEDIA = data && path.join(data, 'media');

function sqlite(statement) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 5000', DB, statement],
		{ encoding: 'utf8', timeout: 20000 }).trim();
}

function site(...args) {
	return execFileSync('sh', ['deploy/site.sh', ...args],
		{ cwd: ROOT, encoding: 'utf8', timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'] });
}

// Fill the tmpfs: big writes, then small ones, until ENOSPC.
function fill() {
	const fd = fs.openSync(path.join(data, 'filler'), 'w');
	for (const size of [FILL_CHUNK, 4096, 512, 1]) {
		const buf = Buffer.alloc(size, 0x5a);
		try {
			for (;;)
				fs.writeSync(fd, buf);
		} catch (e) {
			if (e.code !== 'ENOSPC')
				throw e;
		}
	}
	fs.closeSync(fd);
	assert.equal(fs.statfsSync(data).bavail, 0, 'the tmpfs is full');
}

function unfill() {
	fs.rmSync(path.join(data, 'filler'), { force: true });
}

// What must not change when a submit is refused: rows, and the files.
function state() {
	return {
		rows: sqlite('SELECT (SELECT count(*) FROM presentation), (SELECT count(*) FROM media), ' +
			'(SELECT count(*) FROM photo_draft), (SELECT count(*) FROM audit), ' +
			"(SELECT group_concat(body_md, '|') FROM press);"),
		media: tree(MEDIA).filter((f) => !f.startsWith('tmp/')),
		private: tree(path.join(data, 'private')),
	};
}

function log() {
	return fs.readFileSync(path.join(disk, 'log', 'admin.log'), 'utf8');
}

describe('a full disk: 507, the form kept, nothing half-done', { skip: mountSkip || false }, () => {
	let admin, port;
	const tag = crypto.randomBytes(4).toString('hex');
	const pdf = makePdf(2, `E2E full ${tag}`, 2 << 20);     // larger than any gap left
	const jpeg = makeJpeg(1200, 900);
	const talk = { title: `Out of space ${tag}`, speakers: 'Dr. Erika Mustermann' };
	const pressText = `Written while the disk was full ${tag}: kept, not lost.`;
	let pressFields;

	const uploadPhotoJs = () => admin.upload(`/admin/${YEAR}/photos`, { one: '1' },
		[{ name: 'file', filename: `full-${tag}.jpg`, type: 'image/jpeg', data: jpeg }]);
	const uploadPhotoForm = () => admin.upload(`/admin/${YEAR}/photos`, {},
		[{ name: 'file', filename: `full-form-${tag}.jpg`, type: 'image/jpeg', data: jpeg }]);
	const uploadPdf = () => admin.upload(`/admin/${YEAR}/presentations`, talk,
		[{ name: 'file', filename: `full-${tag}.pdf`, type: 'application/pdf', data: pdf }]);
	const savePress = () => admin.post(`/admin/${YEAR}/press/en`, pressFields);

	function assertNothingLeft(before, what) {
		assert.deepEqual(state(), before, `${what}: rows or stored files changed`);
		assert.deepEqual(tree(path.join(MEDIA, 'tmp')), [], `${what}: a temp file is left`);
		assert.equal(sqlite('PRAGMA integrity_check;'), 'ok', `${what}: integrity_check`);
	}

	function assert507(r, what) {
		assert.equal(r.status, 507, `${what}: ${r.status} ${snippet(r.text)}`);
		assert.match(decodeEntities(r.text), /out of disk space/, `${what}: the message`);
	}

	before(async () => {
		fs.mkdirSync(disk);
		for (const d of ['nginx', 'log', 'run']) {
			fs.mkdirSync(path.join(disk, d));
			fs.symlinkSync(path.join(disk, d), path.join(data, d));
		}
		port = await freePort();
		site('start', data, String(port));
		const name = `e2e-full-${tag}`, password = crypto.randomBytes(18).toString('base64url');
		execFileSync(ADMIN_BIN, ['user', 'add', name], { input: `${password}\n`, cwd: ROOT,
			env: { ...process.env, SITE_DB: DB }, stdio: ['pipe', 'pipe', 'pipe'] });
		admin = new Admin({ name, password }, `http://127.0.0.1:${port}`);
		await admin.loginOk();
		const form = await admin.page(`/admin/${YEAR}/press/en`);
		pressFields = withFields(formFields(form.html, `/admin/${YEAR}/press/en`), { body_md: pressText });
		// Every later write must find new space: an empty WAL, then no space.
		sqlite('PRAGMA wal_checkpoint(TRUNCATE);');
		fill();
	});

	after(() => {
		if (!top)
			return;
		try {
			site('stop', data);
		} catch { /* already stopped */ }
		spawnSync('umount', [data]);
		fs.rmSync(top, { recursive: true, force: true });
	});

	test('a photo (one per request, as the script sends it) answers 507', async () => {
		const before = state();
		const r = await uploadPhotoJs();
		assert507(r, 'photo');
		assertNothingLeft(before, 'photo');
	});

	test('photos from the form without the script: 507 and the page says why', async () => {
		const before = state();
		const r = await uploadPhotoForm();
		assert507(r, 'photo form');
		assert.match(r.text, /<h1>Photos<\/h1>/, 'the photos page again, in the admin layout');
		assertNothingLeft(before, 'photo form');
	});

	test('slides: 507, the presentation form keeps its title and speakers', async () => {
		const before = state();
		const r = await uploadPdf();
		assert507(r, 'slides');
		assert.ok(r.text.includes(`value="${talk.title}"`), 'the typed title is kept');
		assert.ok(r.text.includes(`value="${talk.speakers}"`), 'the typed speakers are kept');
		assertNothingLeft(before, 'slides');
	});

	test('a press release (SQLITE_FULL): 507, its text kept in the form', async () => {
		const before = state();
		const r = await savePress();
		assert507(r, 'press release');
		assert.ok(decodeEntities(r.text).includes(pressText), 'the typed text is kept');
		assert.match(r.text, /id="no-space"/, 'the form says it was not saved');
		assertNothingLeft(before, 'press release');
	});

	test('the causes are in the log: errno and SQLite code', () => {
		const text = log();
		assert.match(text, /out of space: .*No space left on device \(errno 28\)/, 'a file write');
		assert.match(text, /out of space: .*\(SQLite code 13, errno \d+\)/, 'SQLITE_FULL');
		assert.doesNotMatch(text, /malformed/, 'no "malformed" for a full disk');
		assert.doesNotMatch(text, / is not set/, 'the forms shown again set every name');
	});

	test('admin check finds no orphans and a sound database', () => {
		const r = spawnSync(ADMIN_BIN, ['check', '--db', DB], { cwd: ROOT, encoding: 'utf8' });
		assert.doesNotMatch(r.stdout + r.stderr, /orphan/i, r.stdout + r.stderr);
		assert.equal(r.status, 0, `admin check: ${r.status} ${r.stdout} ${r.stderr}`);
	});

	// The operator's commands writing onto the full disk: a readable error
	// and a nonzero status, no partial archive or page left behind.
	test('admin backup and admin export onto the full disk say so and leave nothing', () => {
		const out = path.join(data, 'out');
		const before = tree(data).filter((f) => !/^(log|run|nginx)/.test(f));
		for (const args of [['backup', '--db', DB, path.join(data, 'site-backup.tar')],
			['export', '--db', DB, '--templates', path.join(ROOT, 'templates'), out]]) {
			const r = spawnSync(ADMIN_BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
			assert.notEqual(r.status, 0, `admin ${args[0]} succeeded on a full disk`);
			assert.match(r.stderr, /No space left on device|disk is full/, `admin ${args[0]}: ${r.stderr}`);
		}
		const left = tree(data).filter((f) => !/^(log|run|nginx)/.test(f) && !before.includes(f));
		assert.ok(!left.some((f) => /site-backup|\.tmp/.test(f)), `left behind: ${left.join(', ')}`);
		fs.rmSync(out, { recursive: true, force: true });
	});

	test('space freed: the same submits succeed', async () => {
		unfill();
		const p = await uploadPhotoJs();
		assert.equal(p.status, 201, `photo: ${p.status} ${snippet(p.text)}`);
		const s = await uploadPdf();
		assert.equal(s.status, 303, `slides: ${s.status} ${snippet(s.text)}`);
		assert.equal(sqlite(`SELECT count(*) FROM presentation WHERE title = '${talk.title}' ` +
			'AND media_id IS NOT NULL;'), '1', 'the talk with its slides');
		const t = await savePress();
		assert.equal(t.status, 303, `press release: ${t.status} ${snippet(t.text)}`);
		assert.equal(sqlite(`SELECT count(*) FROM press WHERE body_md = '${pressText}';`), '1');
		assert.equal(sqlite('PRAGMA integrity_check;'), 'ok');
	});
});
