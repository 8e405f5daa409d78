// The site in English and German (README.md, URL map): every German page
// under /de/ answers as the English one does (security headers, 304 on
// revalidation), says lang="de", switches to the same page in English,
// names both versions as absolute, reciprocal hreflang alternates, writes
// dates the German way; in Chromium, axe finds nothing and nothing is
// wider than 375 px.  / alone follows Accept-Language (also when nginx's
// microcache and the render cache have seen / a moment before); no other
// address redirects by language; /YEAR/press/de moved to /de/YEAR/press.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, OUT, YEAR, get, getText, tags } from './lib.mjs';
import { axeViolations, overflow, openBrowser, PHONE } from './a11y-lib.mjs';

// The German pages; a photo's own page and a gallery page are added from
// the gallery itself.
const DE_PAGES = ['/de/', `/de/${YEAR}/`, `/de/${YEAR}/press`, `/de/${YEAR}/presentations`,
	`/de/${YEAR}/gallery`, '/de/search', '/de/search?q=cloud', '/de/imprint', '/de/privacy'];

async function dePages() {
	const { text } = await getText(`/de/${YEAR}/gallery`);
	const photo = tags(text, 'a').map((a) => a.attrs.href).find((h) => /^\/de\/[0-9]{4}\/gallery\/[0-9]+$/.test(h || ''));
	assert.ok(photo, 'the German gallery links no photo page under /de/');
	return [...DE_PAGES, photo];
}

const english = (p) => p === '/de/' ? '/' : p.replace(/^\/de/, '');

function alternates(html) {
	const out = {};
	for (const l of tags(html, 'link'))
		if (l.attrs.rel === 'alternate' && l.attrs.hreflang)
			out[l.attrs.hreflang] = l.attrs.href;
	return out;
}

function security(res, what) {
	assert.match(res.headers.get('content-security-policy') || '', /frame-ancestors 'none'/, `${what}: CSP`);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
	assert.ok(res.headers.get('referrer-policy'), `${what}: Referrer-Policy`);
}

describe('German pages', () => {
	let pages;
	before(async () => { pages = await dePages(); });

	test('each answers 200 in German, with the security headers and 304 on revalidation', async () => {
		for (const p of pages) {
			const res = await get(p);
			const html = await res.text();
			assert.equal(res.status, 200, p);
			security(res, p);
			assert.match(html, /<html lang="de">/, `${p}: html lang`);
			const etag = res.headers.get('etag');
			assert.ok(etag, `${p}: no ETag`);
			const again = await get(p, { headers: { 'If-None-Match': etag } });
			assert.equal(again.status, 304, `${p}: revalidation`);
			security(again, `${p} (304)`);
		}
	});

	test('the switch leads to the same page in English and back', async () => {
		for (const p of pages) {
			const { text } = await getText(p);
			const sw = tags(text, 'a').filter((a) => a.attrs.hreflang === 'en' && a.attrs.lang === 'en' &&
				/lang-switch/.test(text.slice(Math.max(0, a.index - 40), a.index)));
			const canon = (p.includes('?q=') || p === '/de/') ? null : english(p);
			assert.equal(sw.length, 1, `${p}: ${sw.length} switch links`);
			if (canon)
				assert.equal(sw[0].attrs.href, canon, `${p}: the switch`);
			const back = await getText(sw[0].attrs.href);
			assert.equal(back.res.status, 200, `${p}: the English page ${sw[0].attrs.href}`);
			assert.match(back.text, /<html lang="en">/);
			const de = tags(back.text, 'a').find((a) => a.attrs.hreflang === 'de' && a.attrs.lang === 'de' &&
				/lang-switch/.test(back.text.slice(Math.max(0, a.index - 40), a.index)));
			assert.ok(de, `${sw[0].attrs.href}: no switch to German`);
			if (canon)
				assert.equal(de.attrs.href, p, `${canon}: the switch back`);
		}
	});

	test('hreflang alternates are absolute and reciprocal', async () => {
		for (const p of pages.filter((x) => !x.includes('?'))) {
			const { text } = await getText(p);
			const alt = alternates(text);
			// /de/ shows the home edition: its own address is the page's.
			const want = p === '/de/' ? `/de/${text.match(/aria-current="page">([0-9]{4})</)[1]}/` : p;
			assert.equal(alt.de, `${BASE}${want}`, `${p}: hreflang de`);
			assert.equal(alt.en, `${BASE}${english(want)}`, `${p}: hreflang en`);
			assert.equal(alt['x-default'], alt.en, `${p}: x-default`);
			const { text: en } = await getText(new URL(alt.en).pathname);
			assert.deepEqual(alternates(en), alt, `${alt.en} does not name the same alternates`);
		}
	});

	test('dates and numbers in German form, in the German layout', async () => {
		const { text } = await getText(`/de/${YEAR}/`);
		assert.match(text, /5\. Dezember 2023/);
		assert.match(text, /Zum Inhalt springen/);
		const en = await getText(`/${YEAR}/`);
		assert.match(en.text, /5 December 2023/);
		const talks = await getText(`/de/${YEAR}/presentations`);
		assert.match(talks.text, /PDF, [0-9]+,[0-9] KB, [0-9]+ Seiten/);
	});
});

