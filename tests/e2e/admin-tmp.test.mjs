// A worker killed in the middle of an upload (kill -9, the OOM killer)
// leaves no temp file behind: its supervisor removes the dead worker's
// temp files when it reaps it (lib/serve.c, store_clean_tmp_of).  The
// first release left them until a restart found them a day old.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { VARDIR, YEAR } from './lib.mjs';
import { Admin, account, skipReason } from './admin-lib.mjs';

const skip = skipReason();
const TMP = path.join(VARDIR, 'media', 'tmp');
const UPLOAD_MB = 150;           // long enough to catch the worker writing
const APPEAR_MS = 30000;         // for the temp file to show up
const GONE_MS = 3000;            // for the supervisor to remove it
const TEMP_RE = /^up-(\d+)-/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A PDF's first bytes, then padding: the worker is killed long before it
// would judge the file.
function bigPdf() {
	const head = Buffer.from('%PDF-1.4\n% padding follows\n');
	return Buffer.concat([head, Buffer.alloc(UPLOAD_MB * 1024 * 1024, 0x20)]);
}

function tempFiles() {
	try {
		return fs.readdirSync(TMP).filter((n) => TEMP_RE.test(n));
	} catch {
		return [];
	}
}

describe('admin: a worker killed mid-upload', { skip: skip || false }, () => {
	const admin = skip ? null : new Admin(account('tmpkill'));
	before(async () => { await admin.loginOk(); });

	test('its temp file is removed at once and the admin keeps serving', async () => {
		const before = new Set(tempFiles());
		const upload = admin.upload(`/admin/${YEAR}/presentations`, { title: 'E2E killed upload', speakers: 'X' },
			[{ name: 'file', filename: 'big.pdf', type: 'application/pdf', data: bigPdf() }]).catch((e) => ({ status: 0, error: e }));
		let name;
		for (const until = Date.now() + APPEAR_MS; !name && Date.now() < until;) {
			name = tempFiles().find((n) => !before.has(n));
			if (!name)
				await sleep(5);
		}
		assert.ok(name, 'no temp file named after its worker appeared');
		const pid = Number(TEMP_RE.exec(name)[1]);
		process.kill(pid, 'SIGKILL');
		const r = await upload;
		assert.notEqual(r.status, 303, 'the upload finished before the worker was killed: nothing was tested');
		let left = true;
		for (const until = Date.now() + GONE_MS; left && Date.now() < until;) {
			left = fs.existsSync(path.join(TMP, name));
			if (left)
				await sleep(50);
		}
		assert.ok(!left, `${name} is still in media/tmp`);
		await admin.page('/admin/');      // asserts the 200
	});
});
