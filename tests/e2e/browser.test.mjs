// The site in a real browser (Debian's Chromium driven by playwright-core):
// follow the navigation from / to every kind of page, check that images
// load, nothing is fetched from elsewhere, the console stays clean (no CSP
// violations), axe-core finds no serious accessibility problem, and keep
// screenshots at phone and desktop widths in tests/out/screens/.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, OUT, YEAR } from './lib.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = fs.readFileSync(path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js'), 'utf8');
const SCREENS = path.join(OUT, 'screens');
const WIDTHS = [375, 1280];
const NAV_TIMEOUT_MS = 15000;

// The walk: each step clicks the link to `to` on the page it is on.
const WALK = [
	{ to: `/${YEAR}/`, name: 'edition' },
	{ to: `/${YEAR}/press`, name: 'press' },
	{ to: `/de/${YEAR}/press`, name: 'press-de' },
	{ to: `/${YEAR}/press`, name: 'press-back' },
	{ to: `/${YEAR}/presentations`, name: 'presentations' },
	{ to: `/${YEAR}/gallery`, name: 'gallery' },
	{ to: '/2021/', name: 'archive-2021' },
	{ to: '/imprint', name: 'imprint' },
	{ to: '/privacy', name: 'privacy' },
];

let browser, context, page;
let expect404 = '';
const requests = [];
const consoleErrors = [];

before(async () => {
	fs.mkdirSync(SCREENS, { recursive: true });
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true,
		timeout: 60000 });
	// No bypassCSP: a CSP violation must show up as a console error.
	context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	page = await context.newPage();
	page.setDefaultTimeout(NAV_TIMEOUT_MS);
	page.on('request', (r) => requests.push(r.url()));
	page.on('console', (m) => {
		// The one expected error: Chromium logs a document's own 404 status
		// ("Failed to load resource") when the test opens the 404 page.
		if (m.type() === 'error' && !(expect404 && m.location().url === expect404 &&
		    /status of 404/.test(m.text())))
			consoleErrors.push(`${page.url()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
});

after(async () => {
	await browser?.close();
});

// Scrolls every image into view (lazy ones load then) and reports those that
// did not load.
async function brokenImages() {
	return page.evaluate(async () => {
		const wait = (img) => new Promise((resolve) => {
			if (img.complete)
				return resolve();
			img.addEventListener('load', resolve, { once: true });
			img.addEventListener('error', resolve, { once: true });
			setTimeout(resolve, 5000);
		});
		for (const img of document.images) {
			img.scrollIntoView();
			await wait(img);
		}
		window.scrollTo(0, 0);
		return [...document.images].filter((i) => !i.complete || i.naturalWidth === 0)
			.map((i) => i.currentSrc || i.src);
	});
}

// axe-core, injected through the DevTools protocol (not subject to the
// page's CSP); violations of serious or critical impact.
async function axeViolations() {
	await page.evaluate(`${AXE}\n;undefined`);
	const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function screenshots(name) {
	for (const width of WIDTHS) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: path.join(SCREENS, `${name}-${width}.png`), fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

async function checkPage(name) {
	const before = consoleErrors.length;
	assert.deepEqual(await brokenImages(), [], `${name}: images that did not load`);
	assert.deepEqual(await axeViolations(), [], `${name}: axe`);
	await screenshots(name);
	assert.deepEqual(consoleErrors.slice(before), [], `${name}: console errors`);
}

describe('a visitor in Chromium', () => {
	test('/ opens', async () => {
		const res = await page.goto(`${BASE}/`, { waitUntil: 'load' });
		assert.equal(res.status(), 200);
		await checkPage('home');
	});

	for (const step of WALK) {
		test(`follows the link to ${step.to}`, async () => {
			const link = page.locator(`a[href="${step.to}"], a[href="${BASE}${step.to}"]`).first();
			assert.ok(await link.count(), `${page.url()} has no link to ${step.to}`);
			await Promise.all([page.waitForURL(`${BASE}${step.to}`, { waitUntil: 'load' }), link.click()]);
			assert.equal(new URL(page.url()).pathname, step.to);
			await checkPage(step.name);
		});
	}

	test('the 404 page', async () => {
		expect404 = `${BASE}/no-such-page`;
		const res = await page.goto(expect404, { waitUntil: 'load' });
		assert.equal(res.status(), 404);
		await checkPage('not-found');
	});

	test('every request stayed on 127.0.0.1', () => {
		const origin = new URL(BASE).origin;
		const elsewhere = requests.filter((u) => !u.startsWith(`${origin}/`) &&
			!u.startsWith('data:') && !u.startsWith('blob:'));
		assert.ok(requests.length > WALK.length, `only ${requests.length} requests recorded`);
		assert.deepEqual(elsewhere, []);
	});

	test('no console errors anywhere', () => {
		assert.deepEqual(consoleErrors, []);
	});
});
