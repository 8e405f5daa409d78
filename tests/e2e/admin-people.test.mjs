// People: an admin lists, adds and removes other admins and changes their
// own password (the current one required; their other sessions end, this
// one stays); nobody removes themselves here, so the last admin stays.
// Every change and every failed log-in is in the audit log by name.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql, textOf } from './lib.mjs';
import { Admin, account, skipReason, snippet, uniq } from './admin-lib.mjs';

const skip = skipReason();
const PEOPLE = '/admin/people';

function newPassword() {
	return crypto.randomBytes(15).toString('base64url');
}

describe('admin: people', { skip: skip || false }, () => {
	const acct = skip ? null : account('people');
	const me = skip ? null : new Admin(acct);

	before(async () => {
		sql('DELETE FROM login_failure;');
		await me.loginOk();
	});

	test('the list shows every admin, "(you)" without a Remove button', async () => {
		const p = await me.page(PEOPLE);
		const names = sql('SELECT name FROM admin ORDER BY name;').split('\n').filter(Boolean);
		for (const n of names)
			assert.ok(p.words.includes(n), `${n} is not listed`);
		assert.ok(p.words.includes(`${acct.name} (you)`), 'the admin is not marked as "you"');
		const myId = sql(`SELECT id FROM admin WHERE name = '${acct.name}';`).trim();
		assert.ok(!p.html.includes(`/admin/people/${myId}/delete`), 'a Remove button for oneself');
	});

	test('add an admin, who logs in; remove them, and their session ends', async () => {
		const name = uniq('e2e-new-').toLowerCase();
		const pw = newPassword();
		const bad = await me.post(PEOPLE, { new_name: name, new_password: pw, new_password2: `${pw}x` });
		assert.equal(bad.status, 422, `differing passwords: ${bad.status}`);
		assert.ok(textOf(bad.text).includes('The two passwords differ.'));
		assert.ok(bad.text.includes(`value="${name}"`), 'the name typed is not kept');
		const short = await me.post(PEOPLE, { new_name: name, new_password: 'short', new_password2: 'short' });
		assert.equal(short.status, 422, `a short password: ${short.status}`);
		const upper = await me.post(PEOPLE, { new_name: 'Not Valid', new_password: pw, new_password2: pw });
		assert.equal(upper.status, 422, `a bad name: ${upper.status}`);
		assert.equal(sql(`SELECT count(*) FROM admin WHERE name = '${name}';`).trim(), '0');

		const ok = await me.post(PEOPLE, { new_name: name, new_password: pw, new_password2: pw });
		assert.equal(ok.status, 303, `add: ${ok.status} ${snippet(ok.text)}`);
		assert.equal(ok.location, `${PEOPLE}?done=added`);
		const taken = await me.post(PEOPLE, { new_name: name, new_password: pw, new_password2: pw });
		assert.equal(taken.status, 422, `a taken name: ${taken.status}`);

		const other = new Admin({ name, password: pw });
		await other.loginOk();
		assert.equal((await other.get('/admin/')).status, 200);
		const id = sql(`SELECT id FROM admin WHERE name = '${name}';`).trim();
		// The other admin cannot remove themselves either.
		const self = await other.post(`/admin/people/${id}/delete`, {});
		assert.equal(self.status, 409, `removing oneself: ${self.status}`);

		const del = await me.post(`/admin/people/${id}/delete`, {});
		assert.equal(del.status, 303, `remove: ${del.status} ${snippet(del.text)}`);
		assert.equal(del.location, `${PEOPLE}?done=removed`);
		assert.equal(sql(`SELECT count(*) FROM admin WHERE name = '${name}';`).trim(), '0');
		const after = await other.get('/admin/');
		assert.equal(after.status, 303, `the removed admin's session still works: ${after.status}`);

		const audit = textOf((await me.page('/admin/audit')).html);
		assert.ok(audit.includes(`admin ${name}`), 'the audit log does not name the added/removed admin');
		assert.ok(/create/.test(audit) && /delete/.test(audit));
	});

	test('change your own password: current one required; other sessions end, this one stays', async () => {
		const second = new Admin(acct);
		await second.loginOk();
		const fresh = newPassword();
		const wrong = await me.post('/admin/password', { current_password: 'not-the-password', password: fresh, password2: fresh });
		assert.equal(wrong.status, 422, `wrong current password: ${wrong.status}`);
		assert.ok(textOf(wrong.text).includes('the current password is wrong'));
		const ok = await me.post('/admin/password', { current_password: acct.password, password: fresh, password2: fresh });
		assert.equal(ok.status, 303, `change: ${ok.status} ${snippet(ok.text)}`);
		assert.equal((await me.get('/admin/')).status, 200, 'the session in use ended');
		assert.equal((await second.get('/admin/')).status, 303, 'another session survived the change');
		const old = new Admin(acct);
		assert.equal((await old.login(acct.name, acct.password)).status, 401, 'the old password still works');
		const now = new Admin({ name: acct.name, password: fresh });
		await now.loginOk();
		// Back to the account's password for the other test files.
		const back = await me.post('/admin/password', { current_password: fresh, password: acct.password, password2: acct.password });
		assert.equal(back.status, 303);
		const audit = textOf((await me.page('/admin/audit')).html);
		assert.ok(audit.includes('password changed'), 'no audit entry for the password change');
		assert.ok(audit.includes('password change refused'), 'no audit entry for the refused change');
		assert.ok(audit.includes(`login failed`) && audit.includes(`admin ${acct.name}`), 'the failed log-in is not in the audit log');
		sql('DELETE FROM login_failure;');
	});
});
