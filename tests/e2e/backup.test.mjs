// `admin backup` while the site serves and an admin uploads photos
// (BACKUP_TEST_SECONDS, default 20, of uploads and page reads), then
// `admin restore` elsewhere: the restored site passes `admin check
// --hashes` and, served by its own programs and nginx (deploy/site.sh on
// another free port), answers the public pages as the live site does.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT, VARDIR, MAP_PAGES, YEAR, get } from './lib.mjs';
import { Admin, account, skipReason, DB, ADMIN_BIN } from './admin-lib.mjs';
import { makeJpeg } from './fixtures/files.mjs';

const SECONDS = Number(process.env.BACKUP_TEST_SECONDS || 20);
const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'symposium-backup-'));
const restored = path.join(tmp, 'var');
let port2 = 0;

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
	});
}

describe('backup during uploads, restore elsewhere', { skip: skipReason() || false }, () => {
	after(() => {
		if (port2)
			execFileSync('sh', ['deploy/site.sh', 'stop', restored], { cwd: ROOT, stdio: 'ignore' });
		fs.rmSync(tmp, { recursive: true, force: true });
	});

	test(`a backup taken during ${SECONDS} s of uploads restores to a site that passes check --hashes and serves the same pages`, async () => {
		const admin = new Admin(account('backup'));
		await admin.loginOk();
		const until = Date.now() + SECONDS * 1000;
		let uploads = 0, reads = 0, n = 0;
		const errors = [];
		const uploader = (async () => {
			while (Date.now() < until) {
				const r = await admin.upload(`/admin/${YEAR}/photos`, {},
					[{ name: 'file', filename: `b${n}.jpg`, type: 'image/jpeg', data: makeJpeg(320 + (n++ % 50), 240) }],
					{ timeout: 60000 });
				if (r.status !== 303)
					throw new Error(`upload: ${r.status} ${r.text.slice(0, 200)}`);
				uploads++;
			}
		})().catch((e) => errors.push(e));
		const reader = (async () => {
			while (Date.now() < until) {
				for (const p of MAP_PAGES) {
					const res = await get(p);
					await res.arrayBuffer();
					if (res.status !== 200)
						throw new Error(`${p}: ${res.status}`);
					reads++;
				}
			}
		})().catch((e) => errors.push(e));
		// The backup in the middle of it.
		await new Promise((r) => setTimeout(r, SECONDS * 500));
		const file = path.join(tmp, 'site.tar');
		const b = await run(ADMIN_BIN, ['backup', '--db', DB, file], { cwd: ROOT, timeout: 120000 });
		assert.match(b.stdout, /^[0-9a-f]{64} {2}/m, b.stdout);
		const sum = /^([0-9a-f]{64}) /m.exec(b.stdout)[1];
		assert.equal(execFileSync('sha256sum', [file], { encoding: 'utf8' }).slice(0, 64), sum);
		await Promise.all([uploader, reader]);
		assert.deepEqual(errors.map(String), []);
		assert.ok(uploads > 0 && reads > 0, `${uploads} uploads, ${reads} reads`);

		const r = await run(ADMIN_BIN, ['restore', file, restored], { cwd: ROOT, timeout: 120000 });
		assert.match(r.stdout, /every SHA-256 checked/);
		const c = await run(ADMIN_BIN, ['check', '--hashes', '--db', path.join(restored, 'site.db')],
			{ cwd: ROOT, timeout: 120000 });
		assert.match(c.stdout, /0 problems found/, c.stdout);

		// The restored site on its own port: the public pages as live.
		port2 = await freePort();
		execFileSync('sh', ['deploy/site.sh', 'start', restored, String(port2)],
			{ cwd: ROOT, stdio: 'pipe', timeout: 60000 });
		// The uploads after the backup moved the site's time of last change,
		// which the pages' JSON-LD states (dateModified): not compared.
		const unchanged = (t) => t.replace(/"dateModified": "[^"]*"/g, '"dateModified": ""');
		for (const p of MAP_PAGES) {
			const [a, bb] = await Promise.all([get(p), fetch(`http://127.0.0.1:${port2}${p}`, { redirect: 'manual' })]);
			const [ta, tb] = [unchanged(await a.text()), unchanged(await bb.text())];
			assert.equal(bb.status, a.status, p);
			assert.equal(tb, ta, `${p}: the restored site's page differs`);
		}
	});
});
