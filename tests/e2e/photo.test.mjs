// Every gallery photo has its own page (/YEAR/gallery/ID): the large image
// with srcset, caption, credit and alt text, previous/next in the gallery's
// order, the way back to the grid at the photo, and how to ask for it in
// high resolution.  Arrow keys move between photos where the script runs;
// the plain links work without it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, OUT, YEAR, get, getText, getBytes, tags, textOf, imageSize, sql, decodeEntities,
	statusSoon, VISIBLE_WITHIN_MS } from './lib.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = fs.readFileSync(path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js'), 'utf8');
const SCREENS = path.join(OUT, 'screens');
const PHOTO_RE = new RegExp(`^/${YEAR}/gallery/([1-9][0-9]*)$`);
// The photo pages the grid links, in the grid's order (every grid page).
async function gridLinks() {
	const out = [];
	for (let n = 1; n < 50; n++) {
		const { res, text } = await getText(n === 1 ? `/${YEAR}/gallery` : `/${YEAR}/gallery?page=${n}`);
		if (res.status === 404 && n > 1)
			break;
		assert.equal(res.status, 200);
		for (const m of text.matchAll(/<figure\b[^>]*>([\s\S]*?)<\/figure>/g)) {
			const a = tags(m[1], 'a')[0];
			const img = tags(m[1], 'img')[0];
			out.push({ href: a.attrs.href, id: a.attrs.id, page: n, thumb: img.attrs.src, alt: img.attrs.alt,
				caption: textOf((/<figcaption[^>]*>([\s\S]*?)<\/figcaption>/.exec(m[1]) || ['', ''])[1]).trim() });
		}
		if (!/rel="next"/.test(text))
			break;
	}
	return out;
}

// The page's rel=next link once it is `want` (or the last one seen).
async function nextSoon(p, want) {
	let next;
	for (const until = Date.now() + VISIBLE_WITHIN_MS; Date.now() < until;) {
		next = linkByRel((await getText(p)).text, 'next');
		if (next === want)
			break;
		await new Promise((r) => setTimeout(r, 100));
	}
	return next;
}

function linkByRel(html, rel) {
	return tags(html, 'a').find((a) => a.attrs.rel === rel)?.attrs.href;
}

