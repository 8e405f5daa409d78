// Log-in failures: the same answer for an unknown name and a wrong password,
// throttling per address (10 a minute) with 429 and Retry-After, and no
// lock-out: failures from other addresses never keep out the right
// password from a clean one.  Requests come from 127.0.0.1 through nginx
// (others from 127.0.0.2-12: the client socket is bound to that address,
// and nginx passes it as REMOTE_ADDR), so the failures are removed from the
// database afterwards for the tests that follow.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BASE, sql, tags } from './lib.mjs';
import { Admin, ORIGIN, account, skipReason, snippet, urlencoded } from './admin-lib.mjs';

const skip = skipReason();
const ADDR_LIMIT = 10;       // failures a minute per address (lib/auth.h)
const ATTACKERS = 10;        // 127.0.0.2 .. 127.0.0.11
const ATTEMPTS = 100;

// POST /admin/login from a given loopback address: { status, cookie, retryAfter }.
function loginFrom(localAddress, name, password) {
	const { body, type } = urlencoded({ name, password });
	const u = new URL('/admin/login', BASE);
	return new Promise((resolve, reject) => {
		const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
			localAddress, timeout: 30000,
			headers: { Origin: ORIGIN, 'Content-Type': type, 'Content-Length': body.length } }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode,
				cookie: (res.headers['set-cookie'] || []).find((c) => c.startsWith('__Host-sid=')),
				retryAfter: res.headers['retry-after'] }));
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end(body);
	});
}

describe('admin: log-in failures', { skip: skip || false }, () => {
	const acct = skip ? null : account('throttle');

	after(() => {
		if (!skip)
			sql('DELETE FROM login_failure;');
	});

	test('unknown name and wrong password: both 401 with the same message, name kept, password not', async () => {
		sql('DELETE FROM login_failure;');
		const texts = [];
		for (const [name, pw] of [['no-such-admin-e2e', 'whatever-password'], [acct.name, 'wrong-password-e2e']]) {
			const c = new Admin(acct);
			const sessions = sql('SELECT count(*) FROM session;');
			const r = await c.login(name, pw);
			assert.equal(r.status, 401, `${name}: ${r.status} ${snippet(r.text)}`);
			assert.ok(r.text.includes('Name or password is wrong.'), `${name}: message`);
			assert.equal(r.cookies.filter((x) => /^__Host-sid=[^;]/.test(x)).length, 0, 'a session cookie on failure');
			const inputs = tags(r.text, 'input');
			assert.equal(inputs.find((i) => i.attrs.name === 'name')?.attrs.value, name, 'the name is not kept');
			assert.ok(!r.text.includes(pw), 'the password is sent back');
			assert.equal(sql('SELECT count(*) FROM session;'), sessions, 'a session row after a failed log-in');
			texts.push(r.text.replace(/value="[^"]*"/g, ''));
		}
		assert.equal(texts[0], texts[1], 'unknown name and wrong password give different pages');
		sql('DELETE FROM login_failure;');
	});

	test(`${ADDR_LIMIT + 1} wrong passwords in a minute → 429 with Retry-After; the right one too while throttled`, async () => {
		sql('DELETE FROM login_failure;');
		const c = new Admin(acct);
		const statuses = [];
		let last;
		for (let i = 0; i <= ADDR_LIMIT; i++) {
			last = await c.login('no-such-admin-e2e', `wrong-${i}`);
			statuses.push(last.status);
		}
		assert.deepEqual(statuses.slice(0, ADDR_LIMIT), Array(ADDR_LIMIT).fill(401), `statuses ${statuses}`);
		assert.equal(last.status, 429, `attempt ${ADDR_LIMIT + 1}: ${last.status}`);
		const ra = last.res.headers.get('retry-after');
		assert.match(ra || '', /^[1-9][0-9]*$/, `Retry-After: ${ra}`);
		assert.ok(Number(ra) <= 3600, `Retry-After ${ra} s`);
		const right = await c.login(acct.name, acct.password);
		assert.equal(right.status, 429, `the right password while throttled: ${right.status}`);
		assert.equal(c.sid, null);

		sql('DELETE FROM login_failure;');
		const again = await c.login(acct.name, acct.password);
		assert.equal(again.status, 303, `after the failures expire: ${again.status}`);
	});

	test(`${ATTEMPTS} failures on the name from ${ATTACKERS} addresses, then the right password from a clean address logs in`, async () => {
		sql('DELETE FROM login_failure;');
		const statuses = {};
		for (let i = 0; i < ATTEMPTS; i++) {
			const addr = `127.0.0.${2 + (i % ATTACKERS)}`;
			const r = await loginFrom(addr, acct.name, `wrong-password-${i}`);
			statuses[r.status] = (statuses[r.status] || 0) + 1;
			assert.ok(r.status === 401 || r.status === 429, `attempt ${i} from ${addr}: ${r.status}`);
		}
		assert.equal((statuses[401] || 0) + (statuses[429] || 0), ATTEMPTS, JSON.stringify(statuses));
		const clean = await loginFrom('127.0.0.12', acct.name, acct.password);
		assert.equal(clean.status, 303, `the right password from a clean address: ${clean.status} ` +
			`(Retry-After ${clean.retryAfter}) after ${JSON.stringify(statuses)}`);
		assert.ok(clean.cookie, 'no session cookie');
		// The addresses that hammered the name stay throttled, right password or not.
		const hammer = await loginFrom('127.0.0.2', acct.name, acct.password);
		assert.equal(hammer.status, 429, `the right password from a hammering address: ${hammer.status}`);
		assert.match(hammer.retryAfter || '', /^[1-9][0-9]*$/);
		sql('DELETE FROM login_failure;');
	});
});
