// Previews: a logged-in admin sees an unpublished edition's pages and draft
// or scheduled press releases at their public addresses, with a "Preview –
// not public" banner, never cached (Cache-Control: private, no-store;
// X-Accel-Expires for nginx; not in the programs' render cache).  Visitors,
// made-up cookies, expired and ended sessions get the 404 they always got -
// right after a preview, with nginx's microcache warm or cold, and after
// the admin's own requests ran past the budget of cache skips.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BASE, OUT, get, sql, tags } from './lib.mjs';
import { Admin, account, skipReason, snippet, uniq, addPhotos, formFields, withFields, browserLogin, COOKIE } from './admin-lib.mjs';
import { makeJpeg, makePdf } from './fixtures/files.mjs';
import { CHROMIUM, openBrowser, CONTRAST_MIN, PHONE, axeViolations, contrasts, overflow } from './a11y-lib.mjs';

const skip = skipReason();
const BANNER = 'Preview – not public';
const BANNER_DE = 'Vorschau – nicht öffentlich';
const SHOTS = path.join(OUT, 'preview');
// A published edition of the demo without press releases of its own: its
// draft and scheduled releases are made here and removed afterwards.
const OLD = 2021;
// More requests with the admin's cookie than nginx lets skip the cache
// (deploy/site.sh's BYPASS_RATE 20 a second, gen.sh's burst of 40).
const PAST_BUDGET = 70;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const VNU_JAR = path.join(import.meta.dirname, 'node_modules/vnu-jar/build/dist/vnu.jar');
const VNU_TIMEOUT_MS = 180000;

// A time as the press form's datetime-local field takes it, in Berlin.
function berlin(ms) {
	return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit',
		day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms)).replace(' ', 'T');
}

// GET p with the given Cookie header (none: a visitor).
async function fetchAs(p, cookie) {
	const res = await get(p, cookie ? { headers: { Cookie: cookie } } : {});
	return { res, status: res.status, text: await res.text(), cc: res.headers.get('cache-control') };
}

