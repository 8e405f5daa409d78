// The demo content of the 2023 edition is on the pages, and what the pages
// say about files (size, page count, image dimensions) is true of the files.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { getText, getBytes, get, tags, textOf, imageSize, pdfPages, YEAR } from './lib.mjs';

async function page(p) {
	const { res, text } = await getText(p);
	assert.equal(res.status, 200, `${p}: ${res.status}`);
	return { html: text, text: textOf(text) };
}

// Thumbnails of a gallery page loaded at once (GALLERY_EAGER in lib/db.h).
const EAGER = 4;

function includesAll(text, facts, where) {
	for (const f of facts) {
		const ok = f instanceof RegExp ? f.test(text) : text.includes(f);
		assert.ok(ok, `${where} lacks ${f}`);
	}
}

describe(`the ${YEAR} edition`, () => {
	test(`/${YEAR}/ has the event's facts and the contact`, async () => {
		const { text } = await page(`/${YEAR}/`);
		includesAll(text, ['5 December 2023', 'TranslaTUM', /Big Data [-\u2013] Big Outcome\?/,
			'Anja Kroke'], `/${YEAR}/`);
	});

	test(`/${YEAR}/ links its press release, presentations and gallery`, async () => {
		const { html } = await page(`/${YEAR}/`);
		const hrefs = tags(html, 'a').map((a) => a.attrs.href);
		for (const p of [`/${YEAR}/press`, `/${YEAR}/presentations`, `/${YEAR}/gallery`])
			assert.ok(hrefs.includes(p), `no link to ${p}`);
	});

	test('the archive lists every published edition', async () => {
		const { html } = await page('/');
		const hrefs = tags(html, 'a').map((a) => a.attrs.href);
		for (const y of [2019, 2021, 2023, 2024])
			assert.ok(hrefs.includes(`/${y}/`), `/ has no link to /${y}/`);
	});
});