describe('photo pages', () => {
	let grid;
	before(async () => { grid = await gridLinks(); });

	test('every thumbnail links its own page, anchored in the grid', () => {
		assert.ok(grid.length >= 3, `only ${grid.length} photos in the demo gallery`);
		for (const g of grid) {
			assert.match(g.href, PHOTO_RE, `${g.thumb} links ${g.href}`);
			assert.equal(g.id, `photo-${PHOTO_RE.exec(g.href)[1]}`);
		}
	});

	test('a page shows the photo large, with srcset, alt, caption and credit', async () => {
		for (const g of grid) {
			const { res, text } = await getText(g.href);
			assert.equal(res.status, 200, g.href);
			const img = tags(text, 'img').find((i) => /^\/media\//.test(i.attrs.src || ''));
			assert.ok(img, `${g.href}: no photo`);
			assert.equal(img.attrs.alt, g.alt, `${g.href}: alt differs from the grid's`);
			const set = decodeEntities(img.attrs.srcset || '').split(',').map((s) => s.trim().split(/\s+/));
			assert.equal(set.length, 2, `${g.href}: srcset "${img.attrs.srcset}"`);
			assert.equal(set[0][0], g.thumb, 'the thumbnail is the small candidate');
			assert.equal(set[1][0], img.attrs.src, 'the large image is the large candidate');
			for (const [src, w] of set) {
				const { res: r, bytes } = await getBytes(src);
				assert.equal(r.status, 200, src);
				assert.equal(`${imageSize(bytes).width}w`, w, `${src}: srcset width`);
			}
			const { bytes } = await getBytes(img.attrs.src);
			assert.equal(Number(img.attrs.width), imageSize(bytes).width);
			assert.equal(Number(img.attrs.height), imageSize(bytes).height);
			const fig = /<figcaption[^>]*>([\s\S]*?)<\/figcaption>/.exec(text);
			assert.equal(fig ? textOf(fig[1]).trim() : '', g.caption, `${g.href}: caption and credit`);
			assert.match(textOf(text), /Photo \d+ of \d+/);
		}
	});

	test('previous and next follow the gallery order; the way back lands on the photo', async () => {
		for (const [i, g] of grid.entries()) {
			const { text } = await getText(g.href);
			assert.equal(linkByRel(text, 'prev'), i > 0 ? grid[i - 1].href : undefined, `${g.href}: prev`);
			assert.equal(linkByRel(text, 'next'), i + 1 < grid.length ? grid[i + 1].href : undefined, `${g.href}: next`);
			const back = tags(text, 'a').find((a) => textOf(a.inner || '') === 'All photos' ||
				/^\/\d{4}\/gallery(\?page=\d+)?#photo-/.test(a.attrs.href || ''));
			const want = `/${YEAR}/gallery${g.page > 1 ? `?page=${g.page}` : ''}#${g.id}`;
			assert.equal(back?.attrs.href, want, `${g.href}: back link`);
			assert.match(textOf(text), new RegExp(`Photo ${i + 1} of ${grid.length}\\b`));
		}
	});

	test('asks for the high resolution by naming the photo to the contact', async () => {
		const { text } = await getText(grid[0].href);
		const id = PHOTO_RE.exec(grid[0].href)[1];
		const t = textOf(text);
		assert.match(t, /high resolution/i);
		assert.ok(t.includes(`${YEAR}-${id}`), 'the photo is not named');
		assert.ok(tags(text, 'a').some((a) => /^(mailto|tel):/.test(a.attrs.href || '')), 'no way to reach the contact');
	});

	test('only shown photos have pages: others, malformed ids and other years are 404', async () => {
		const id = PHOTO_RE.exec(grid[1].href)[1];
		const other = sql(`SELECT f.id FROM photo f JOIN edition e ON e.id = f.edition_id WHERE e.year <> ${YEAR} LIMIT 1;`).trim();
		const bad = [`/${YEAR}/gallery/0`, `/${YEAR}/gallery/0${id}`, `/${YEAR}/gallery/+${id}`,
			`/${YEAR}/gallery/${id}/`, `/${YEAR}/gallery/${id}x`, `/${YEAR}/gallery/99999999`,
			`/${YEAR}/gallery/99999999999999999999`, `/${YEAR}/gallery/${id}?x=1`, `/1999/gallery/${id}`];
		if (other)
			bad.push(`/${YEAR}/gallery/${other}`);
		for (const p of bad)
			assert.equal((await get(p)).status, 404, p);
		sql(`UPDATE photo SET published = 0 WHERE id = ${id};`);
		try {
			assert.equal(await statusSoon(`/${YEAR}/gallery/${id}`, 404), 404, 'an unpublished photo');
			assert.equal(await nextSoon(grid[0].href, grid[2].href), grid[2].href, 'next skips the unpublished photo');
		} finally {
			sql(`UPDATE photo SET published = 1 WHERE id = ${id};`);
		}
		assert.equal(await statusSoon(`/${YEAR}/gallery/${id}`, 200), 200, 'published again');
		// Leave no cached page behind that still skips it.
		assert.equal(await nextSoon(grid[0].href, grid[1].href), grid[1].href, 'next after publishing again');
		for (const until = Date.now() + VISIBLE_WITHIN_MS; (await gridLinks()).length !== grid.length && Date.now() < until;)
			await new Promise((r) => setTimeout(r, 100));
	});
});

describe('photo pages in the browser', () => {
	let browser, grid;
	before(async () => {
		fs.mkdirSync(SCREENS, { recursive: true });
		grid = await gridLinks();
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60000 });
	});
	after(async () => { await browser?.close(); });

	async function open(width, js = true) {
		const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: js });
		const page = await context.newPage();
		const errors = [], elsewhere = [];
		page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('request', (r) => { if (!r.url().startsWith(BASE)) elsewhere.push(r.url()); });
		return { context, page, errors, elsewhere };
	}

	test('the arrow keys move to the next and the previous photo', async () => {
		const { context, page, errors } = await open(1280);
		await page.goto(BASE + grid[0].href);
		await Promise.all([page.waitForURL(BASE + grid[1].href), page.keyboard.press('ArrowRight')]);
		await Promise.all([page.waitForURL(BASE + grid[0].href), page.keyboard.press('ArrowLeft')]);
		// At the first photo there is nothing before it: the key does nothing.
		await page.keyboard.press('ArrowLeft');
		await page.waitForTimeout(300);
		assert.equal(page.url(), BASE + grid[0].href);
		assert.deepEqual(errors, []);
		await context.close();
	});

	test('without JavaScript the links work', async () => {
		const { context, page } = await open(375, false);
		await page.goto(BASE + grid[0].href);
		await Promise.all([page.waitForURL(BASE + grid[1].href), page.getByRole('link', { name: 'Next photo' }).click()]);
		await Promise.all([page.waitForURL(`${BASE}/${YEAR}/gallery#${grid[1].id}`),
			page.getByRole('link', { name: 'All photos' }).click()]);
		await context.close();
	});

	for (const width of [375, 1280]) {
		test(`at ${width} px: whole photo shown, no overflow, nothing from elsewhere, axe clean`, async () => {
			const { context, page, errors, elsewhere } = await open(width);
			await page.goto(BASE + grid[0].href);
			const img = page.locator('figure.photo img');
			await img.evaluate((i) => i.complete || new Promise((r) => { i.onload = r; i.onerror = r; }));
			const m = await img.evaluate((i) => ({ nat: i.naturalWidth, w: i.clientWidth, h: i.clientHeight,
				nw: i.naturalWidth, nh: i.naturalHeight, fit: getComputedStyle(i).objectFit }));
			assert.ok(m.nat > 0, 'the photo did not load');
			// Not cropped: the box keeps the photo's own proportions.
			assert.ok(Math.abs(m.w / m.h - m.nw / m.nh) < 0.02, `shown ${m.w}x${m.h} for ${m.nw}x${m.nh}`);
			assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, 'horizontal overflow');
			await page.screenshot({ path: path.join(SCREENS, `photo-${width}.png`), fullPage: true });
			// Through the DevTools protocol: the page's CSP would refuse it inline.
			await page.evaluate(`${AXE}\n;undefined`);
			const res = await page.evaluate(() => window.axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
			assert.deepEqual(res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
			assert.deepEqual(elsewhere, []);
			assert.deepEqual(errors, []);
			await context.close();
		});
	}
});
