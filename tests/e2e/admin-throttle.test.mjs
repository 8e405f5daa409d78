// Log-in failures: the same answer for an unknown name and a wrong password,
// and throttling per address (10 a minute) with 429 and Retry-After.  All
// requests come from 127.0.0.1 through nginx, so the failures are removed
// from the database afterwards for the tests that follow.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, tags } from './lib.mjs';
import { Admin, account, skipReason, snippet } from './admin-lib.mjs';

const skip = skipReason();
const ADDR_LIMIT = 10;       // failures a minute per address (admin.md)

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
});