describe('press releases', () => {
	test('English: lang, facts, hreflang to the German one', async () => {
		const { html, text } = await page(`/${YEAR}/press`);
		assert.match(html, /<html[^>]*\blang="en"/);
		includesAll(text, ['Secure Cloud', 'TranslaTUM', /Big Data [-\u2013] Big Outcome\?/], 'press');
		const alt = tags(html, 'link').filter((l) => l.attrs.rel === 'alternate' && l.attrs.hreflang);
		const de = alt.find((l) => l.attrs.hreflang === 'de');
		const en = alt.find((l) => l.attrs.hreflang === 'en');
		assert.ok(de && new URL(de.attrs.href, 'http://x').pathname === `/de/${YEAR}/press`, 'hreflang de');
		assert.ok(en && new URL(en.attrs.href, 'http://x').pathname === `/${YEAR}/press`, 'hreflang en (self)');
		assert.ok(tags(html, 'a').some((a) => a.attrs.href === `/de/${YEAR}/press`), 'no link to the German version');
	});

	test('German: lang="de", hreflang back to the English one', async () => {
		const { html, text } = await page(`/de/${YEAR}/press`);
		assert.match(html, /<html[^>]*\blang="de"/);
		includesAll(text, ['TranslaTUM', 'Secure Cloud'], 'press/de');
		const alt = tags(html, 'link').filter((l) => l.attrs.rel === 'alternate' && l.attrs.hreflang);
		const en = alt.find((l) => l.attrs.hreflang === 'en');
		const de = alt.find((l) => l.attrs.hreflang === 'de');
		assert.ok(en && new URL(en.attrs.href, 'http://x').pathname === `/${YEAR}/press`, 'hreflang en');
		assert.ok(de && new URL(de.attrs.href, 'http://x').pathname === `/de/${YEAR}/press`, 'hreflang de (self)');
		assert.ok(tags(html, 'a').some((a) => a.attrs.href === `/${YEAR}/press`), 'no link to the English version');
	});

	test('the press photo has its credit', async () => {
		const { html, text } = await page(`/${YEAR}/press`);
		assert.ok(tags(html, 'img').some((i) => /^\/media\//.test(i.attrs.src || '')), 'no press photo');
		assert.match(text, /BioM/);
	});
});

// "PDF, 2.4 MB, 18 pages": the numbers must be the file's.
function checkSizeLabel(label, bytes) {
	const m = /PDF,\s*([\d.]+)\s*(kB|KB|MB|bytes?)\s*,\s*(\d+)\s*pages?/.exec(label);
	assert.ok(m, `no "PDF, size, N pages" label in: ${label}`);
	const shown = Number(m[1]);
	const decimals = (m[1].split('.')[1] || '').length;
	const unit = { kB: 1e3, KB: 1e3, MB: 1e6, byte: 1, bytes: 1 }[m[2]];
	const half = 0.5 * 10 ** -decimals;
	// Decimal units (SI) as the label writes them; binary ones also accepted.
	const fits = [unit, m[2] === 'MB' ? 1048576 : m[2].toLowerCase() === 'kb' ? 1024 : 1]
		.some((u) => Math.abs(bytes / u - shown) <= half + 1e-9);
	assert.ok(fits, `label says ${m[1]} ${m[2]}, the file has ${bytes} bytes`);
	return Number(m[3]);
}

describe('presentations', () => {
	const talks = [
		['Relevance and challenges of using imaging data in cancer care', 'Marcus Makowski'],
		['The anDREa Cloud of the Netherlands', 'Stefan van Aalst'],
	];

	test('both talks with their speakers, in order', async () => {
		const { text } = await page(`/${YEAR}/presentations`);
		includesAll(text, talks.flat(), 'presentations');
		assert.ok(text.indexOf(talks[0][0]) < text.indexOf(talks[1][0]), 'order');
	});

	test('each download label matches its PDF', async () => {
		const { html } = await page(`/${YEAR}/presentations`);
		const links = tags(html, 'a').filter((a) => /\.pdf$/.test(a.attrs.href || ''));
		assert.ok(links.length >= talks.length, `${links.length} PDF links`);
		for (const a of links) {
			const close = html.indexOf('</a>', a.end);
			const label = textOf(html.slice(a.end, close));
			const { res, bytes } = await getBytes(a.attrs.href);
			assert.equal(res.status, 200, a.attrs.href);
			const pages = checkSizeLabel(label, bytes.length);
			assert.equal(pages, pdfPages(bytes), `${a.attrs.href}: page count`);
		}
	});

	test('session videos are plain links, no embeds', async () => {
		const { html } = await page(`/${YEAR}/presentations`);
		assert.ok(tags(html, 'a').some((a) => /^https:\/\/(www\.)?(youtube\.com|youtu\.be)\//.test(a.attrs.href || '')),
			'no video link');
		assert.equal(tags(html, 'iframe').length, 0);
	});
});

describe('gallery', () => {
	test('credit line and how to ask for high resolution', async () => {
		const { html, text } = await page(`/${YEAR}/gallery`);
		assert.match(text, /Fotorechte: BioM/);
		const footer = html.search(/<footer\b/i);
		const main = footer < 0 ? html : html.slice(0, footer);
		assert.ok(tags(main, 'a').some((a) => /^(mailto|tel):/.test(a.attrs.href || '')),
			'no e-mail or phone link to ask for photos (outside the footer)');
	});

	test('thumbnails: the first row eager, the rest lazy, alt, dimensions of the real file, each linked to its photo page', async () => {
		const { html } = await page(`/${YEAR}/gallery`);
		const imgs = tags(html, 'img').filter((i) => /^\/media\//.test(i.attrs.src || ''));
		assert.ok(imgs.length > EAGER, `only ${imgs.length} thumbnails`);
		const anchors = tags(html, 'a');
		for (const [n, img] of imgs.entries()) {
			const { src, width, height, loading, alt } = img.attrs;
			// The first row is on screen at once: lazy loading would only
			// delay it (it waits for layout).
			assert.equal(loading, n < EAGER ? undefined : 'lazy', `${src}: loading`);
			assert.ok(alt !== undefined, `${src}: no alt attribute`);
			const { res, bytes } = await getBytes(src);
			assert.equal(res.status, 200, src);
			const real = imageSize(bytes);
			assert.equal(Number(width), real.width, `${src}: width`);
			assert.equal(Number(height), real.height, `${src}: height`);
			// The innermost <a> opened before the image links the photo's page,
			// which shows a larger version.
			const a = anchors.filter((x) => x.index < img.index).pop();
			assert.match(a?.attrs.href || '', new RegExp(`^/${YEAR}/gallery/[1-9][0-9]*$`), `${src}: not linked to its page`);
			const photo = await getText(a.attrs.href);
			assert.equal(photo.res.status, 200, a.attrs.href);
			const large = tags(photo.text, 'img').find((i) => (i.attrs.srcset || '').includes(src));
			assert.ok(large, `${a.attrs.href}: no image whose srcset has ${src}`);
			const lb = await getBytes(large.attrs.src);
			assert.equal(lb.res.status, 200, large.attrs.src);
			const ls = imageSize(lb.bytes);
			assert.ok(ls.width > real.width || ls.height > real.height, `${large.attrs.src} is not larger`);
		}
	});
});
