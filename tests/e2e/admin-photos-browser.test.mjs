// Photos in bulk and the press kit in Chromium, at 1280 and 375 px: choosing
// and dropping many files (each on its own request, at most three at a
// time, a refused one marked alone), the describe view by keyboard only,
// reordering by keyboard (focus kept), by dragging, and without JavaScript
// (back at the photo's anchor), the multi-file form without JavaScript, and
// the press photo's download.  axe and the 375 px width on the new pages;
// screenshots in tests/out/photos/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, OUT, YEAR, sql } from './lib.mjs';
import { Admin, account, skipReason, uniq, addPhotos } from './admin-lib.mjs';
import { CHROMIUM, ARGS, PHONE, CONTRAST_MIN, axeViolations, contrasts, overflow } from './a11y-lib.mjs';
import { makeJpeg, jpegSegments } from './fixtures/files.mjs';

const SHOTS = path.join(OUT, 'photos');
const NAV_TIMEOUT_MS = 20000;
const PHOTOS = `/admin/${YEAR}/photos`;
const PARALLEL_MAX = 3;                 // admin.js UPLOAD_PARALLEL

const skip = skipReason() || (fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing`);

const galleryIds = () => sql(`SELECT f.id FROM photo f JOIN edition e ON e.id = f.edition_id
	WHERE e.year = ${YEAR} AND f.in_gallery = 1 AND f.deleted_at IS NULL
	ORDER BY f.position, f.id;`).trim().split('\n');

describe('photos in bulk and the press kit in Chromium', { skip: skip || false }, () => {
	const acct = skip ? null : account('photosui');
	const tag = uniq('');
	const made = [];
	const errors = [];
	let browser, pressBefore;

	before(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60000 });
		pressBefore = sql(`SELECT coalesce(press_photo_id, 'NULL') || ',' || coalesce(cover_photo_id, 'NULL')
			FROM edition WHERE year = ${YEAR};`).trim().split(',');
	});

	after(async () => {
		await browser?.close();
		if (skip)
			return;
		sql(`UPDATE edition SET press_photo_id = ${pressBefore[0]}, cover_photo_id = ${pressBefore[1]}
			WHERE year = ${YEAR}; DELETE FROM photo_draft WHERE name LIKE '%${tag}%';`);
		const a = new Admin(acct);
		await a.loginOk();
		for (const id of made)
			await a.post(`${PHOTOS}/${id}/delete`, {});
	});

	// A logged-in page at `width`, with or without JavaScript.
	async function session(width, js = true) {
		const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: js,
			acceptDownloads: true });
		const page = await context.newPage();
		page.setDefaultTimeout(NAV_TIMEOUT_MS);
		// A refused photo and a describe form with errors answer 422 on
		// purpose; Chromium logs each such answer as a console error.
		page.on('console', (m) => {
			if (m.type() === 'error' && !/status of 422 \(Unprocessable Content\)$/.test(m.text()))
				errors.push(`${page.url()}: ${m.text()}`);
		});
		page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
		await page.goto(`${BASE}/admin/login`);
		await page.fill('input[name="name"]', acct.name);
		await page.fill('input[name="password"]', acct.password);
		await Promise.all([page.waitForURL(`${BASE}/admin/`), page.click('form[action="/admin/login"] [type="submit"]')]);
		return { context, page };
	}

	async function checkPage(page, name, width) {
		await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
		assert.deepEqual(await axeViolations(page), [], `${name} at ${width}: axe`);
		const low = (await contrasts(page, 'main')).filter((c) => !(c.ratio >= CONTRAST_MIN));
		assert.deepEqual(low, [], `${name} at ${width}: contrast below ${CONTRAST_MIN}`);
		if (width === PHONE) {
			const o = await overflow(page);
			assert.ok(o.scrollWidth <= o.viewport, `${name} is ${o.scrollWidth} px wide at ${PHONE}: ${o.wide.join(', ')}`);
		}
	}

	const file = (n, w = 900, h = 600) => ({ name: `bulk-${n}-${tag}.jpg`, mimeType: 'image/jpeg', buffer: makeJpeg(w, h) });

	for (const width of [1280, PHONE]) {
		test(`${width} px: many files at once, three at a time, a refused file marked alone`, async () => {
			const { context, page } = await session(width);
			try {
				await page.goto(`${BASE}${PHOTOS}`);
				await checkPage(page, 'photos', width);
				// How many files are on their way at once, as the page shows it.
				await page.evaluate(() => {
					window.mostInFlight = 0;
					new MutationObserver(() => {
						const n = [...document.querySelectorAll('.upload-queue .upload-state')]
							.filter((e) => e.textContent === 'uploading' || e.textContent === 'processing').length;
						window.mostInFlight = Math.max(window.mostInFlight, n);
					}).observe(document.querySelector('.upload-queue'), { subtree: true, childList: true, characterData: true });
				});
				const files = [file(`${width}a`), file(`${width}b`), file(`${width}c`, 600, 900), file(`${width}d`),
					{ name: `broken-${width}-${tag}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo') }];
				await page.setInputFiles('#files', files);
				await page.waitForFunction((n) => document.querySelectorAll('.upload-queue li.upload-ok, .upload-queue li.upload-failed').length === n,
					files.length, { timeout: 60000 });
				const rows = await page.$$eval('.upload-queue li', (lis) => lis.map((li) => [li.className, li.innerText]));
				assert.equal(rows.filter(([c]) => c === 'upload-ok').length, 4, JSON.stringify(rows));
				const bad = rows.filter(([c]) => c === 'upload-failed');
				assert.equal(bad.length, 1);
				assert.match(bad[0][1], new RegExp(`broken-${width}-${tag}\\.jpg: not a JPEG or PNG image\\.`));
				const most = await page.evaluate(() => window.mostInFlight);
				assert.ok(most > 1 && most <= PARALLEL_MAX, `files on their way at once: ${most}`);
				assert.match(await page.innerText('.upload-summary'), /4 of 5 photo\(s\) added, 1 refused/);
				await page.screenshot({ path: path.join(SHOTS, `photos-uploaded-${width}.png`), fullPage: true });

				// A dropped file goes the same way.
				const b64 = makeJpeg(500, 400).toString('base64');
				const dt = await page.evaluateHandle(({ b64, name }) => {
					const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
					const d = new DataTransfer();
					d.items.add(new File([bytes], name, { type: 'image/jpeg' }));
					return d;
				}, { b64, name: `dropped-${width}-${tag}.jpg` });
				await page.dispatchEvent('.dropzone', 'drop', { dataTransfer: dt });
				await page.waitForFunction(() => document.querySelectorAll('.upload-queue li.upload-ok').length === 5, null, { timeout: 30000 });
				const waiting = Number(sql(`SELECT count(*) FROM photo_draft WHERE name LIKE '%-${width}%${tag}.jpg';`).trim());
				assert.equal(waiting, 5);
			} finally {
				await context.close();
			}
		});

		test(`${width} px: the describe view by keyboard only, errors per photo, then all saved at once`, async () => {
			const { context, page } = await session(width);
			try {
				await page.goto(`${BASE}${PHOTOS}/describe`);
				await checkPage(page, 'describe', width);
				const ids = await page.$$eval('input[name="id"]', (xs) => xs.map((x) => x.value));
				assert.ok(ids.length >= 5, `drafts: ${ids.length}`);
				// Tab from the top to the credit for all, then through the cards.
				const tabTo = async (id) => {
					for (let i = 0; i < 200; i++) {
						if (await page.evaluate(() => document.activeElement && document.activeElement.id) === id)
							return;
						await page.keyboard.press('Tab');
					}
					assert.fail(`Tab never reached #${id}`);
				};
				await tabTo('credit_all');
				await page.keyboard.type(`Fotorechte: Keyboard ${tag}`);
				await tabTo(`caption_${ids[0]}`);
				await page.keyboard.type('A caption, no alt text yet');
				await page.keyboard.press('Enter');            // submits the form
				await page.waitForSelector(`#error-${ids[0]}`);
				assert.match(await page.innerText('.form-error'), /Nothing was saved/);
				assert.equal(await page.inputValue(`#caption_${ids[0]}`), 'A caption, no alt text yet', 'typed text kept');
				assert.equal(await page.inputValue('#credit_all'), `Fotorechte: Keyboard ${tag}`);
				await page.screenshot({ path: path.join(SHOTS, `describe-error-${width}.png`), fullPage: true });
				assert.deepEqual(await axeViolations(page), [], 'describe view with errors: axe');

				await tabTo(`alt_${ids[0]}`);
				await page.keyboard.type(`Keyboard alt 0 ${width} ${tag}`);
				for (const [i, id] of ids.slice(1).entries()) {
					await tabTo(`alt_${id}`);
					await page.keyboard.type(`Keyboard alt ${i + 1} ${width} ${tag}`);
				}
				await tabTo(`alt_${ids[ids.length - 1]}`);
				await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
				assert.equal(new URL(page.url()).pathname, PHOTOS);
				const rows = sql(`SELECT id || '|' || credit FROM photo WHERE alt LIKE 'Keyboard alt % ${width} ${tag}'
					AND deleted_at IS NULL;`).trim().split('\n');
				assert.equal(rows.length, ids.length);
				for (const r of rows) {
					made.push(r.split('|')[0]);
					assert.equal(r.split('|')[1], `Fotorechte: Keyboard ${tag}`);
				}
			} finally {
				await context.close();
			}
		});

		test(`${width} px: reorder by keyboard keeps the focus; dragging moves a photo (1280 px)`, async () => {
			const { context, page } = await session(width);
			try {
				await page.goto(`${BASE}${PHOTOS}`);
				const order = galleryIds();
				const first = order[0];
				await page.focus(`#item-${first} button[name="dir"][value="down"]`);
				await page.keyboard.press('Enter');
				await page.waitForFunction((id) => document.querySelector('ol.photos').children[1].id === `item-${id}`, first);
				const focus = await page.evaluate(() => [document.activeElement.closest('li').id, document.activeElement.value]);
				assert.deepEqual(focus, [`item-${first}`, 'down'], 'the focus left the moved photo');
				assert.equal((await page.innerText('[role="status"]')).trim(), 'Moved down.');
				for (let i = 0; i < 50 && galleryIds()[1] !== first; i++)
					await page.waitForTimeout(100);
				assert.deepEqual(galleryIds().slice(0, 2), [order[1], first]);
				// Up again from the keyboard: the Up button of the same photo.
				await page.keyboard.press('Shift+Tab');
				assert.equal(await page.evaluate(() => document.activeElement.value), 'up');
				await page.keyboard.press('Enter');
				for (let i = 0; i < 50 && galleryIds()[0] !== first; i++)
					await page.waitForTimeout(100);
				assert.deepEqual(galleryIds(), order);

				// Drag the third photo onto the first one's left half.  (Phones
				// have no drag and drop for pages: there it is Up and Down.)
				if (width === PHONE)
					return;
				const third = order[2];
				await page.locator(`#item-${third}`).dragTo(page.locator(`#item-${first}`), { targetPosition: { x: 5, y: 5 } });
				for (let i = 0; i < 50 && galleryIds()[0] !== third; i++)
					await page.waitForTimeout(100);
				assert.deepEqual(galleryIds().slice(0, 3), [third, first, order[1]]);
				await page.reload();
				assert.equal(await page.$eval('ol.photos', (ol) => ol.children[0].id), `item-${third}`);
				// Back to where it was, for the tests that follow.
				await page.locator(`#item-${third}`).dragTo(page.locator(`#item-${order[3]}`), { targetPosition: { x: 5, y: 5 } });
				for (let i = 0; i < 50 && galleryIds()[2] !== third; i++)
					await page.waitForTimeout(100);
				assert.deepEqual(galleryIds(), order);
			} finally {
				await context.close();
			}
		});

		test(`${width} px without JavaScript: several files in one form, and Down comes back to the photo`, async () => {
			const { context, page } = await session(width, false);
			try {
				await page.goto(`${BASE}${PHOTOS}`);
				await page.setInputFiles('#files', [file(`nojs-${width}a`), file(`nojs-${width}b`),
					{ name: `nojs-bad-${width}-${tag}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from('<b>no</b>') }]);
				await Promise.all([page.waitForNavigation(), page.click('form.bulk-upload button[type="submit"]')]);
				const alert = await page.innerText('.form-error');
				assert.match(alert, /2 photo\(s\) added/);
				assert.match(alert, new RegExp(`nojs-bad-${width}-${tag}\\.jpg: not a JPEG or PNG image\\.`));
				await page.screenshot({ path: path.join(SHOTS, `photos-nojs-refused-${width}.png`), fullPage: true });
				sql(`DELETE FROM photo_draft WHERE name LIKE '%nojs-%${tag}.jpg';`);

				const order = galleryIds();
				const second = order[1];
				await Promise.all([page.waitForNavigation(), page.click(`#item-${second} button[name="dir"][value="down"]`)]);
				assert.equal(new URL(page.url()).hash, `#item-${second}`);
				assert.ok(await page.$eval(`#item-${second}`, (li) => li.matches(':target')), 'the moved photo is not the target');
				const top = await page.$eval(`#item-${second}`, (li) => li.getBoundingClientRect().top);
				assert.ok(top >= 0 && top < 900, `the moved photo is out of view (top ${top})`);
				assert.deepEqual(galleryIds().slice(1, 3), [order[2], second]);
				await page.screenshot({ path: path.join(SHOTS, `photos-nojs-moved-${width}.png`) });
				await Promise.all([page.waitForNavigation(), page.click(`#item-${second} button[name="dir"][value="up"]`)]);
				assert.deepEqual(galleryIds(), order);
			} finally {
				await context.close();
			}
		});
	}

	test('press photo picked in the gallery; "Download press photo" saves the full size under a readable name', async () => {
		const a = new Admin(acct);
		await a.loginOk();
		const [id] = await addPhotos(a, YEAR, [{ filename: `press-ui-${tag}.jpg`, data: makeJpeg(2000, 1500) }],
			[{ alt: `Press photo UI ${tag}`, credit: 'UI credit' }]);
		made.push(id);
		const { context, page } = await session(1280);
		try {
			await page.goto(`${BASE}${PHOTOS}`);
			await Promise.all([page.waitForNavigation(), page.click(`#item-${id} button[value="press"]`)]);
			assert.equal(new URL(page.url()).hash, `#item-${id}`);
			assert.match(await page.innerText(`#item-${id}`), /Press photo/);
			await page.goto(`${BASE}/admin/${YEAR}/press/de`);
			await checkPage(page, 'press-de', 1280);
			await page.goto(`${BASE}/${YEAR}/press`);
			const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download press photo')]);
			assert.equal(download.suggestedFilename(), `digimed-bayern-symposium-${YEAR}-press-photo.jpg`);
			const bytes = fs.readFileSync(await download.path());
			const sof = jpegSegments(bytes).find((s) => s.marker === 0xc0 || s.marker === 0xc2);
			assert.deepEqual([sof.data.readUInt16BE(3), sof.data.readUInt16BE(1)], [2000, 1500]);
			await page.screenshot({ path: path.join(SHOTS, 'press-public-1280.png'), fullPage: true });
			await page.goto(`${BASE}/admin/site`);
			await checkPage(page, 'site', 1280);
		} finally {
			await context.close();
		}
	});

	test('no console errors, no CSP violations', () => {
		assert.deepEqual(errors, []);
	});
});