describe('language and redirects', () => {
	const home = (lang) => get('/', { headers: lang ? { 'Accept-Language': lang } : {} });

	test('/ with German preferred goes to /de/, with Vary', async () => {
		for (const h of ['de', 'de-DE,de;q=0.9,en;q=0.8', 'fr, de;q=0.5, en;q=0.3']) {
			const res = await home(h);
			assert.equal(res.status, 302, h);
			assert.equal(new URL(res.headers.get('location'), BASE).pathname, '/de/', h);
			assert.match(res.headers.get('vary') || '', /Accept-Language/i, h);
		}
	});

	test('/ with English, no preference or a tie stays English, with Vary', async () => {
		for (const h of ['en', 'en-US,en;q=0.9,de;q=0.8', 'de;q=0.5, en', '', 'fr', 'de, en']) {
			const res = await home(h);
			assert.equal(res.status, 200, `"${h}"`);
			assert.match(res.headers.get('vary') || '', /Accept-Language/i, h);
			assert.match(await res.text(), /<html lang="en">/);
		}
	});

	test('no cache in between serves one visitor the other one\'s answer', async () => {
		for (let i = 0; i < 6; i++) {
			assert.equal((await home('en')).status, 200, `round ${i}: en`);
			assert.equal((await home('de')).status, 302, `round ${i}: de`);
		}
	});

	test('no other address redirects by language', async () => {
		for (const p of [`/${YEAR}/`, `/${YEAR}/press`, `/${YEAR}/gallery`, '/imprint', '/search', '/de/', `/de/${YEAR}/`]) {
			const res = await get(p, { headers: { 'Accept-Language': p.startsWith('/de') ? 'en' : 'de' } });
			assert.equal(res.status, 200, p);
			assert.equal(res.headers.get('vary'), null, `${p}: Vary`);
		}
	});

	test('/YEAR/press/de moved to /de/YEAR/press for good', async () => {
		const res = await get(`/${YEAR}/press/de`);
		assert.equal(res.status, 301);
		assert.equal(new URL(res.headers.get('location'), BASE).pathname, `/de/${YEAR}/press`);
		assert.equal((await get(`/de/${YEAR}/press/de`)).status, 404);
	});

	test('/de and /de/YEAR are directories', async () => {
		for (const [p, to] of [['/de', '/de/'], [`/de/${YEAR}`, `/de/${YEAR}/`]]) {
			const res = await get(p);
			assert.equal(res.status, 301, p);
			assert.equal(new URL(res.headers.get('location'), BASE).pathname, to, p);
		}
	});

	test('a German address that does not exist is a German 404', async () => {
		const { res, text } = await getText('/de/no-such-page');
		assert.equal(res.status, 404);
		assert.match(text, /<html lang="de">/);
		assert.match(text, /Seite nicht gefunden/);
	});
});

describe('German pages in Chromium', () => {
	let browser, page, pages;
	const errors = [];
	const shots = path.join(OUT, 'screens', 'de');
	before(async () => {
		pages = await dePages();
		({ browser, page } = await openBrowser(errors));
		fs.mkdirSync(shots, { recursive: true });
	});
	after(async () => { await browser?.close(); });

	test('axe finds nothing, nothing is wider than 375 px, the console stays clean', async () => {
		for (const p of pages) {
			for (const width of [1280, PHONE]) {
				await page.setViewportSize({ width, height: 900 });
				const res = await page.goto(`${BASE}${p}`);
				assert.equal(res.status(), 200, p);
				assert.deepEqual(await axeViolations(page), [], `${p} at ${width}: axe`);
				const o = await overflow(page);
				assert.ok(o.scrollWidth <= o.viewport, `${p} at ${width}: ${o.scrollWidth} > ${o.viewport}: ${o.wide.join(', ')}`);
				const name = p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
				await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
			}
		}
		assert.deepEqual(errors, []);
	});

	test('the switch in the header takes the visitor to the same page', async () => {
		await page.setViewportSize({ width: PHONE, height: 800 });
		await page.goto(`${BASE}/de/${YEAR}/gallery`);
		await Promise.all([page.waitForURL(`${BASE}/${YEAR}/gallery`), page.click('.lang-switch a')]);
		assert.equal(await page.getAttribute('html', 'lang'), 'en');
		await Promise.all([page.waitForURL(`${BASE}/de/${YEAR}/gallery`), page.click('.lang-switch a')]);
		assert.equal(await page.getAttribute('html', 'lang'), 'de');
	});
});
