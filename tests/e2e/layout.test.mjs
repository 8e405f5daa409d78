// What a visitor sees of the layout that axe cannot measure: no title
// broken inside a word at any common width, and a press release that
// prints as text (no screen-only buttons, a photo that leaves room).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { BASE, YEAR } from './lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WIDTHS = [375, 768, 1024, 1280, 1440];
const A4_HEIGHT_PX = 1123;              // 297 mm at 96 px per inch

let browser;
before(async () => {
	browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true, timeout: 60000 });
});
after(async () => { await browser?.close(); });

// Lines each card title takes, against its words: more lines than words
// means a word was broken.
async function brokenTitles(page) {
	return page.$$eval('.card-link', (links) => links.map((a) => {
		const r = document.createRange();
		r.selectNodeContents(a);
		const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
		return { text: a.textContent.trim(), lines, words: a.textContent.trim().split(/\s+/).length };
	}).filter((t) => t.lines > t.words));
}

describe('layout', () => {
	for (const width of WIDTHS) {
		test(`the edition's cards at ${width} px: no title broken inside a word`, async () => {
			const page = await browser.newPage({ viewport: { width, height: 900 } });
			await page.goto(`${BASE}/${YEAR}/`);
			assert.ok(await page.locator('.card-link').count() >= 3, 'no cards');
			assert.deepEqual(await brokenTitles(page), []);
			await page.close();
		});
	}

	test('the press release in print: no screen-only links, the photo under a third of the page', async () => {
		const page = await browser.newPage();
		await page.goto(`${BASE}/${YEAR}/press`);
		await page.emulateMedia({ media: 'print' });
		const shown = (sel) => page.$$eval(sel, (els) => els.filter((e) => e.getClientRects().length > 0).length);
		assert.equal(await shown('.press-links'), 0, 'the download and language links print');
		assert.equal(await shown('.editions-nav, .subnav'), 0, 'the navigation prints');
		const h = await page.$eval('.press-photo img', (i) => i.getBoundingClientRect().height);
		assert.ok(h > 0 && h < A4_HEIGHT_PX / 3, `the press photo is ${h} px high in print`);
		await page.close();
	});
});
