// Reading admin pages while another writer holds the database's write lock
// (a long import, a backup, a stuck save): the pages answer at once.  The
// session's "last seen" write is the only write a page view makes; it is
// due here (seen_at set back two minutes) and must be skipped, not waited
// for (the first release waited 5 s and answered 500).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { sql, YEAR } from './lib.mjs';
import { Admin, DB, account, skipReason, snippet } from './admin-lib.mjs';

const skip = skipReason();
const PAGES = ['/admin/', `/admin/${YEAR}/`, `/admin/${YEAR}/presentations`, '/admin/site',
	'/admin/audit', '/admin/trash'];
const FAST_MS = 2000;        // well below the 5 s busy timeout of a write
const LOCK_WAIT_MS = 10000;

// A sqlite3 shell that takes the write lock and keeps it until released.
function holdWriteLock() {
	const p = spawn('sqlite3', [DB], { stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	const ready = new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error(`no lock after ${LOCK_WAIT_MS} ms: ${out}`)), LOCK_WAIT_MS);
		p.stdout.on('data', (d) => {
			out += d;
			if (out.includes('locked')) {
				clearTimeout(t);
				resolve();
			}
		});
		p.on('exit', () => reject(new Error(`sqlite3 ended: ${out}`)));
	});
	p.stdin.write(".timeout 5000\nBEGIN IMMEDIATE;\nUPDATE site SET name = name;\nSELECT 'locked';\n");
	const release = () => new Promise((resolve) => {
		p.on('exit', resolve);
		p.stdin.end('ROLLBACK;\n.quit\n');
	});
	return { ready, release };
}

describe('admin: pages during another writer\'s lock', { skip: skip || false }, () => {
	const admin = skip ? null : new Admin(account('lock'));
	let lock = null;

	before(async () => {
		await admin.loginOk();
	});

	after(async () => {
		if (lock)
			await lock.release();
	});

	test('every admin page answers 200 quickly while the write lock is held, the touch due', async () => {
		sql(`UPDATE session SET seen_at = seen_at - 120;`);
		lock = holdWriteLock();
		await lock.ready;
		for (const p of PAGES) {
			const t0 = Date.now();
			const r = await admin.get(p);
			const ms = Date.now() - t0;
			assert.equal(r.status, 200, `GET ${p} during the lock: ${r.status} ${snippet(r.text)}`);
			assert.ok(ms < FAST_MS, `GET ${p} took ${ms} ms during the lock`);
		}
		await lock.release();
		lock = null;
		const seen = Number(sql(`SELECT max(seen_at) FROM session;`));
		assert.ok(Date.now() / 1000 - seen > 60, 'the touch was written during the lock');
		const r = await admin.get('/admin/');
		assert.equal(r.status, 200);
		const after = Number(sql(`SELECT max(seen_at) FROM session;`));
		assert.ok(Date.now() / 1000 - after < 30, 'the touch is made once the lock is gone');
	});
});
