// Feedback in the admin, in Chromium at 1280 and 375 px: the one
// role="status" region says what a save, delete, restore and log-out did;
// a delete offers Undo (a POST with the CSRF token) which puts the item
// back at its place; after a reorder the page is at the item again.  The
// message comes from a fixed table: nothing of the address is shown.
// Also the smaller points: where you are in the navigation (aria-current),
// "1 video", the audit log's titles, an edition's dates in its year, and
// the checklist on the dashboard.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, OUT, YEAR, sql } from './lib.mjs';
import { Admin, account, skipReason, uniq, snippet, formFields, withFields } from './admin-lib.mjs';
import { CHROMIUM, PHONE, openBrowser, overflow } from './a11y-lib.mjs';

const SHOTS = path.join(OUT, 'admin-feedback');
const NAV_TIMEOUT_MS = 15000;
const VIDEOS = `/admin/${YEAR}/videos`;
const CHECKLIST_GAP_PX = 24;       // a section heading after a table: at least 1.5rem

const skip = skipReason() || (fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing`);

describe('feedback and undo', { skip: skip || false }, () => {
	const acct = skip ? null : account('feedback');
	const tag = uniq('');
	const admin = skip ? null : new Admin(acct);
	const made = [];
	let browser, context, page;
	const consoleErrors = [];

	// Three new videos, in order, titled "E2E feedback N SET".
	let set = '';
	async function addVideos() {
		set = uniq(tag);
		const ids = [];
		for (const n of ['one', 'two', 'three']) {
			const r = await admin.post(VIDEOS, { title: `E2E feedback ${n} ${set}`,
				url: `https://youtu.be/${(n + set + 'xxxxxxxxxxx').slice(0, 11)}` });
			assert.equal(r.status, 303, `add video ${n}: ${r.status} ${snippet(r.text)}`);
			const id = sql(`SELECT id FROM video WHERE title = 'E2E feedback ${n} ${set}';`).trim();
			assert.match(id, /^\d+$/);
			ids.push(id);
		}
		made.push(...ids);
		return ids;
	}

	// The live videos of the last set, in their order.
	function order() {
		return sql(`SELECT title FROM video WHERE title LIKE 'E2E feedback % ${set}' AND deleted_at IS NULL ` +
			'ORDER BY position, id;').trim().split('\n').map((t) => t.split(' ')[2]);
	}

	async function status() {
		return (await page.locator('[role="status"]').innerText()).trim();
	}

	async function shot(name, width) {
		await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
	}

	before(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		({ browser, context, page } = await openBrowser(consoleErrors, { timeout: NAV_TIMEOUT_MS }));
		await admin.loginOk();
		await page.goto(`${BASE}/admin/login`);
		await page.fill('input[name="name"]', acct.name);
		await page.fill('input[name="password"]', acct.password);
		await Promise.all([page.waitForURL(`${BASE}/admin/`), page.click('form[action="/admin/login"] [type="submit"]')]);
	});

	after(async () => {
		await browser?.close();
		for (const id of made)
			sql(`DELETE FROM video WHERE id = ${id};`);
	});

	test('one status region on every admin page, empty without a message', async () => {
		for (const p of ['/admin/', '/admin/trash', VIDEOS, '/admin/login']) {
			const r = await admin.page(p);
			const regions = r.html.match(/role="status"/g) || [];
			assert.equal(regions.length, 1, `${p}: ${regions.length} status regions`);
		}
		await page.goto(`${BASE}/admin/`);
		assert.equal(await status(), '');
	});

	for (const width of [1280, PHONE])
		test(`${width} px: delete says "moved to the trash", Undo by keyboard puts it back at its place`, async () => {
			await page.setViewportSize({ width, height: 800 });
			const ids = await addVideos();
			await page.goto(`${BASE}${VIDEOS}`);
			const del = page.locator(`#item-${ids[1]} form[action$="/delete"] button`);
			await Promise.all([page.waitForURL(/done=deleted/), del.click()]);
			assert.match(await status(), /Moved to the trash\./);
			assert.deepEqual(order(), ['one', 'three'], 'after the delete');
			const undo = page.locator('[role="status"] button', { hasText: 'Undo' });
			assert.equal(await undo.count(), 1, 'no Undo button');
			await shot('deleted', width);
			// Keyboard only: focus the button as Tab would reach it, Enter.
			await undo.focus();
			await Promise.all([page.waitForURL(/done=restored/), page.keyboard.press('Enter')]);
			const u = new URL(page.url());
			assert.equal(u.pathname, VIDEOS);
			assert.equal(u.hash, `#item-${ids[1]}`);
			assert.match(await status(), /Restored from the trash\./);
			assert.deepEqual(order(), ['one', 'two', 'three'], 'the restored video is not at its place');
			const o = await overflow(page);
			assert.ok(o.scrollWidth <= o.viewport, `the page is ${o.scrollWidth} px wide`);
			await shot('restored', width);
		});

	test('the Undo is a POST with the CSRF token: without it, nothing is restored', async () => {
		const ids = await addVideos();
		const r = await admin.post(`${VIDEOS}/${ids[0]}/delete`, {});
		assert.equal(r.status, 303);
		const list = await admin.page(r.location);
		const forms = formFields(list.html, `/admin/trash/video/${ids[0]}/restore`);
		assert.ok(forms.some(([k, v]) => k === 'csrf' && v === admin.csrf), 'the Undo form has no CSRF token');
		const bad = await admin.post(`/admin/trash/video/${ids[0]}/restore`, [['csrf', 'x'.repeat(43)], ['back', '1']]);
		assert.equal(bad.status, 403, `restore with a wrong token: ${bad.status}`);
		assert.equal(sql(`SELECT deleted_at IS NOT NULL FROM video WHERE id = ${ids[0]};`).trim(), '1');
		const ok = await admin.post(`/admin/trash/video/${ids[0]}/restore`, { back: '1' });
		assert.equal(ok.status, 303);
		assert.equal(ok.location, `${VIDEOS}?done=restored`);
	});

	test('nothing of the address is shown: unknown keys and hostile values give no message', async () => {
		for (const q of ['done=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'done=saved%22%3E%3Cb%3E',
			'done=deleted&undo=video-1%22%3E%3Cscript%3E', 'done=deleted&undo=%3Cb%3E-1', 'done=deleted&undo=table-1']) {
			const r = await admin.page(`/admin/?${q}`);
			const region = /<div class="status" role="status">([\s\S]*?)<\/div>/.exec(r.html)[1];
			assert.ok(!/<script>|<b>|alert\(/.test(r.html), `?${q}: reflected`);
			assert.ok(!/Undo/.test(region), `?${q}: an Undo for a value that is not an item`);
		}
		const ok = await admin.page('/admin/?done=saved');
		assert.match(ok.words, /Saved\./);
	});

	for (const width of [1280, PHONE])
		test(`${width} px: after a reorder the page is at the moved item`, async () => {
			await page.setViewportSize({ width, height: 700 });
			const ids = await addVideos();
			await page.goto(`${BASE}${VIDEOS}`);
			const btn = page.locator(`#item-${ids[2]} button[value="up"]`);
			await btn.scrollIntoViewIfNeeded();
			await Promise.all([page.waitForURL(/done=moved/), btn.click()]);
			assert.equal(new URL(page.url()).hash, `#item-${ids[2]}`);
			assert.match(await status(), /Moved\./);
			const inView = await page.locator(`#item-${ids[2]}`).evaluate((el) => {
				const r = el.getBoundingClientRect();
				return r.top >= 0 && r.top < window.innerHeight;
			});
			assert.ok(inView, 'the moved item is not in view');
			await shot('moved', width);
		});

	test('save and log-out say so', async () => {
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(`${BASE}/admin/site`);
		await Promise.all([page.waitForURL(/done=saved/), page.click('form[action="/admin/site"] button[type="submit"]')]);
		assert.match(await status(), /Saved\./);
		await page.goto(`${BASE}/admin/`);
		await Promise.all([page.waitForURL(/\/admin\/login\?done=loggedout/), page.click('.logout button')]);
		assert.match(await status(), /You are logged out\./);
		await shot('logged-out', 1280);
		await page.fill('input[name="name"]', acct.name);
		await page.fill('input[name="password"]', acct.password);
		await Promise.all([page.waitForURL(`${BASE}/admin/`), page.click('form[action="/admin/login"] [type="submit"]')]);
	});

	test('the navigation and the edition tabs say where you are (aria-current)', async () => {
		const cur = async () => page.$$eval('[aria-current]', (els) => els.map((e) => `${e.getAttribute('aria-current')} ${e.textContent.trim()}`));
		await page.goto(`${BASE}/admin/trash`);
		assert.deepEqual(await cur(), ['page Trash']);
		await page.goto(`${BASE}${VIDEOS}`);
		assert.deepEqual(await cur(), ['page Videos']);
		await page.goto(`${BASE}/admin/${YEAR}/press/de`);
		assert.deepEqual(await cur(), ['page Press release (German)']);
		const id = sql(`SELECT min(id) FROM video WHERE deleted_at IS NULL AND edition_id = (SELECT id FROM edition WHERE year = ${YEAR});`).trim();
		await page.goto(`${BASE}${VIDEOS}/${id}`);
		assert.deepEqual(await cur(), ['true Videos']);
	});

	test('"1 video", "2 videos" on the dashboard', async () => {
		const counts = sql(`SELECT e.year, (SELECT count(*) FROM video d WHERE d.edition_id = e.id AND d.deleted_at IS NULL) FROM edition e;`)
			.trim().split('\n').map((l) => l.split('|').map(Number));
		const r = await admin.page('/admin/');
		for (const [year, n] of counts) {
			const want = `${n} ${n === 1 ? 'video' : 'videos'}`;
			assert.ok(r.html.includes(`href="/admin/${year}/videos">${want}</a>`), `${year}: "${want}" missing`);
		}
		assert.ok(!/\b1 videos\b/.test(r.words), '"1 videos"');
	});

	test('the audit log names the item by its title', async () => {
		const ids = await addVideos();
		const r = await admin.page('/admin/audit');
		const row = [...r.html.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1])
			.find((h) => h.includes(`(video ${ids[0]})`));
		assert.ok(row, `no audit row for video ${ids[0]}`);
		assert.ok(row.includes(`E2E feedback one ${set}`), `the row does not show the title: ${row}`);
	});

	test('an edition\'s dates must lie in its year; nothing is saved otherwise', async () => {
		const form = await admin.page(`/admin/${YEAR}/`);
		const fields = formFields(form.html, `/admin/${YEAR}/`);
		const before = sql(`SELECT starts FROM edition WHERE year = ${YEAR};`).trim();
		const r = await admin.post(`/admin/${YEAR}/`, withFields(fields, { starts: `${YEAR - 1}-12-05` }));
		assert.equal(r.status, 422, `${r.status}`);
		assert.match(r.text, new RegExp(`must lie in ${YEAR}`));
		assert.equal(sql(`SELECT starts FROM edition WHERE year = ${YEAR};`).trim(), before);
		const r2 = await admin.post(`/admin/${YEAR}/`, withFields(fields, { ends: `${YEAR + 1}-01-02` }));
		assert.equal(r2.status, 422);
	});

	// The Checklist heading keeps its distance from the table above it and
	// the text below (it touched the table).
	async function assertHeadingSpaced(page, width) {
		const gap = await page.evaluate(() => {
			const h = document.getElementById('checklist');
			const r = (e) => e.getBoundingClientRect();
			return { above: r(h).top - r(h.previousElementSibling).bottom,
				below: r(h.nextElementSibling).top - r(h).bottom };
		});
		assert.ok(gap.above >= CHECKLIST_GAP_PX && gap.below >= CHECKLIST_GAP_PX / 2,
			`at ${width} px the Checklist heading is ${gap.above} px below the table, ${gap.below} px above the text`);
	}

	test('the dashboard\'s checklist names what an edition lacks', async () => {
		const year = 2600 + Math.floor(Math.random() * 300);
		const r = await admin.post('/admin/editions/new', { year: String(year), title: `E2E checklist ${tag}`,
			starts: '', ends: '', venue: '', address: '', headline: '', summary: '', review_md: '', next_md: '' });
		assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
		try {
			const d = await admin.page('/admin/');
			const block = new RegExp(`<div class="checklist">\\s*<h3><a href="/admin/${year}/">[\\s\\S]*?</div>`).exec(d.html);
			assert.ok(block, 'no checklist for the new edition');
			for (const want of ['No press release in English', 'No press release in German', 'No date',
				'No presentations', 'No photos', 'No video'])
				assert.ok(block[0].includes(want), `"${want}" missing from the checklist`);
			const full = new RegExp(`<div class="checklist">\\s*<h3><a href="/admin/${YEAR}/">[\\s\\S]*?</div>`).exec(d.html)[0];
			assert.ok(!full.includes('No press release'), `the demo edition has both press releases: ${full}`);
			await page.setViewportSize({ width: PHONE, height: 800 });
			await page.goto(`${BASE}/admin/#checklist`);
			const o = await overflow(page);
			assert.ok(o.scrollWidth <= o.viewport, `the dashboard is ${o.scrollWidth} px wide: ${o.wide}`);
			await assertHeadingSpaced(page, PHONE);
			await shot('dashboard', PHONE);
			await page.setViewportSize({ width: 1280, height: 900 });
			await page.goto(`${BASE}/admin/#checklist`);
			await assertHeadingSpaced(page, 1280);
			await shot('dashboard', 1280);
		} finally {
			sql(`DELETE FROM edition WHERE year = ${year};`);
		}
	});

	test('no console errors', () => {
		assert.deepEqual(consoleErrors, []);
	});
});
