// Slides are served from the site's origin, so they come with
// "Content-Security-Policy: sandbox": a script a PDF might carry runs in an
// opaque origin, never as the site.  Chromium must still open them: a
// slide's address answers 200 with that header, the browser opens it as a
// PDF (its viewer, or a download where a headless browser has no viewer),
// and nothing on the way is blocked by the policy.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { BASE, YEAR } from './lib.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function firstSlide() {
	const html = await (await fetch(`${BASE}/${YEAR}/presentations`)).text();
	const m = /href="(\/media\/talks\/[0-9]{4}-[a-z0-9-]+\.pdf)"/.exec(html);
	assert.ok(m, 'the presentations page links no slides');
	return m[1];
}

describe('slides in a sandbox', () => {
	let browser, page, slide;
	const problems = [];

	before(async () => {
		slide = await firstSlide();
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60000 });
		const context = await browser.newContext({ acceptDownloads: true });
		page = await context.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text()))
				problems.push(m.text());
		});
		page.on('pageerror', (e) => problems.push(String(e)));
	});
	after(async () => { await browser?.close(); });

	test('the slide answers 200 with CSP sandbox and no framing', async () => {
		const r = await fetch(`${BASE}${slide}`);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-type'), 'application/pdf');
		const csp = r.headers.get('content-security-policy') || '';
		assert.match(csp, /(^|;\s*)sandbox(;|$)/, `CSP: ${csp}`);
		assert.match(csp, /frame-ancestors 'none'/);
		const body = Buffer.from(await r.arrayBuffer());
		assert.equal(body.subarray(0, 5).toString(), '%PDF-');
	});

	test('Chromium opens the slide and the policy blocks nothing', async () => {
		const download = page.waitForEvent('download', { timeout: 15000 }).catch(() => null);
		let status = 0, csp = '';
		try {
			const resp = await page.goto(`${BASE}${slide}`, { waitUntil: 'load', timeout: 15000 });
			status = resp.status();
			csp = (await resp.allHeaders())['content-security-policy'] || '';
		} catch (e) {
			// Headless Chromium without a viewer hands a PDF to its
			// downloads: the navigation "fails" as the download starts.
			assert.match(String(e), /Download is starting|net::ERR_ABORTED/, String(e));
			const d = await download;
			assert.ok(d, 'neither a page nor a download');
			assert.equal(await d.failure(), null);
			status = 200;
			csp = 'sandbox (download)';
		}
		assert.equal(status, 200);
		assert.match(csp, /sandbox/);
		assert.deepEqual(problems, [], `console: ${problems.join(' | ')}`);
	});
});
