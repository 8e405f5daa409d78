// Session videos on the page, privately: a local poster and a play button,
// not one request to YouTube or Vimeo before the click; after it, the
// player from the site's privacy mode (youtube-nocookie.com, Vimeo's
// dnt=1).  Requests to other hosts are aborted here, never sent: the test
// only records what the page asked for.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, OUT, YEAR, getText, sql, VISIBLE_WITHIN_MS } from './lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = fs.readFileSync(path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js'), 'utf8');
const PAGE = `/${YEAR}/presentations`;
const VIDEOS = [
	['Probe keynote', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s',
		'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90&autoplay=1'],
	['Probe panel', 'https://vimeo.com/76979871#t=30s',
		'https://player.vimeo.com/video/76979871?dnt=1&autoplay=1#t=30s'],
];

describe('session videos, click to load', () => {
	let browser;
	before(async () => {
		const eid = sql(`SELECT id FROM edition WHERE year = ${YEAR};`).trim();
		for (const [i, [title, url]] of VIDEOS.entries())
			sql(`INSERT INTO video (edition_id, position, title, url, created_at)
				VALUES (${eid}, ${90 + i}, '${title}', '${url}', 0);`);
		// The page's cache and nginx's microcache: wait for the new rows.
		for (const until = Date.now() + VISIBLE_WITHIN_MS; Date.now() < until;) {
			if ((await getText(PAGE)).text.includes('Probe panel'))
				break;
			await new Promise((r) => setTimeout(r, 100));
		}
		browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true, timeout: 60000 });
	});
	after(async () => {
		await browser?.close();
		sql(`DELETE FROM video WHERE title LIKE 'Probe %';`);
	});

	async function open(width, js = true) {
		const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: js });
		const page = await context.newPage();
		const elsewhere = [], errors = [];
		await page.route('**/*', (route) => {
			if (route.request().url().startsWith(BASE))
				return route.continue();
			elsewhere.push(route.request().url());
			return route.abort();
		});
		page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/.test(m.text())) errors.push(m.text()); });
		await page.goto(BASE + PAGE);
		return { context, page, elsewhere, errors };
	}

	test('the page asks nothing of another host before a click', async () => {
		const { context, page, elsewhere } = await open(1280);
		assert.equal(await page.locator('.player:visible').count(), VIDEOS.length, 'the posters are not shown');
		await page.waitForTimeout(500);
		assert.deepEqual(elsewhere, []);
		await context.close();
	});

	for (const [title, , player] of VIDEOS) {
		test(`play "${title}": its player, from the privacy mode, and nothing else`, async () => {
			const { context, page, elsewhere, errors } = await open(1280);
			await page.getByRole('button', { name: `Play “${title}”` }).click();
			const frame = page.locator('.player iframe');
			await frame.waitFor();
			assert.equal(await frame.getAttribute('src'), player);
			assert.equal(await frame.getAttribute('title'), title);
			await page.waitForTimeout(300);
			assert.ok(elsewhere.length >= 1 && elsewhere.every((u) => u.startsWith(player.split('?')[0])),
				`requests: ${elsewhere.join(' ')}`);
			assert.deepEqual(errors, [], 'the CSP refused the player');
			await context.close();
		});
	}

	test('keyboard: Tab to the button, Enter plays', async () => {
		const { context, page } = await open(375);
		await page.getByRole('button', { name: `Play “${VIDEOS[0][0]}”` }).focus();
		await page.keyboard.press('Enter');
		await page.locator('.player iframe').waitFor();
		await context.close();
	});

	test('without JavaScript: no dead buttons, the links remain', async () => {
		const { context, page, elsewhere } = await open(375, false);
		assert.equal(await page.locator('.player:visible').count(), 0);
		for (const [title] of VIDEOS)
			assert.equal(await page.getByRole('link', { name: title }).count(), 1);
		assert.deepEqual(elsewhere, []);
		await context.close();
	});

	for (const width of [375, 1280]) {
		test(`at ${width} px: axe clean, no overflow`, async () => {
			const { context, page } = await open(width);
			assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width);
			await page.screenshot({ path: path.join(OUT, 'screens', `videos-${width}.png`), fullPage: true });
			await page.evaluate(`${AXE}\n;undefined`);
			const res = await page.evaluate(() => window.axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
			assert.deepEqual(res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
			await context.close();
		});
	}
});
