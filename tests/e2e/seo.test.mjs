// Share previews and search engines: the JSON-LD of edition and press pages
// parsed and its fields checked (and hostile text kept inside its strings),
// the Open Graph and Twitter tags with their image fetched (1200x630), what
// happens to the image when its photo is taken down, and /sitemap.xml,
// /feed.atom and /robots.txt: types, caching, their schemas (xmllint with
// tests/e2e/schemas/), every address they name answering 200, and drafts
// left out.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BASE, OUT, VARDIR, YEAR, get, getText, getBytes, tags, imageSize, sql,
	statusSoon, VISIBLE_WITHIN_MS } from './lib.mjs';
import { Admin, account, skipReason, publishForm } from './admin-lib.mjs';
import { makeJpeg } from './fixtures/files.mjs';

const skip = skipReason();
const SCHEMAS = path.join(import.meta.dirname, 'schemas');
const SHARE_W = 1200, SHARE_H = 630;        // lib/image.h

function jsonLd(html) {
	const m = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
	assert.equal(m.length, 1, 'one JSON-LD block');
	return JSON.parse(m[0][1]);
}

// <meta property|name=key content=...>: the values, in order.
function meta(html, key) {
	return tags(html, 'meta').filter((t) => t.attrs.property === key || t.attrs.name === key)
		.map((t) => t.attrs.content);
}

// An absolute address of this site, as a path to fetch.
function local(u) {
	assert.ok(u.startsWith(`${BASE}/`), `${u} is not under the base URL ${BASE}`);
	return u.slice(BASE.length);
}

async function fetchShare(u) {
	const { res, bytes } = await getBytes(local(u));
	assert.equal(res.status, 200, `${u}: ${res.status}`);
	assert.equal(res.headers.get('content-type'), 'image/jpeg');
	assert.deepEqual(imageSize(bytes), { width: SHARE_W, height: SHARE_H });
	assert.ok(!bytes.includes(Buffer.from('Exif')), 'metadata left in the image');
}

// The page once `ok(text)` holds, within the microcache's second and a render.
async function pageSoon(p, ok) {
	const until = Date.now() + VISIBLE_WITHIN_MS;
	for (;;) {
		const { res, text } = await getText(p);
		if ((res.status === 200 && ok(text)) || Date.now() > until)
			return text;
		await new Promise((r) => setTimeout(r, 100));
	}
}

// Unix seconds as the sitemap writes them: "2026-12-01T09:30:00Z".
const iso = (s) => new Date(Number(s) * 1000).toISOString().replace('.000Z', 'Z');

// The sitemap's pages: { path: lastmod }.
function lastmods(text) {
	return Object.fromEntries([...text.matchAll(/<loc>([^<]*)<\/loc><lastmod>([^<]*)<\/lastmod>/g)]
		.map((m) => [local(m[1]), m[2]]));
}

function xmllint(args, text, name) {
	fs.mkdirSync(OUT, { recursive: true });
	const file = path.join(OUT, name);
	fs.writeFileSync(file, text);
	const r = spawnSync('xmllint', ['--noout', ...args, file], { encoding: 'utf8', timeout: 30000 });
	assert.equal(r.status, 0, `xmllint ${args.join(' ')} ${name}:\n${r.stderr}`);
}

