// The admin in a real browser (Debian's Chromium driven by playwright-core):
// log in through the form (the __Host- cookie is Secure, which Chromium
// accepts from http://127.0.0.1, a potentially trustworthy origin), upload
// slides and photos through the forms - with JavaScript (admin.js: XHR and
// a progress bar) and without - and keep screenshots of the admin pages at
// 1280 px in tests/out/admin/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM, openBrowser } from './a11y-lib.mjs';
import { BASE, OUT, YEAR, sql } from './lib.mjs';
import { Admin, account, skipReason, uniq, COOKIE } from './admin-lib.mjs';
import { makePdf, makeJpeg } from './fixtures/files.mjs';

const SHOTS = path.join(OUT, 'admin');
const NAV_TIMEOUT_MS = 15000;
// Upload speed while the progress bar is watched: the PDF below takes
// about two seconds at this rate.
const UPLOAD_BYTES_PER_S = 150 * 1024;

const skip = skipReason() || (fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing`);

describe('admin in Chromium', { skip: skip || false }, () => {
	const acct = skip ? null : account('browser');
	const tag = uniq('');
	const created = { talks: [], photos: [] };
	let browser, context, page;
	const consoleErrors = [];

	before(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		({ browser, context, page } = await openBrowser(consoleErrors, { timeout: NAV_TIMEOUT_MS }));
	});

	after(async () => {
		await browser?.close();
		// The uploads go to the trash, for the public tests that follow.
		if (!created.talks.length && !created.photos.length)
			return;
		const a = new Admin(acct);
		await a.loginOk();
		for (const id of created.talks)
			await a.post(`/admin/${YEAR}/presentations/${id}/delete`, {});
		for (const id of created.photos)
			await a.post(`/admin/${YEAR}/photos/${id}/delete`, {});
	});

	async function shot(name) {
		await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
	}

	test('log in through the form: the Secure __Host- cookie is kept on http://127.0.0.1', async () => {
		await page.goto(`${BASE}/admin/`);
		assert.equal(new URL(page.url()).pathname, '/admin/login', 'not sent to the log-in form');
		await shot('login');
		await page.fill('input[name="name"]', acct.name);
		await page.fill('input[name="password"]', acct.password);
		await Promise.all([page.waitForURL(`${BASE}/admin/`), page.click('form[action="/admin/login"] button[type="submit"], form[action="/admin/login"] [type="submit"]')]);
		const cookies = await context.cookies(BASE);
		const sid = cookies.find((c) => c.name === COOKIE);
		assert.ok(sid, `Chromium did not keep ${COOKIE}: ${JSON.stringify(cookies.map((c) => c.name))}`);
		assert.equal(sid.secure, true);
		assert.equal(sid.httpOnly, true);
		assert.equal(sid.sameSite, 'Strict');
		assert.equal(sid.path, '/');
		// The cookie is sent back: a second page needs it.
		await page.goto(`${BASE}/admin/audit`);
		assert.equal(new URL(page.url()).pathname, '/admin/audit', 'the session was not kept');
		await page.goto(`${BASE}/admin/`);
		await shot('dashboard');
	});

	test('upload a PDF with JavaScript: the progress bar shows, the list has the talk', async () => {
		const title = `E2E browser slides ${tag}`;
		const pdf = makePdf(4, title, 300 * 1024);
		await page.goto(`${BASE}/admin/${YEAR}/presentations`);
		const form = page.locator(`form.upload[action="/admin/${YEAR}/presentations"]`);
		await form.locator('input[name="title"]').fill(title);
		await form.locator('input[name="speakers"]').fill('Browser Test');
		await form.locator('input[name="file"]').setInputFiles({ name: 'browser.pdf', mimeType: 'application/pdf', buffer: pdf });

		const cdp = await context.newCDPSession(page);
		await cdp.send('Network.enable');
		await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0,
			downloadThroughput: -1, uploadThroughput: UPLOAD_BYTES_PER_S });
		const progress = form.locator('progress');
		await form.locator('button[type="submit"]').click();
		await progress.waitFor({ state: 'visible', timeout: 5000 });
		// The bar moves with the upload's progress events.
		await page.waitForFunction(() => {
			const p = document.querySelector('form.upload progress');
			return p && p.value > 0;
		}, null, { timeout: 10000 });
		await shot('presentations-uploading');
		await page.waitForFunction((t) => document.body.innerText.includes(t), title, { timeout: 30000 });
		await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0,
			downloadThroughput: -1, uploadThroughput: -1 });
		assert.equal(new URL(page.url()).pathname, `/admin/${YEAR}/presentations`, 'the address after the upload');
		const id = sql(`SELECT id FROM presentation WHERE title = '${title}' AND deleted_at IS NULL;`).trim();
		assert.match(id, /^\d+$/, 'no row for the talk');
		created.talks.push(id);
		await shot('presentations');
	});

	test('upload two photos through the form, then describe each with its alt text', async () => {
		await page.goto(`${BASE}/admin/${YEAR}/photos`);
		const alts = [`E2E browser photo one ${tag}`, `E2E browser photo two ${tag}`];
		const files = [makeJpeg(800, 600), makeJpeg(600, 800)];
		await page.setInputFiles('#files', files.map((buffer, i) => ({ name: `browser-${i + 1}-${tag}.jpg`, mimeType: 'image/jpeg', buffer })));
		await page.waitForFunction(() => document.querySelectorAll('.upload-queue li.upload-ok').length === 2, null, { timeout: 30000 });
		await Promise.all([page.waitForURL(`${BASE}/admin/${YEAR}/photos/describe`), page.click('.upload-summary a')]);
		await page.fill('#credit_all', 'Fotorechte: Browser E2E');
		for (const [i, alt] of alts.entries()) {
			const id = sql(`SELECT max(id) FROM photo_draft WHERE name = 'browser-${i + 1}-${tag}.jpg';`).trim();
			await page.fill(`#alt_${id}`, alt);
		}
		await Promise.all([page.waitForNavigation(), page.click('.describe-form button[type="submit"]')]);
		await page.goto(`${BASE}/admin/${YEAR}/photos`);
		for (const alt of alts) {
			const id = sql(`SELECT id FROM photo WHERE alt = '${alt}' AND deleted_at IS NULL;`).trim();
			assert.match(id, /^\d+$/, `no row for ${alt}`);
			created.photos.push(id);
		}
		// Every thumbnail loads (lazy ones are asked for now).
		const broken = await page.$$eval('img', (imgs) => Promise.all(imgs.map((i) => {
			i.loading = 'eager';
			return i.decode().then(() => (i.naturalWidth > 0 ? null : i.src), () => i.src);
		})).then((r) => r.filter(Boolean)));
		assert.deepEqual(broken, [], 'images that did not load');
		await shot('photos');
	});

	test('the press form and the edition form render', async () => {
		await page.goto(`${BASE}/admin/${YEAR}/press/en`);
		assert.ok(await page.locator('textarea[name="body_md"]').count(), 'no body_md field');
		await shot('press-en');
		await page.goto(`${BASE}/admin/${YEAR}/`);
		await shot('edition');
	});

	test('without JavaScript the plain form uploads too', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
		try {
			const p = await ctx.newPage();
			p.setDefaultTimeout(NAV_TIMEOUT_MS);
			await p.goto(`${BASE}/admin/login`);
			await p.fill('input[name="name"]', acct.name);
			await p.fill('input[name="password"]', acct.password);
			await Promise.all([p.waitForURL(`${BASE}/admin/`), p.click('form[action="/admin/login"] [type="submit"]')]);
			await p.goto(`${BASE}/admin/${YEAR}/presentations`);
			const title = `E2E no-JS slides ${tag}`;
			const form = p.locator(`form.upload[action="/admin/${YEAR}/presentations"]`);
			await form.locator('input[name="title"]').fill(title);
			await form.locator('input[name="speakers"]').fill('Plain Form');
			await form.locator('input[name="file"]').setInputFiles({ name: 'plain.pdf', mimeType: 'application/pdf', buffer: makePdf(2, title) });
			await Promise.all([p.waitForNavigation(), form.locator('button[type="submit"]').click()]);
			assert.equal(new URL(p.url()).pathname, `/admin/${YEAR}/presentations`);
			assert.ok((await p.innerText('body')).includes(title), 'the talk is not listed after the plain POST');
			const id = sql(`SELECT id FROM presentation WHERE title = '${title}' AND deleted_at IS NULL;`).trim();
			assert.match(id, /^\d+$/);
			created.talks.push(id);
		} finally {
			await ctx.close();
		}
	});

	test('no console errors, no CSP violations on the admin pages', () => {
		assert.deepEqual(consoleErrors, []);
	});
});
