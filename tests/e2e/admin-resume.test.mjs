// Nothing typed is lost (Chromium at 1280 and 375 px): a page asked for
// without a session leads to the log-in and back to that page; a form saved
// after the session ended gets a log-in page that keeps what was typed and
// saves it after logging in; a notice warns before the session ends and
// "Stay logged in" renews it.  `next` never leads off the admin area.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM, openBrowser, axeViolations } from './a11y-lib.mjs';
import { BASE, OUT, YEAR, sql } from './lib.mjs';
import { Admin, account, skipReason, snippet, uniq, freeYear } from './admin-lib.mjs';

const SHOTS = path.join(OUT, 'admin-resume');
const skip = skipReason() || (fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing`);

describe('admin: nothing typed is lost', { skip: skip || false }, () => {
	const acct = skip ? null : account('resume');
	const year = skip ? 0 : freeYear(2500);
	const mine = () => `admin_id = (SELECT id FROM admin WHERE name = '${acct.name}')`;

	before(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		const a = new Admin(acct);
		await a.loginOk();
		const r = await a.post('/admin/editions/new', { year: String(year), title: `Resume ${year}` });
		assert.equal(r.status, 303, `new edition: ${r.status} ${snippet(r.text)}`);
	});

	after(() => {
		if (!skip)
			sql(`PRAGMA foreign_keys = ON; DELETE FROM edition WHERE year = ${year};`);
	});

	test('next: only paths of the admin area, never another site', async () => {
		for (const next of ['https://evil.example/', '//evil.example/admin/', '/\\evil.example', '/admin/../x',
			'/admin//evil.example', '/public', 'javascript:alert(1)']) {
			const a = new Admin(acct);
			const r = await a.request('POST', '/admin/login', { type: 'application/x-www-form-urlencoded',
				body: Buffer.from(new URLSearchParams({ name: acct.name, password: acct.password, next }).toString()) });
			assert.equal(r.status, 303, `${next}: ${r.status}`);
			assert.equal(r.location, '/admin/', `next=${next} led to ${r.location}`);
		}
		const a = new Admin(acct);
		const r = await a.request('POST', '/admin/login', { type: 'application/x-www-form-urlencoded',
			body: Buffer.from(new URLSearchParams({ name: acct.name, password: acct.password, next: `/admin/${YEAR}/videos` }).toString()) });
		assert.equal(r.location, `/admin/${YEAR}/videos`);
		const login = await new Admin(acct).get('/admin/login?next=https%3A%2F%2Fevil.example%2F');
		assert.ok(!login.text.includes('evil.example'), 'the log-in form carries a foreign next');
	});

	for (const width of [1280, 375]) {
		describe(`${width} px`, () => {
			let browser, page;
			const errors = [];

			before(async () => {
				({ browser, page } = await openBrowser(errors, { width }));
			});

			after(async () => {
				await browser?.close();
			});

			async function logIn(nameSel, pwSel, buttonText) {
				await page.fill(nameSel, acct.name);
				await page.fill(pwSel, acct.password);
				await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: buttonText }).click()]);
			}

			test('after logging in you return to the page you asked for', async () => {
				await page.goto(`${BASE}/admin/${YEAR}/videos`);
				const u = new URL(page.url());
				assert.equal(u.pathname, '/admin/login');
				assert.equal(u.searchParams.get('next'), `/admin/${YEAR}/videos`);
				await logIn('#name', '#password', 'Log in');
				assert.equal(new URL(page.url()).pathname, `/admin/${YEAR}/videos`);
			});

			test('a save after the session ended: log in there, and what was typed is saved', async () => {
				const tag = uniq('');
				const review = `Typed at ${width} px ${tag}\n\nSecond paragraph with <b>markup</b> & "quotes" ' and ü.`;
				await page.goto(`${BASE}/admin/${year}/`);
				await page.fill('#review_md', review);
				await page.fill('#venue', `Venue ${tag}`);
				sql(`UPDATE session SET seen_at = seen_at - 7200 WHERE ${mine()};`);
				await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
				assert.equal(new URL(page.url()).pathname, `/admin/${year}/`);
				const note = await page.locator('#resume-note').innerText();
				assert.match(note, /session had ended/i);
				const kept = await page.locator('input[type="hidden"][name="review_md"]').inputValue();
				assert.equal(kept.replace(/\r\n/g, '\n'), review, 'the typed review is not carried');
				await page.screenshot({ path: path.join(SHOTS, `resume-login-${width}.png`), fullPage: true });
				const v = await axeViolations(page);
				assert.deepEqual(v, [], `axe on the log-in that keeps the form: ${JSON.stringify(v)}`);
				await logIn('#login_name', '#login_password', 'Log in and save');
				const u = new URL(page.url());
				assert.equal(u.pathname, `/admin/${year}/`);
				assert.match(u.searchParams.get('done') || '', /^(saved|unpublished)$/, `after log-in: ${page.url()}`);
				const stored = sql(`SELECT review_md FROM edition WHERE year = ${year};`).replace(/\n$/, '').replace(/\r\n/g, '\n');
				assert.equal(stored, review);
				assert.equal(sql(`SELECT venue FROM edition WHERE year = ${year};`).trim(), `Venue ${tag}`);
				assert.equal(await page.inputValue('#review_md').then((s) => s.replace(/\r\n/g, '\n')), review);
			});

			test('a notice warns before the session ends; "Stay logged in" renews it', async () => {
				// The log-in page of the test before answered 401 on purpose.
				errors.length = 0;
				// The page's clock runs 26 minutes ahead; the server's session
				// is set back by as much, as if that time had passed.
				await page.clock.install();
				await page.goto(`${BASE}/admin/${year}/`);
				const notice = page.locator('#session-notice');
				assert.equal(await notice.isVisible(), false, 'the notice shows at once');
				await page.clock.fastForward('26:00');
				sql(`UPDATE session SET seen_at = seen_at - 1560 WHERE ${mine()};`);
				await notice.waitFor({ state: 'visible', timeout: 5000 });
				assert.match(await notice.innerText(), /session ends in about/i);
				await page.screenshot({ path: path.join(SHOTS, `warning-${width}.png`), fullPage: false });
				const before = Number(sql(`SELECT max(seen_at) FROM session WHERE ${mine()};`));
				await notice.getByRole('button', { name: 'Stay logged in' }).click();
				await notice.waitFor({ state: 'hidden', timeout: 5000 });
				const now = Number(sql(`SELECT max(seen_at) FROM session WHERE ${mine()};`));
				assert.ok(now > before + 1000, `the session was not renewed (${before} -> ${now})`);
				assert.deepEqual(errors, [], `console errors: ${errors.join('\n')}`);
			});
		});
	}
});
