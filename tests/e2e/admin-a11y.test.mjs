// Every admin page in Chromium at 1280 and 375 px: axe (WCAG 2.1 A and AA),
// the contrast of every link and button in the header and the navigation
// computed from the browser's colours (at least 4.5:1), and no page wider
// than a 375 px phone.  Screenshots go to tests/out/admin-a11y/.
//
// A new admin page is covered by adding its address to PAGES below.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, OUT, YEAR, sql } from './lib.mjs';
import { account, skipReason } from './admin-lib.mjs';
import { CHROMIUM, openBrowser, CONTRAST_MIN, PHONE, axeViolations, contrasts, overflow } from './a11y-lib.mjs';

const SHOTS = path.join(OUT, 'admin-a11y');
const WIDTHS = [1280, PHONE];
const NAV_TIMEOUT_MS = 15000;
// The header, the admin navigation and an edition's tabs.
const NAV = 'header.admin-header, nav.admin-nav, nav.admin-subnav';

// The first live row of a table in the demo edition, for the item pages.
function firstId(table, where = '1') {
	return sql(`SELECT min(t.id) FROM ${table} t JOIN edition e ON e.id = t.edition_id ` +
		`WHERE e.year = ${YEAR} AND t.deleted_at IS NULL AND ${where};`).trim();
}

// name -> address.  Item pages use the demo's first talk, photo and video.
function pages() {
	return [
		['dashboard', '/admin/'],
		['site', '/admin/site'],
		['trash', '/admin/trash'],
		['audit', '/admin/audit'],
		['people', '/admin/people'],
		['people', '/admin/people'],
		['edition-new', '/admin/editions/new'],
		['edition', `/admin/${YEAR}/`],
		['press-en', `/admin/${YEAR}/press/en`],
		['press-de', `/admin/${YEAR}/press/de`],
		['presentations', `/admin/${YEAR}/presentations`],
		['presentation', `/admin/${YEAR}/presentations/${firstId('presentation')}`],
		['photos', `/admin/${YEAR}/photos`],
		['photos-describe', `/admin/${YEAR}/photos/describe`],
		['photos-describe', `/admin/${YEAR}/photos/describe`],
		['photo', `/admin/${YEAR}/photos/${firstId('photo', 't.in_gallery = 1')}`],
		['videos', `/admin/${YEAR}/videos`],
		['video', `/admin/${YEAR}/videos/${firstId('video')}`],
		['programme', `/admin/${YEAR}/programme`],
		['session', `/admin/${YEAR}/programme/${firstId('programme_session')}`],
	];
}

const skip = skipReason() || (fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing`);

describe('every admin page: axe, contrast, 375 px', { skip: skip || false }, () => {
	const acct = skip ? null : account('a11y');
	let browser, context, page;
	const consoleErrors = [];

	before(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		({ browser, context, page } = await openBrowser(consoleErrors, { timeout: NAV_TIMEOUT_MS }));
	});

	after(async () => {
		await browser?.close();
	});

	// All three checks at each width; the failures of all of them together.
	async function check(name, address) {
		const problems = [];
		for (const width of WIDTHS) {
			await page.setViewportSize({ width, height: 900 });
			const res = await page.goto(`${BASE}${address}`, { waitUntil: 'load' });
			assert.equal(res.status(), 200, `${address}: status`);
			assert.equal(new URL(page.url()).pathname, address.split('?')[0], `${address}: redirected`);
			for (const v of await axeViolations(page))
				problems.push(`${width} px axe: ${v}`);
			const low = (await contrasts(page, NAV)).filter((c) => c.ratio < CONTRAST_MIN);
			for (const c of low)
				problems.push(`${width} px contrast ${c.ratio}:1 of ${c.what} (${c.fg} on ${c.bg})`);
			if (width === PHONE) {
				const o = await overflow(page);
				if (o.scrollWidth > o.viewport)
					problems.push(`${width} px: the page is ${o.scrollWidth} px wide: ${o.wide.join(', ')}`);
			}
			await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
		}
		assert.deepEqual(problems, [], `${address}`);
	}

	test('the log-in page', async () => {
		await check('login', '/admin/login');
	});

	test('log in', async () => {
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(`${BASE}/admin/login`);
		await page.fill('input[name="name"]', acct.name);
		await page.fill('input[name="password"]', acct.password);
		await Promise.all([page.waitForURL(`${BASE}/admin/`), page.click('form[action="/admin/login"] [type="submit"]')]);
	});

	test('the navigation is there to check: five links and Log out', async () => {
		await page.goto(`${BASE}/admin/`);
		const found = await contrasts(page, 'nav.admin-nav');
		const names = found.map((c) => c.what).join(' | ');
		for (const label of ['Editions', 'Site settings', 'Trash', 'Audit log', 'Public site', 'Log out'])
			assert.ok(names.includes(label), `"${label}" is not a visible link or button of the navigation: ${names}`);
	});

	test('the contrast check sees white on white', async () => {
		// The check itself: the navigation as the first release drew it
		// must fail it.
		await page.goto(`${BASE}/admin/`);
		// (Through the CSSOM: the admin's CSP refuses a <style> element.)
		await page.evaluate(() => {
			for (const el of document.querySelectorAll('.admin-nav a, .logout button')) {
				el.style.setProperty('color', '#fff', 'important');
				el.style.setProperty('background', 'transparent', 'important');
			}
		});
		const low = (await contrasts(page, NAV)).filter((c) => c.ratio < CONTRAST_MIN);
		assert.ok(low.some((c) => c.ratio === 1 && /Log out/.test(c.what)), JSON.stringify(low));
		assert.ok(low.some((c) => /Trash/.test(c.what)), JSON.stringify(low));
	});

	for (const [name, address] of skip ? [] : pages())
		test(`${address}`, async () => {
			await check(name, address);
		});

	test('no console errors', () => {
		assert.deepEqual(consoleErrors, []);
	});
});