describe('previews of what is not public yet', { skip: skip || false }, () => {
	const acct = skip ? null : account('preview');
	const admin = skip ? null : new Admin(acct);
	const tag = uniq('');
	const year = skip ? 0 : Number(sql('SELECT max(year) FROM edition;').trim()) + 1;
	const title = `Preview edition ${tag}`;
	const pressTitle = `Embargoed results ${tag}`;
	const talkTitle = `Unannounced talk ${tag}`;
	let photo, thumbPath, cookie;
	const pages = () => [`/${year}/`, `/${year}/press`, `/${year}/presentations`, `/${year}/gallery`,
		`/${year}/gallery/${photo}`, `/${year}/programme`];

	async function press(y, lang, changes) {
		const p = `/admin/${y}/press/${lang}`;
		const form = await admin.page(p);
		const r = await admin.upload(p, withFields(formFields(form.html, p), changes));
		assert.equal(r.status, 303, `${p}: ${r.status} ${snippet(r.text)}`);
	}

	before(async () => {
		if (skip)
			return;
		await admin.loginOk();
		cookie = `${COOKIE}=${admin.sid}`;
		const ed = await admin.post('/admin/editions/new', { year: String(year), title });
		assert.equal(ed.status, 303, `new edition: ${ed.status} ${snippet(ed.text)}`);
		await press(year, 'en', { title: pressTitle, released: `${year}-06-01`, body_md: `Text ${tag}`, state: 'published' });
		const t = await admin.upload(`/admin/${year}/presentations`, { title: talkTitle, speakers: 'Dr. Erika Mustermann' },
			[{ name: 'file', filename: 'talk.pdf', type: 'application/pdf', data: makePdf(2, `Preview ${tag}`) }]);
		assert.equal(t.status, 303, `talk: ${t.status} ${snippet(t.text)}`);
		[photo] = await addPhotos(admin, year, [{ filename: `preview-${tag}.jpg`, data: makeJpeg(900, 600) }],
			[{ alt: `Preview photo ${tag}`, caption: `Caption ${tag}`, credit: 'Credit' }]);
		// A programme session with the talk (the programme's own admin form
		// wants the edition's dates, which this one has not announced).
		sql(`INSERT INTO programme_session (edition_id, starts_at, ends_at, title, presentation_id, created_at)
			SELECT e.id, 1900000000, 1900003600, 'Session ${tag}', t.id, 0 FROM edition e
			JOIN presentation t ON t.edition_id = e.id WHERE e.year = ${year};`);
		thumbPath = sql(`SELECT m.path FROM photo f JOIN media m ON m.id = f.thumb_id WHERE f.id = ${photo};`).trim();
		await press(OLD, 'en', { title: `Draft release ${tag}`, released: `${OLD}-03-20`, body_md: 'Draft.', state: 'draft' });
		await press(OLD, 'de', { title: `Geplante Mitteilung ${tag}`, released: `${OLD}-03-20`, body_md: 'Geplant.',
			state: 'scheduled', publish_local: berlin(Date.now() + 86400000) });
	});

	after(() => {
		if (skip)
			return;
		sql(`DELETE FROM press WHERE edition_id = (SELECT id FROM edition WHERE year = ${OLD});`);
	});

	function assertPreview(r, p, edit) {
		assert.equal(r.status, 200, `${p} for the admin: ${r.status} ${snippet(r.text)}`);
		assert.ok(r.text.includes(/\/de(\/|$)/.test(p) ? BANNER_DE : BANNER), `${p}: no banner`);
		assert.ok(tags(r.text, 'a').some((a) => a.attrs.href === edit), `${p}: no link to ${edit}`);
		assert.match(r.text, /<meta name="robots" content="noindex">/, `${p}: not noindex`);
		assert.equal(r.cc, 'private, no-store', `${p}: Cache-Control`);
		assert.equal(r.res.headers.get('etag'), null, `${p}: an ETag`);
		assert.equal(r.res.headers.get('last-modified'), null, `${p}: Last-Modified`);
		assert.notEqual(r.res.headers.get('x-cache-status'), 'HIT', `${p}: from the cache`);
	}

	test('an unpublished edition: every page a 404 for visitors, a preview with the banner for the admin', async () => {
		// Both languages: /de/ in front is the German page (banner in German);
		// the edition has no German release, so /de/YEAR/press is the 404
		// that links to the English one - still private.
		const german = pages().filter((q) => !q.endsWith('/press')).map((q) => `/de${q}`);
		for (const p of [...pages(), ...german]) {
			assert.equal((await fetchAs(p)).status, 404, `${p} for a visitor`);
			assertPreview(await fetchAs(p, cookie), p, `/admin/${year}/`);
		}
		const noDe = await fetchAs(`/de/${year}/press`, cookie);
		assert.equal(noDe.status, 404);
		assert.equal(noDe.cc, 'private, no-store');
		const home = await fetchAs(`/${year}/`, cookie);
		assert.ok(home.text.includes(title), 'the edition\'s title');
		assert.ok((await fetchAs(`/${year}/press`, cookie)).text.includes(pressTitle), 'the release');
		assert.ok((await fetchAs(`/${year}/presentations`, cookie)).text.includes(talkTitle), 'the talk');
		assert.ok((await fetchAs(`/${year}/gallery/${photo}`, cookie)).text.includes(`Caption ${tag}`), 'the photo');
		// /YEAR sends the admin on; a visitor learns nothing.
		const bare = await get(`/${year}`, { headers: { Cookie: cookie }, redirect: 'manual' });
		assert.equal(bare.status, 301);
		assert.equal(bare.headers.get('location'), `/${year}/`);
		assert.equal((await get(`/${year}`, { redirect: 'manual' })).status, 404);
	});

	test('the preview shows its files through the admin: the public address of an unpublished file stays 404', async () => {
		const g = await fetchAs(`/${year}/gallery`, cookie);
		const srcs = tags(g.text, 'img').map((i) => i.attrs.src);
		assert.ok(srcs.includes(`/admin/media/${thumbPath}`), `no /admin/media/ thumbnail: ${srcs.join(' ')}`);
		assert.ok(!srcs.some((s) => s.startsWith('/media/')), `a public file address: ${srcs.join(' ')}`);
		assert.equal((await admin.request('GET', `/admin/media/${thumbPath}`)).status, 200);
		assert.equal((await get(`/media/${thumbPath}`)).status, 404);
		for (const p of [`/${year}/presentations`, `/${year}/programme`]) {
			const r = await fetchAs(p, cookie);
			const hrefs = tags(r.text, 'a').map((a) => a.attrs.href);
			assert.ok(hrefs.some((h) => /^\/admin\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.pdf$/.test(h)),
				`${p}: the slides are not linked through /admin/media/: ${hrefs.join(' ')}`);
			assert.ok(!hrefs.some((h) => h.startsWith('/media/talks/')), `${p}: a stable slide address`);
		}
	});

	test('draft and scheduled press releases of a published edition: previews; the edition\'s own page stays public', async () => {
		for (const [p, lang, what] of [[`/${OLD}/press`, 'en', `Draft release ${tag}`],
			[`/de/${OLD}/press`, 'de', `Geplante Mitteilung ${tag}`]]) {
			assert.equal((await fetchAs(p)).status, 404, `${p} for a visitor`);
			const r = await fetchAs(p, cookie);
			assertPreview(r, p, `/admin/${OLD}/press/${lang}`);
			assert.ok(r.text.includes(what), `${p}: the release's title`);
		}
		// The published edition's overview is the public page, for the admin too.
		const a = await fetchAs(`/${OLD}/`, cookie);
		const v = await fetchAs(`/${OLD}/`);
		assert.equal(a.status, 200);
		assert.ok(!a.text.includes(BANNER), 'a public page with the banner');
		assert.match(a.cc, /^public/);
		assert.equal(a.text, v.text, 'the admin and a visitor see different public pages');
	});

	test('never kept: visitors get 404 right after a preview, with the cache warm and cold, and past the budget of cache skips', async () => {
		for (const p of [`/${year}/`, `/${year}/gallery`, `/${OLD}/press`]) {
			assertPreview(await fetchAs(p, cookie), p, p.startsWith(`/${OLD}/`) ? `/admin/${OLD}/press/en` : `/admin/${year}/`);
			// At once (a stored preview would be served now), in parallel...
			const now = await Promise.all(Array.from({ length: 8 }, () => fetchAs(p)));
			assert.deepEqual(now.map((r) => r.status), Array(8).fill(404), `${p} right after the preview`);
			assert.ok(now.every((r) => !r.text.includes(BANNER)));
			// ...and after the microcache's second.
			await sleep(1100);
			assert.equal((await fetchAs(p)).status, 404, `${p} a second later`);
		}
		// The admin's own flood: past the budget, nginx answers from its
		// cache whatever the cookie says; nothing it stored may be a preview.
		const p = `/${year}/`;
		const flood = [];
		let next = 0;
		await Promise.all(Array.from({ length: 6 }, async () => {
			while (next++ < PAST_BUDGET)
				flood.push(await fetchAs(p, cookie));
		}));
		const statuses = new Set(flood.map((r) => r.status));
		assert.deepEqual([...statuses], [200], `the admin's flood: ${[...statuses]}`);
		assert.ok(flood.every((r) => r.cc === 'private, no-store'), 'a preview without no-store');
		const after = await Promise.all(Array.from({ length: 8 }, () => fetchAs(p)));
		assert.deepEqual(after.map((r) => r.status), Array(8).fill(404), 'a visitor after the flood');
		await sleep(2500);      // the budget refills for the next file
	});

	test('made-up, malformed, expired and ended sessions get the 404', async () => {
		const fake = 'A'.repeat(43);
		for (const c of [`${COOKIE}=x`, `${COOKIE}=${fake}`, `${COOKIE}=${admin.sid.slice(0, -1)}B`, `other=${admin.sid}`]) {
			const r = await fetchAs(`/${year}/`, c);
			assert.equal(r.status, 404, `cookie ${c}`);
			assert.ok(!r.text.includes(BANNER));
		}
		// An idle session (its last request over 30 minutes ago) is no admin,
		// and the public program leaves its row alone (it only reads).
		const other = new Admin(acct);
		await other.loginOk();
		const rows = () => sql('SELECT rowid, seen_at FROM session ORDER BY rowid;').trim();
		// The newest row is the log-in just made (the files run one at a time).
		sql('UPDATE session SET seen_at = seen_at - 7200, created_at = created_at - 7200' +
			' WHERE rowid = (SELECT max(rowid) FROM session);');
		const before = rows();
		assert.equal((await fetchAs(`/${year}/`, `${COOKIE}=${other.sid}`)).status, 404, 'an idle session');
		assert.equal((await fetchAs(`/${year}/`, cookie)).status, 200, 'the fresh session');
		assert.equal(rows(), before, 'the public program wrote to the session table');
		// Logged out: the same cookie no longer previews.
		const third = new Admin(acct);
		await third.loginOk();
		assert.equal((await fetchAs(`/${year}/`, `${COOKIE}=${third.sid}`)).status, 200);
		const out = await third.post('/admin/logout', {});
		assert.equal(out.status, 303);
		assert.equal((await fetchAs(`/${year}/`, `${COOKIE}=${third.sid}`)).status, 404, 'after log-out');
	});

	test('the previews are valid HTML (Nu Html Checker)', async () => {
		const dir = path.join(SHOTS, 'html');
		fs.mkdirSync(dir, { recursive: true });
		const files = [];
		for (const p of [...pages(), `/de/${OLD}/press`]) {
			const r = await fetchAs(p, cookie);
			assert.equal(r.status, 200, p);
			const f = path.join(dir, `${p.replace(/[^A-Za-z0-9]+/g, '_')}.html`);
			fs.writeFileSync(f, r.text);
			files.push(f);
		}
		// vnu prints its JSON report on stderr and exits 1 when it found errors.
		let report;
		try {
			report = (await promisify(execFile)('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files],
				{ timeout: VNU_TIMEOUT_MS, maxBuffer: 64 << 20 })).stderr;
		} catch (e) {
			if (!e.stderr || !e.stderr.trim().startsWith('{'))
				throw e;
			report = e.stderr;
		}
		const errs = JSON.parse(report).messages.map((m) => `${m.url} line ${m.lastLine}: ${m.message}`);
		assert.deepEqual(errs, []);
	});

	test('the admin links to the previews of what is not public', async () => {
		const dash = await admin.page('/admin/');
		assert.ok(tags(dash.html, 'a').some((a) => a.attrs.href === `/${year}/`), 'dashboard: no preview link');
		const ed = await admin.page(`/admin/${year}/`);
		assert.match(ed.html, /Preview the edition's pages/);
		const en = await admin.page(`/admin/${OLD}/press/en`);
		assert.ok(tags(en.html, 'a').some((a) => a.attrs.href === `/${OLD}/press`), 'press en: no preview link');
		const de = await admin.page(`/admin/${OLD}/press/de`);
		assert.ok(tags(de.html, 'a').some((a) => a.attrs.href === `/de/${OLD}/press`), 'press de: no preview link');
		// A published release and a published edition offer none.
		const pub = await admin.page(`/admin/${year}/press/en`);
		assert.doesNotMatch(pub.html, /Preview this press release/);
		const old = await admin.page(`/admin/${OLD}/`);
		assert.doesNotMatch(old.html, /Preview the edition's pages/);
	});
});

const noBrowser = skip || (fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing`);

describe('a preview in Chromium: axe, contrast, 375 px', { skip: noBrowser || false }, () => {
	const acct = noBrowser ? null : account('preview-browser');
	const errors = [];
	let browser, page, year;

	before(async () => {
		fs.mkdirSync(SHOTS, { recursive: true });
		year = Number(sql('SELECT max(year) FROM edition WHERE published = 0;').trim());
		({ browser, page } = await openBrowser(errors));
		await browserLogin(page, acct);
	});

	after(async () => {
		await browser?.close();
	});

	for (const [name, addr] of [['home', (y) => `/${y}/`], ['gallery', (y) => `/${y}/gallery`],
		['de-home', (y) => `/de/${y}/`]])
		test(`${addr('YEAR')} of an unpublished edition`, async () => {
			const problems = [];
			for (const width of [1280, PHONE]) {
				await page.setViewportSize({ width, height: 900 });
				const res = await page.goto(`${BASE}${addr(year)}`, { waitUntil: 'load' });
				assert.equal(res.status(), 200);
				const banner = page.locator('.preview-banner');
				assert.equal(await banner.count(), 1);
				assert.ok((await banner.innerText()).includes(name.startsWith('de') ? BANNER_DE : BANNER));
				// The banner is the first thing on the page (after the skip link).
				const top = await banner.boundingBox();
				assert.ok(top && top.y < 5, `the banner starts at y=${top && top.y}`);
				for (const v of await axeViolations(page))
					problems.push(`${width} px axe: ${v}`);
				const found = await contrasts(page, '.preview-banner');
				assert.ok(found.length >= 1, 'no link in the banner to check');
				for (const c of found.filter((x) => x.ratio < CONTRAST_MIN))
					problems.push(`${width} px contrast ${c.ratio}:1 of ${c.what} (${c.fg} on ${c.bg})`);
				// The banner's own text against its background.
				const ratio = await page.evaluate(() => {
					const el = document.querySelector('.preview-banner');
					const rgb = (c) => c.match(/\d+/g).slice(0, 3).map(Number);
					const lum = (c) => {
						const ch = rgb(c).map((v) => {
							v /= 255;
							return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
						});
						return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
					};
					const cs = getComputedStyle(el);
					const [hi, lo] = [lum(cs.color), lum(cs.backgroundColor)].sort((a, b) => b - a);
					return (hi + 0.05) / (lo + 0.05);
				});
				if (ratio < CONTRAST_MIN)
					problems.push(`${width} px: the banner's text has ${ratio.toFixed(2)}:1`);
				if (width === PHONE) {
					const o = await overflow(page);
					if (o.scrollWidth > o.viewport)
						problems.push(`${width} px: the page is ${o.scrollWidth} px wide: ${o.wide.join(', ')}`);
				}
				// The photos come through /admin/media/ and load.
				const broken = await page.evaluate(() => [...document.images]
					.filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.src));
				assert.deepEqual(broken, [], 'images that did not load');
				await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
			}
			assert.deepEqual(problems, []);
		});

	test('no console errors', () => {
		assert.deepEqual(errors, []);
	});
});
