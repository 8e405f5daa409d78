// Request bodies are refused by the web server before they are read
// (deploy/programs.tsv, README.md "Request bodies"), behind nginx and behind
// Apache: an anonymous POST to an upload address announcing 200 MB, and a
// log-in or a form without a file announcing 100 KB, get their 4xx within a
// second, with no byte of the body sent.  The first release buffered up to
// 256 MB per request under /admin/ before the program could say no, so
// these waited for a body that never came.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { BASE, YEAR } from './lib.mjs';
import { Admin, account, skipReason, urlencoded, newBoundary, COOKIE } from './admin-lib.mjs';
import { apacheSkipReason, startApache, stopApache } from './apache-lib.mjs';

const ANSWER_MS = 1000;             // the issue's bound for an answer
const WAIT_MS = 5000;               // how long a test waits at most
const ANNOUNCED_UPLOAD = 200 * 1000 * 1000;
const ANNOUNCED_FORM = 100 * 1024;
// The upload addresses (cgi-bin/admin_serve.c, routes with a file spec).
const UPLOADS = [`/admin/${YEAR}/presentations`, `/admin/${YEAR}/presentations/1`,
	`/admin/${YEAR}/photos`, `/admin/${YEAR}/press/en`, `/admin/${YEAR}/press/de`];
// Forms without a file.
const FORMS = ['/admin/login', `/admin/${YEAR}/`, `/admin/${YEAR}/videos`,
	'/admin/editions/new'];
// The site settings (six long texts) take more: 448 KB (programs.tsv).
const SITE = '/admin/site';
const SITE_MAX = 448 * 1024;

// Sends the request head only, then waits for the status line (whole: for
// the whole answer, until the server closes).  Resolves { status (0: none
// within WAIT_MS), ms (head written to status line), text (what came) }.
function headOnly(base, method, target, headers, body = Buffer.alloc(0), whole = false) {
	const { hostname, port, host } = new URL(base);
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host: hostname, port: Number(port) });
		let t0 = 0, got = '', done = false, status = 0, ms = 0;
		const finish = (st) => {
			if (done)
				return;
			done = true;
			sock.destroy();
			resolve({ status: st || status, ms: ms || Date.now() - t0, text: got });
		};
		sock.setTimeout(WAIT_MS, () => finish(0));
		sock.on('connect', () => {
			const head = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, `Origin: ${new URL(base).origin}`,
				...headers, 'Connection: close', '', ''].join('\r\n');
			t0 = Date.now();
			sock.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
		});
		sock.on('data', (d) => {
			got += d.toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
			if (m && !status) {
				status = Number(m[1]);
				ms = Date.now() - t0;
			}
			if (status && !whole)
				finish(status);
		});
		sock.on('error', (e) => (done ? null : e.code === 'ECONNRESET' || e.code === 'EPIPE' ? finish(0) : reject(e)));
		sock.on('close', () => finish(0));
	});
}

function refusedFast(r, what, statuses) {
	assert.ok(statuses.includes(r.status),
		`${what}: ${r.status ? `answered ${r.status}` : `no answer within ${WAIT_MS} ms`}, want ${statuses.join(' or ')}`);
	assert.ok(r.ms < ANSWER_MS, `${what}: answered after ${r.ms} ms`);
}

const multipartHead = (length, extra = []) => [`Content-Type: multipart/form-data; boundary=${newBoundary()}`,
	`Content-Length: ${length}`, ...extra];
const formHead = (length, extra = []) => ['Content-Type: application/x-www-form-urlencoded',
	`Content-Length: ${length}`, ...extra];

// The same checks against one front end.  anonymous: the status of an
// anonymous upload (nginx 403; Apache 413, the one status for which it
// does not read the body first: deploy/gen.sh).
function limits(name, baseOf, anonymous) {
	test(`${name}: an anonymous POST announcing 200 MB to each upload address gets ${anonymous} at once`, async () => {
		for (const p of UPLOADS) {
			const r = await headOnly(baseOf(), 'POST', p, multipartHead(ANNOUNCED_UPLOAD));
			refusedFast(r, `POST ${p}`, [anonymous]);
		}
	});

	test(`${name}: a log-in and every form without a file announcing 100 KB get 413 at once`, async () => {
		for (const p of FORMS) {
			const r = await headOnly(baseOf(), 'POST', p, formHead(ANNOUNCED_FORM, [`Cookie: ${COOKIE}=x`]));
			refusedFast(r, `POST ${p}`, [413]);
		}
	});

	test(`${name}: the site settings announcing more than 448 KB get 413 at once, with a readable text`, async () => {
		const r = await headOnly(baseOf(), 'POST', SITE, multipartHead(SITE_MAX + 1, [`Cookie: ${COOKIE}=x`]));
		refusedFast(r, `POST ${SITE}`, [413]);
		// The answer says why, readably, and that nothing was saved.
		const all = await headOnly(baseOf(), 'POST', SITE, multipartHead(SITE_MAX + 1, [`Cookie: ${COOKIE}=x`]),
			Buffer.alloc(0), true);
		assert.equal(all.status, 413);
		assert.match(all.text, /larger than the 448 KB this address takes, so nothing was sent or saved/);
	});

	test(`${name}: a log-in with a whole 100 KB body gets 413`, async () => {
		const { body } = urlencoded({ name: 'admin', password: 'x', pad: 'p'.repeat(ANNOUNCED_FORM) });
		const r = await headOnly(baseOf(), 'POST', '/admin/login',
			formHead(Buffer.byteLength(body)), Buffer.from(body));
		refusedFast(r, 'POST /admin/login (100 KB)', [413]);
	});

	test(`${name}: an anonymous GET of an upload address still leads to the log-in`, async () => {
		const r = await headOnly(baseOf(), 'GET', UPLOADS[0], []);
		assert.ok([302, 303].includes(r.status), `GET ${UPLOADS[0]}: ${r.status}`);
	});
}

const reason = skipReason();

describe('request bodies behind nginx', { skip: reason || false }, () => {
	limits('nginx', () => BASE, 403);

	test('nginx: a logged-in upload and a full-size form still pass', async () => {
		const admin = new Admin(account('limits'));
		await admin.loginOk();
		// A form just under the 64 KB an admin form may carry reaches the
		// program (which then judges it: here a bad CSRF token, 403).
		const { body, type } = urlencoded({ csrf: 'wrong', title: 't', pad: 'p'.repeat(60 * 1024) });
		const r = await admin.request('POST', `/admin/${YEAR}/videos`, { body, type });
		assert.equal(r.status, 403, `a 60 KB form: ${r.status}`);
		assert.match(r.text, /<html/i, 'the program did not answer');
		// With the session, an upload address takes a body over the forms'
		// limit (a "photo" that is no image: the program's 422).
		const up = await admin.upload(`/admin/${YEAR}/photos`, {},
			[{ name: 'file', filename: 'pad.jpg', type: 'image/jpeg', data: Buffer.alloc(100 * 1024, 1) }]);
		assert.ok(![401, 403, 413].includes(up.status), `a logged-in 100 KB photo form: ${up.status}`);
		assert.match(up.text, /pad\.jpg/, 'the program did not judge the file');
	});
});

const apacheReason = reason || apacheSkipReason();

describe('request bodies behind Apache', { skip: apacheReason || false }, () => {
	let apache = '';
	before(async () => {
		apache = await startApache();
	});
	after(stopApache);

	limits('Apache', () => apache, 413);
});
