// The archive's search (/search?q=): what a visitor finds, how hits are
// grouped, what stays hidden, hostile and malformed queries, and the page
// in the browser (axe, 375 px, keyboard).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, OUT, YEAR, get, getText, tags, textOf, sql, VISIBLE_WITHIN_MS } from './lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = fs.readFileSync(path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js'), 'utf8');

async function search(q) {
	const { res, text } = await getText(`/search?q=${encodeURIComponent(q)}`);
	assert.equal(res.status, 200, `q=${q}: ${res.status}`);
	const groups = [...text.matchAll(/<section class="block search-group"[^>]*>([\s\S]*?)<\/section>/g)].map((m) => ({
		edition: textOf(/<h2[^>]*>([\s\S]*?)<\/h2>/.exec(m[1])[1]).trim(),
		hits: [...m[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((h) => {
			const a = tags(h[1], 'a')[0];
			return { href: a.attrs.href, title: textOf(a.inner || /<a[^>]*>([\s\S]*?)<\/a>/.exec(h[1])[1]).trim(), html: h[1] };
		}),
	}));
	return { text, groups, hits: groups.flatMap((g) => g.hits) };
}

describe('search', () => {
	test('the form alone without q, linked from every page', async () => {
		const { res, text } = await getText('/search');
		assert.equal(res.status, 200);
		assert.ok(tags(text, 'input').some((i) => i.attrs.name === 'q' && i.attrs.type === 'search'));
		const home = (await getText(`/${YEAR}/`)).text;
		assert.ok(tags(home, 'a').some((a) => a.attrs.href === '/search'), 'no link to the search');
	});

	test('finds a talk by a speaker\'s name, and links the talk itself', async () => {
		const speaker = sql(`SELECT t.speakers FROM presentation t JOIN edition e ON e.id = t.edition_id
			WHERE e.year = ${YEAR} AND t.deleted_at IS NULL ORDER BY t.position LIMIT 1;`).trim();
		const slug = sql(`SELECT t.slug FROM presentation t JOIN edition e ON e.id = t.edition_id
			WHERE e.year = ${YEAR} AND t.deleted_at IS NULL ORDER BY t.position LIMIT 1;`).trim();
		const word = speaker.split(/[^\p{L}]+/u).filter((w) => w.length > 3).pop();
		const { hits } = await search(word);
		const hit = hits.find((h) => h.href === `/${YEAR}/presentations#talk-${slug}`);
		assert.ok(hit, `no hit for the talk of ${speaker} (${word})`);
		const page = (await getText(`/${YEAR}/presentations`)).text;
		assert.match(page, new RegExp(`id="talk-${slug}"`), 'the anchor is missing on the page');
	});

	test('press releases in both languages, photos by caption, grouped by edition, newest first', async () => {
		const { groups, hits } = await search('cloud');
		assert.ok(hits.some((h) => h.href === `/${YEAR}/press`), 'the English press release');
		assert.ok(hits.some((h) => h.href === `/de/${YEAR}/press` && /lang="de"/.test(h.html)), 'the German one, marked');
		assert.ok(hits.some((h) => new RegExp(`^/${YEAR}/gallery/\\d+$`).test(h.href)), 'a photo');
		const years = groups.map((g) => Number(/\d{4}/.exec(g.edition)[0]));
		assert.deepEqual(years, [...years].sort((a, b) => b - a), 'groups not newest first');
		assert.equal(new Set(years).size, years.length, 'an edition in two groups');
	});

	test('words are prefixes, all required; case and accents do not matter', async () => {
		const a = (await search('secur clou')).hits.length;
		assert.ok(a > 0);
		assert.equal((await search('SECURE CLOUD')).hits.length, (await search('secure cloud')).hits.length);
		assert.equal((await search('cloud zzzqqq')).hits.length, 0);
		assert.match((await search('zzzqqq')).text, /Nothing found/);
	});

	test('a change shows up: a new talk is found, one in the trash is not', async () => {
		const eid = sql(`SELECT id FROM edition WHERE year = ${YEAR};`).trim();
		sql(`INSERT INTO presentation (edition_id, position, slug, title, speakers, affiliation, created_at)
			VALUES (${eid}, 99, 'searchprobe', 'Quokkas in radiology', 'Probe Speaker', '', 0);`);
		try {
			let n = 0;
			for (const until = Date.now() + VISIBLE_WITHIN_MS; n === 0 && Date.now() < until;)
				n = (await search('quokkas')).hits.length;
			assert.equal(n, 1, 'the new talk is not found');
			sql(`UPDATE presentation SET deleted_at = 1 WHERE slug = 'searchprobe';`);
			for (const until = Date.now() + VISIBLE_WITHIN_MS; n > 0 && Date.now() < until;)
				n = (await search('quokkas')).hits.length;
			assert.equal(n, 0, 'a talk in the trash is still found');
		} finally {
			sql(`DELETE FROM presentation WHERE slug = 'searchprobe';`);
		}
	});

	test('hostile queries: FTS syntax is words, markup is text, too long is a 400', async () => {
		for (const q of ['"', 'a OR', 'NEAR(a b)', 'title:cloud', '*', '^cloud', '-cloud', '(', 'AND AND']) {
			const { res } = await getText(`/search?q=${encodeURIComponent(q)}`);
			assert.equal(res.status, 200, `q=${q}`);
		}
		const { text } = await search('<script>alert(1)</script>"><img src=x>');
		assert.ok(!/<script>alert|<img src=x/.test(text), 'the query is echoed unescaped');
		assert.equal((await get(`/search?q=${'a'.repeat(300)}`)).status, 400);
		assert.equal((await get('/search?q=%ZZ')).status, 400);
		assert.equal((await get('/search/')).status, 404);
	});
});

describe('search in the browser', () => {
	let browser;
	before(async () => {
		browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true, timeout: 60000 });
	});
	after(async () => { await browser?.close(); });

	for (const width of [375, 1280]) {
		test(`at ${width} px: typed with the keyboard, hits shown, axe clean, no overflow`, async () => {
			const page = await browser.newPage({ viewport: { width, height: 900 } });
			const elsewhere = [];
			page.on('request', (r) => { if (!r.url().startsWith(BASE)) elsewhere.push(r.url()); });
			await page.goto(`${BASE}/search`);
			await page.getByLabel('Search for').focus();
			await page.keyboard.type('secure cloud');
			await Promise.all([page.waitForURL(/\/search\?q=secure\+cloud$/), page.keyboard.press('Enter')]);
			assert.ok(await page.locator('.hits li').count() > 0, 'no hits');
			assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, 'horizontal overflow');
			await page.screenshot({ path: path.join(OUT, 'screens', `search-${width}.png`), fullPage: true });
			await page.evaluate(`${AXE}\n;undefined`);
			const res = await page.evaluate(() => window.axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
			assert.deepEqual(res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
			assert.deepEqual(elsewhere, []);
			await page.close();
		});
	}
});