describe('JSON-LD', () => {
	test('an edition is an Event with dates, place, mode, status, organizer, image and talks', async () => {
		const { text } = await getText(`/${YEAR}/`);
		const ev = jsonLd(text);
		const [starts, ends, title, summary, venue] = sql(`SELECT starts, coalesce(ends, starts), title,
			summary, venue FROM edition WHERE year = ${YEAR};`).trim().split('|');
		assert.equal(ev['@context'], 'https://schema.org');
		assert.equal(ev['@type'], 'Event');
		assert.equal(ev.name, title);
		assert.equal(ev.description, summary);
		// With a programme, the first session's start and the last one's end,
		// in Berlin time with its offset; without, the edition's dates.
		const [first, last] = sql(`SELECT min(s.starts_at), max(s.ends_at) FROM programme_session s
			JOIN edition e ON e.id = s.edition_id WHERE e.year = ${YEAR} AND s.deleted_at IS NULL;`).trim().split('|');
		const OFFSET_DT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/;
		if (first) {
			assert.match(ev.startDate, OFFSET_DT);
			assert.equal(Date.parse(ev.startDate) / 1000, Number(first));
			assert.equal(Date.parse(ev.endDate) / 1000, Number(last));
			assert.ok(ev.startDate.startsWith(starts), `${ev.startDate} is not on ${starts}`);
		} else {
			assert.equal(ev.startDate, starts);
			assert.equal(ev.endDate, ends);
		}
		assert.equal(ev.eventStatus, 'https://schema.org/EventScheduled');
		assert.equal(ev.eventAttendanceMode, 'https://schema.org/OfflineEventAttendanceMode');
		assert.equal(ev.location['@type'], 'Place');
		assert.equal(ev.location.name, venue);
		assert.equal(ev.location.address['@type'], 'PostalAddress');
		assert.equal(ev.location.address.streetAddress, 'Einsteinstraße 25');
		assert.equal(ev.location.address.postalCode, '81675');
		assert.equal(ev.location.address.addressLocality, 'München');
		assert.equal(ev.organizer['@type'], 'Organization');
		assert.equal(ev.organizer.name, sql('SELECT name FROM site;').trim());
		assert.equal(ev.url, `${BASE}/${YEAR}/`);
		assert.equal(ev.url, tags(text, 'link').find((l) => l.attrs.rel === 'canonical').attrs.href);
		assert.equal(ev.inLanguage, 'en');
		await fetchShare(ev.image[0]);
		// The sessions by time, then the talks no session stands for.
		const rows = (q) => sql(q).trim().split('\n').filter(Boolean).map((l) => l.split('|'));
		const sessions = rows(`SELECT s.title, s.starts_at, s.ends_at, s.room FROM programme_session s
			JOIN edition e ON e.id = s.edition_id WHERE e.year = ${YEAR} AND s.deleted_at IS NULL
			ORDER BY s.starts_at, s.id;`);
		const talks = rows(`SELECT t.title, t.slug FROM presentation t JOIN edition e ON e.id = t.edition_id
			WHERE e.year = ${YEAR} AND t.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM programme_session s
			WHERE s.presentation_id = t.id AND s.deleted_at IS NULL) ORDER BY t.position, t.id;`);
		assert.ok(sessions.length + talks.length > 0, 'nothing to list');
		assert.deepEqual(ev.subEvent.map((s) => s.name), [...sessions.map((r) => r[0]), ...talks.map((t) => t[0])]);
		for (const [i, s] of ev.subEvent.entries()) {
			assert.equal(s['@type'], 'Event');
			assert.ok(s.performer.every((p) => p['@type'] === 'Person' && p.name));
			if (i < sessions.length) {
				assert.match(s.startDate, OFFSET_DT);
				assert.equal(Date.parse(s.startDate) / 1000, Number(sessions[i][1]));
				assert.equal(Date.parse(s.endDate) / 1000, Number(sessions[i][2]));
				assert.equal(s.location?.name, sessions[i][3] || undefined);
				assert.equal(s.url, `${BASE}/${YEAR}/programme`);
			} else {
				assert.equal(s.url, `${BASE}/${YEAR}/presentations#talk-${talks[i - sessions.length][1]}`);
			}
		}
		// A comma may be part of one name ("Ing. X, MSc"): not split there.
		assert.ok(ev.subEvent.some((s) => s.performer.length === 1 && s.performer[0].name.includes(', ')));
	});

	test('an online edition is a VirtualLocation, online attendance', async () => {
		const year = sql("SELECT year FROM edition WHERE published = 1 AND lower(venue) = 'online' LIMIT 1;").trim();
		assert.ok(year, 'the demo has an online edition');
		const ev = jsonLd((await getText(`/${year}/`)).text);
		assert.equal(ev.eventAttendanceMode, 'https://schema.org/OnlineEventAttendanceMode');
		assert.equal(ev.location['@type'], 'VirtualLocation');
		assert.equal(ev.location.url, `${BASE}/${year}/`);
	});

	test('a press release is a NewsArticle in its language', async () => {
		for (const [p, lang] of [[`/${YEAR}/press`, 'en'], [`/de/${YEAR}/press`, 'de']]) {
			const { text } = await getText(p);
			const a = jsonLd(text);
			const [title, released] = sql(`SELECT p.title, p.released FROM press p JOIN edition e
				ON e.id = p.edition_id WHERE e.year = ${YEAR} AND p.lang = '${lang}';`).trim().split('|');
			assert.equal(a['@type'], 'NewsArticle');
			assert.equal(a.headline, title);
			assert.equal(a.datePublished, released);
			assert.match(a.dateModified, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
			assert.ok(a.dateModified >= a.datePublished);
			assert.equal(a.inLanguage, lang);
			assert.equal(a.publisher['@type'], 'Organization');
			assert.equal(a.publisher.name, sql('SELECT name FROM site;').trim());
			assert.equal(a.url, `${BASE}${p}`);
			assert.equal(a.mainEntityOfPage, a.url);
			await fetchShare(a.image[0]);
		}
	});

	test('hostile text stays inside its JSON string', async () => {
		const old = sql("SELECT title FROM edition WHERE year = 2019;").trim();
		const evil = 'A </script><script>alert(1)</script> <!-- & "q" \\ \u2028\u2029 é';
		try {
			sql(`UPDATE edition SET title = '${evil.replaceAll("'", "''")}' WHERE year = 2019;`);
			const text = await pageSoon('/2019/', (t) => t.includes('alert(1)'));
			const raw = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(text)[1];
			assert.ok(!/[<>&\u2028\u2029]/.test(raw), 'a raw <, >, &, U+2028 or U+2029 in the script');
			assert.equal(jsonLd(text).name, evil);
		} finally {
			sql(`UPDATE edition SET title = '${old.replaceAll("'", "''")}' WHERE year = 2019;`);
		}
	});
});

describe('Open Graph and Twitter cards', () => {
	test('edition and press pages: title, description, url, type, locales, a 1200x630 image', async () => {
		const press = (lang) => sql(`SELECT p.title FROM press p JOIN edition e ON e.id = p.edition_id
			WHERE e.year = ${YEAR} AND p.lang = '${lang}';`).trim();
		const title = sql(`SELECT title FROM edition WHERE year = ${YEAR};`).trim();
		for (const [p, type, name] of [[`/${YEAR}/`, 'website', title], [`/de/${YEAR}/`, 'website', title],
			[`/${YEAR}/press`, 'article', press('en')],
			[`/de/${YEAR}/press`, 'article', press('de')]]) {
			const { text } = await getText(p);
			const one = (k) => {
				const v = meta(text, k);
				assert.equal(v.length, 1, `${p}: ${k} ${v.length} times`);
				return v[0];
			};
			assert.equal(one('og:type'), type);
			assert.equal(one('og:title'), name);
			assert.equal(one('og:description'), meta(text, 'description')[0]);
			assert.equal(one('og:url'), `${BASE}${p}`);
			assert.equal(one('og:site_name'), sql('SELECT name FROM site;').trim());
			assert.equal(one('og:locale'), p.startsWith('/de/') ? 'de_DE' : 'en_GB');
			assert.equal(one('og:locale:alternate'), p.startsWith('/de/') ? 'en_GB' : 'de_DE');
			assert.equal(one('og:image:width'), String(SHARE_W));
			assert.equal(one('og:image:height'), String(SHARE_H));
			assert.equal(one('og:image:type'), 'image/jpeg');
			assert.ok(one('og:image:alt').length > 0);
			if (p.includes('/press')) {       // the press photo's, in the page's language
				const [alt, altDe] = sql(`SELECT f.alt, f.alt_de FROM photo f JOIN edition e
					ON f.id = e.press_photo_id WHERE e.year = ${YEAR};`).trim().split('|');
				assert.equal(one('og:image:alt'), p.startsWith('/de/') && altDe ? altDe : alt);
			}
			assert.equal(one('twitter:card'), 'summary_large_image');
			assert.equal(one('twitter:image'), one('og:image'));
			await fetchShare(one('og:image'));
		}
	});

	test('a new cover gets its preview at once; taken down, the file leaves the web', { skip: skip || false }, async () => {
		const admin = new Admin(account('seo'));
		await admin.loginOk();
		await admin.ensureCsrf();
		const photo = sql(`SELECT f.id FROM photo f JOIN edition e ON e.id = f.edition_id WHERE e.year = ${YEAR}
			AND f.in_gallery = 1 AND f.published = 1 AND f.deleted_at IS NULL ORDER BY f.position DESC LIMIT 1;`).trim();
		const post = async (p, fields) => {
			const r = await admin.post(p, fields);
			assert.equal(r.status, 303, `${p}: ${r.status}`);
		};
		const press = meta((await getText(`/${YEAR}/press`)).text, 'og:image')[0];
		try {
			await post(`/admin/${YEAR}/photos/${photo}/pick`, { as: 'cover' });
			const share = sql(`SELECT m.path FROM photo f JOIN media m ON m.id = f.share_id WHERE f.id = ${photo};`).trim();
			assert.match(share, /^[0-9a-f]{2}\/[0-9a-f]{64}\.jpg$/, 'the cover has no share preview');
			const img = `${BASE}/media/${share}`;
			let text = await pageSoon(`/${YEAR}/`, (t) => t.includes(img));
			assert.equal(meta(text, 'og:image')[0], img, 'the edition shows its cover');
			assert.equal(meta(text, 'og:image:alt')[0], sql(`SELECT alt FROM photo WHERE id = ${photo};`).trim());
			assert.equal(jsonLd(text).image[0], img);
			await fetchShare(img);
			// The press release keeps its own photo.
			assert.equal(meta((await getText(`/${YEAR}/press`)).text, 'og:image')[0], press);

			await post(`/admin/${YEAR}/photos/${photo}/publish`, { published: '0' });
			assert.equal(await statusSoon(local(img), 404), 404, 'the share image of an unpublished photo is public');
			assert.ok(fs.existsSync(path.join(VARDIR, 'private', share)), 'not in the private store');
			text = await pageSoon(`/${YEAR}/`, (t) => !t.includes(img));
			assert.equal(meta(text, 'og:image')[0], press, 'the edition falls back to its press photo');

			await post(`/admin/${YEAR}/photos/${photo}/publish`, { published: '1' });
			assert.equal(await statusSoon(local(img), 200), 200, 'published again, the image is back');
		} finally {
			await post(`/admin/${YEAR}/photos/${photo}/publish`, { published: '1' });
			await post(`/admin/${YEAR}/photos/cover`, {});
		}
	});

	test('without a cover or press photo: the site\'s fallback image', { skip: !VARDIR && 'VARDIR is not set' }, async () => {
		const text = await getText('/2019/');
		assert.equal(sql('SELECT count(*) FROM edition WHERE year = 2019 AND cover_photo_id IS NULL AND press_photo_id IS NULL;').trim(), '1');
		assert.equal(meta(text.text, 'og:image')[0], `${BASE}/assets/share.jpg`);
		assert.equal(meta(text.text, 'og:image:alt')[0], sql('SELECT name FROM site;').trim());
		await fetchShare(meta(text.text, 'og:image')[0]);
	});
});

// The addresses of <loc> or Atom's link href, as paths.
function locs(xml) {
	return [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => local(m[1].replaceAll('&amp;', '&')));
}

describe('sitemap, feed, robots.txt', () => {
	test('/sitemap.xml: valid, every page of the URL map, each answering 200', async () => {
		const { res, text } = await getText('/sitemap.xml');
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/xml; charset=utf-8');
		xmllint(['--schema', path.join(SCHEMAS, 'sitemap.xsd')], text, 'sitemap.xml');
		const paths = locs(text);
		// Not / (nor /de/): its canonical address is its edition's.
		assert.ok(!paths.includes('/') && !paths.includes('/de/'), 'the home page is listed');
		for (const p of [`/${YEAR}/`, `/${YEAR}/press`, `/${YEAR}/presentations`,
			`/${YEAR}/programme`, `/${YEAR}/gallery`, '/imprint', '/privacy']) {
			const de = `/de${p}`;
			assert.ok(paths.includes(p), `${p} is not in the sitemap`);
			assert.ok(paths.includes(de), `${de} is not in the sitemap`);
		}
		// Each page in both languages names both, each the other: the
		// same alternates as its <link rel="alternate" hreflang>.
		const urls = [...text.matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => m[1]);
		for (const u of urls) {
			const loc = /<loc>([^<]*)<\/loc>/.exec(u)[1];
			const alt = Object.fromEntries([...u.matchAll(/<xhtml:link rel="alternate" hreflang="([^"]*)" href="([^"]*)"\/>/g)]
				.map((m) => [m[1], m[2]]));
			if (!Object.keys(alt).length)
				continue;
			assert.deepEqual(Object.keys(alt).sort(), ['de', 'en', 'x-default'], loc);
			assert.ok(loc === alt.en || loc === alt.de, `${loc} is neither of its alternates`);
			assert.equal(alt['x-default'], alt.en);
			const page = (await getText(local(loc))).text;
			const links = tags(page, 'link').filter((l) => l.attrs.rel === 'alternate' && l.attrs.hreflang);
			for (const l of links)
				assert.equal(l.attrs.href, alt[l.attrs.hreflang], `${loc}: its page's hreflang ${l.attrs.hreflang}`);
		}
		assert.ok(paths.some((p) => new RegExp(`^/${YEAR}/gallery/\\d+$`).test(p)), 'no photo page');
		for (const p of paths)
			assert.equal((await get(p)).status, 200, `${p} in the sitemap answers otherwise`);
		// lastmod: each page's edition's last public change, one for all
		// the pages of an edition; the site settings' for the imprint and
		// privacy pages; none in the future.
		const lastmod = lastmods(text);
		assert.equal(Object.keys(lastmod).length, paths.length);
		const settings = iso(sql('SELECT coalesce(settings_changed_at, changed_at) FROM site;'));
		for (const p of ['/imprint', '/privacy', '/de/imprint', '/de/privacy'])
			assert.equal(lastmod[p], settings, p);
		const byYear = {};
		for (const [p, t] of Object.entries(lastmod)) {
			assert.ok(Date.parse(t) <= Date.now(), `${p}: lastmod ${t} is in the future`);
			assert.ok(t >= settings, `${p}: lastmod ${t} before the settings' ${settings}`);
			const y = /^(?:\/de)?\/(\d{4})\//.exec(p);
			if (y)
				(byYear[y[1]] ||= new Set()).add(t);
		}
		for (const [y, set] of Object.entries(byYear))
			assert.equal(set.size, 1, `${y}: its pages differ in lastmod: ${[...set]}`);
	});

	test('lastmod per edition: a draft photo moves nothing, describing it moves its edition\'s pages, another edition\'s change not', { skip: skip || false }, async () => {
		const admin = new Admin(account('seo-lastmod'));
		await admin.loginOk();
		const other = Number(sql(`SELECT year FROM edition WHERE published = 1 AND year <> ${YEAR} ORDER BY year DESC LIMIT 1;`).trim());
		const ofYear = (map, y) => Object.entries(map).filter(([p]) => new RegExp(`^(?:/de)?/${y}/`).test(p));
		// The sitemap with the session cookie: past nginx's microcache; the
		// render cache follows every write (page_version).
		const now = async () => {
			const r = await admin.get('/sitemap.xml');
			assert.equal(r.status, 200);
			return lastmods(r.text);
		};
		// lastmod counts seconds: each step in a second of its own.
		const nextSecond = async () => {
			const s = Math.floor(Date.now() / 1000);
			while (Math.floor(Date.now() / 1000) <= s)
				await new Promise((r) => setTimeout(r, 50));
		};
		const before = await now();
		assert.ok(ofYear(before, YEAR).length > 3 && ofYear(before, other).length > 1);
		await nextSecond();
		const up = await admin.upload(`/admin/${YEAR}/photos`, { one: '1' }, [{ name: 'file',
			filename: 'lastmod.jpg', type: 'image/jpeg', data: makeJpeg(320, 240) }], { timeout: 60000 });
		assert.equal(up.status, 201, `draft upload: ${up.status}`);
		const draft = sql(`SELECT max(d.id) FROM photo_draft d JOIN edition e ON e.id = d.edition_id
			WHERE e.year = ${YEAR} AND d.name = 'lastmod.jpg';`).trim();
		assert.deepEqual(await now(), before, 'a photo still to describe moved a lastmod');
		await nextSecond();
		const thumb = sql(`SELECT thumb_id FROM photo_draft WHERE id = ${draft};`).trim();
		const described = await admin.post(`/admin/${YEAR}/photos/describe`, [['id', draft],
			[`alt_${draft}`, 'A photo for lastmod']]);
		assert.equal(described.status, 303, `describe: ${described.status}`);
		const photo = sql(`SELECT max(id) FROM photo WHERE thumb_id = ${thumb};`).trim();
		try {
			const after = await now();
			const moved = after[`/${YEAR}/`];
			assert.ok(moved > before[`/${YEAR}/`], `/${YEAR}/: ${moved} not after ${before[`/${YEAR}/`]}`);
			for (const [p] of ofYear(before, YEAR))
				assert.equal(after[p], moved, `${p} did not move with its edition`);
			assert.equal(after[`/${YEAR}/gallery/${photo}`], moved, 'the new photo page');
			for (const [p, t] of ofYear(before, other))
				assert.equal(after[p], t, `${p} of ${other} moved`);
			assert.equal(after['/imprint'], before['/imprint']);
			// A change to the other edition moves its pages, not these.
			await nextSecond();
			const r = await publishForm(admin, other, true);
			assert.equal(r.status, 303, `save ${other}: ${r.status}`);
			const last = await now();
			for (const [p] of ofYear(before, other))
				assert.ok(last[p] > after[p], `${p}: ${last[p]} did not move`);
			for (const [p] of ofYear(after, YEAR))
				assert.equal(last[p], after[p], `${p} moved with ${other}`);
			// The feed's entries and the press page's dateModified say the same.
			const feed = (await admin.get('/feed.atom')).text;
			const entry = (u) => new RegExp(`<id>${BASE}${u}</id>[\\s\\S]*?<updated>([^<]*)</updated>`).exec(feed)?.[1];
			assert.equal(entry(`/${YEAR}/`), moved);
			assert.equal(entry(`/${other}/`), last[`/${other}/`]);
			const press = await admin.get(`/${YEAR}/press`);
			assert.equal(jsonLd(press.text).dateModified, moved);
		} finally {
			for (const step of ['delete', 'purge']) {
				const at = step === 'delete' ? `/admin/${YEAR}/photos/${photo}/delete` : `/admin/trash/photo/${photo}/purge`;
				const r = await admin.post(at, {});
				assert.equal(r.status, 303, `${step} the test photo: ${r.status}`);
			}
		}
	});

	test('/feed.atom: valid Atom, press releases and editions, linked from every page', async () => {
		const { res, text } = await getText('/feed.atom');
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
		xmllint(['--relaxng', path.join(SCHEMAS, 'atom.rng')], text, 'feed.atom');
		assert.match(text, new RegExp(`<link rel="self" type="application/atom\\+xml" href="${BASE}/feed.atom"/>`));
		const entries = [...text.matchAll(/<entry[^>]*>([\s\S]*?)<\/entry>/g)].map((m) => m[1]);
		const ids = entries.map((e) => /<id>([^<]*)<\/id>/.exec(e)[1]);
		assert.equal(new Set(ids).size, ids.length, 'an id twice');
		for (const e of entries) {
			// RFC 4287 4.1.1.1: an entry without content has an alternate link.
			const href = /<link rel="alternate" type="text\/html" hreflang="(?:en|de)" href="([^"]*)"\/>/.exec(e)[1];
			assert.equal(/<id>([^<]*)<\/id>/.exec(e)[1], href, 'the id is the entry\'s address');
			assert.equal((await get(local(href))).status, 200, href);
		}
		const hrefs = entries.map((e) => /href="([^"]*)"/.exec(e)[1]);
		for (const p of [`/${YEAR}/`, `/${YEAR}/press`, `/de/${YEAR}/press`])
			assert.ok(hrefs.includes(`${BASE}${p}`), `${p} is not in the feed`);
		for (const p of [`/${YEAR}/`, `/${YEAR}/press`, '/imprint']) {
			const link = tags((await getText(p)).text, 'link').find((l) => l.attrs.type === 'application/atom+xml');
			assert.ok(link && link.attrs.rel === 'alternate' && link.attrs.href === '/feed.atom', `${p}: no feed link`);
		}
	});

	test('both are cached like pages: ETag, 304 on revalidation', async () => {
		for (const p of ['/sitemap.xml', '/feed.atom', '/robots.txt']) {
			const res = await get(p);
			await res.arrayBuffer();
			const etag = res.headers.get('etag');
			assert.ok(etag && res.headers.get('last-modified'), `${p}: no validators`);
			assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
			assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
			const again = await get(p, { headers: { 'If-None-Match': etag } });
			assert.equal(again.status, 304, `${p}: ${again.status}`);
		}
	});

	test('drafts and releases scheduled for later are in neither', { skip: !VARDIR && 'VARDIR is not set' }, async () => {
		const de = `${BASE}/de/${YEAR}/press`;
		const where = `lang = 'de' AND edition_id = (SELECT id FROM edition WHERE year = ${YEAR})`;
		const [state, at] = sql(`SELECT state, coalesce(publish_at, '') FROM press WHERE ${where};`).trim().split('|');
		try {
			for (const change of [`state = 'draft'`, `state = 'scheduled', publish_at = ${Math.floor(Date.now() / 1000) + 86400}`]) {
				sql(`UPDATE press SET ${change} WHERE ${where};`);
				const feed = await pageSoon('/feed.atom', (t) => !t.includes(`href="${de}"`));
				assert.ok(!feed.includes(`href="${de}"`), `${change}: still in the feed`);
				const map = await pageSoon('/sitemap.xml', (t) => !t.includes(`<loc>${de}</loc>`));
				assert.ok(!map.includes(`<loc>${de}</loc>`), `${change}: still in the sitemap`);
			}
		} finally {
			sql(`UPDATE press SET state = '${state}', publish_at = ${at === '' ? 'NULL' : at} WHERE ${where};`);
		}
		const feed = await pageSoon('/feed.atom', (t) => t.includes(`href="${de}"`));
		assert.ok(feed.includes(`href="${de}"`), 'published again, it is back');
	});

	test('/robots.txt allows all but /admin/ and names the sitemap', async () => {
		const { res, text } = await getText('/robots.txt');
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
		assert.match(text, /^User-agent: \*$/m);
		assert.match(text, /^Allow: \/$/m);
		assert.match(text, /^Disallow: \/admin\/$/m);
		assert.match(text, new RegExp(`^Sitemap: ${BASE}/sitemap.xml$`, 'm'));
	});

	test('without a base URL: no sitemap or feed (their addresses must be absolute), robots.txt without it', { skip: !VARDIR && 'VARDIR is not set' }, async () => {
		const base = sql('SELECT base_url FROM site;').trim();
		try {
			sql("UPDATE site SET base_url = '';");
			assert.equal(await statusSoon('/sitemap.xml', 404), 404);
			assert.equal(await statusSoon('/feed.atom', 404), 404);
			const robots = await pageSoon('/robots.txt', (t) => !t.includes('Sitemap:'));
			assert.ok(!robots.includes('Sitemap:'));
			// The pages keep their share tags that need no address.
			const text = (await getText(`/${YEAR}/`)).text;
			assert.equal(meta(text, 'og:image').length, 0);
			assert.equal(meta(text, 'twitter:card')[0], 'summary_large_image');
			jsonLd(text);
		} finally {
			sql(`UPDATE site SET base_url = '${base.replaceAll("'", "''")}';`);
		}
	});
});
