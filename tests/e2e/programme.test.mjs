// The programme and the registration (issue 11): the public programme page
// by day with times in Berlin time, its calendar files (RFC 5545) read by
// Debian's python3-icalendar through tests/e2e/ics_check.py - in English
// and, under /de/, in German (LANGUAGE parameters, the English fallback,
// the German page's URL, the export writing both) -, an upcoming
// edition that leads with its programme and registration, the registration's
// three states (flipping by the clock alone, as the render cache must
// follow), the admin's programme pages (add, refuse, edit, delete, undo), and
// the page in Chromium at 375 and 1280 px (axe, overflow, no other host).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { BASE, OUT, YEAR, get, getText, tags, textOf, sql } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, eventually, freeYear, live,
	ADMIN_BIN, DB } from './admin-lib.mjs';
import { ARGS, AXE, PHONE } from './a11y-lib.mjs';

const PYTHON = '/usr/bin/python3';
const CHECK = path.join(import.meta.dirname, 'ics_check.py');
const skip = skipReason();

// A time as the admin's datetime-local fields take it, in Berlin.
function berlin(ms) {
	return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit',
		day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms)).replace(' ', 'T');
}

// The calendar files through the strict reader: [{ events, problems }],
// and its exit status.
function icsCheck(files) {
	try {
		return { status: 0, results: JSON.parse(execFileSync(PYTHON, [CHECK, ...files], { encoding: 'utf8', timeout: 30000 })) };
	} catch (e) {
		if (e.status !== 1 || !e.stdout)
			throw e;
		return { status: 1, results: JSON.parse(e.stdout) };
	}
}

async function fetchIcs(p, dir) {
	const res = await get(p);
	const body = Buffer.from(await res.arrayBuffer());
	const file = path.join(dir, p.replace(/[^a-z0-9]+/gi, '-') + '.ics');
	fs.writeFileSync(file, body);
	return { res, body, file };
}

// A calendar file as a visitor gets it, its headers checked (a readable
// file name, the security headers, 304 on revalidation); and the files
// through the strict reader, nothing refused: its events.
async function fetchServed(p, dir) {
	const { res, body, file } = await fetchIcs(p, dir);
	assert.equal(res.status, 200, p);
	assert.equal(res.headers.get('content-type'), 'text/calendar; charset=utf-8', p);
	assert.match(res.headers.get('content-disposition') || '', /^attachment; filename="symposium-\d{4}(-session-\d+)?\.ics"$/, p);
	assert.equal(Number(res.headers.get('content-length')), body.length);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
	assert.match(res.headers.get('content-security-policy') || '', /frame-ancestors 'none'/);
	const again = await get(p, { headers: { 'If-None-Match': res.headers.get('etag') } });
	await again.arrayBuffer();
	assert.equal(again.status, 304, `${p}: revalidation`);
	return { res, file };
}

function icsStrict(files) {
	const { status, results } = icsCheck(files);
	assert.deepEqual(results.flatMap((r) => r.problems.map((x) => `${r.file}: ${x}`)), []);
	assert.equal(status, 0);
	for (const r of results) {
		assert.equal(r.events.length, 1);
		assert.deepEqual(r.zones, ['Europe/Berlin']);
	}
	return results.map((r) => r.events[0]);
}

// Sets the site's base URL to url and waits until each of paths, as an
// anonymous visitor gets it (nginx's microcache included), shows(text):
// a test that changes it, and the tests after it, see their own.
async function baseUrl(url, paths, shows) {
	sql(`UPDATE site SET base_url = '${url.replace(/'/g, "''")}';`);
	for (const p of paths)
		await eventually(p, (res, t) => shows(t), `the base URL ${url} in ${p}`);
}

// The sessions on a programme page: { id, when, title, speakers, links }.
function sessionsOf(html) {
	return [...html.matchAll(/<article class="session" id="session-(\d+)"[^>]*>([\s\S]*?)<\/article>/g)].map((m) => ({
		id: Number(m[1]),
		when: textOf(/class="session-when"[^>]*>([\s\S]*?)<\/p>/.exec(m[2])[1]).replace(/\s*–\s*/, '–').trim(),
		title: textOf(/class="session-title"[^>]*>([\s\S]*?)<\/h4>/.exec(m[2])[1]).trim(),
		speakers: textOf((/class="session-speakers"[^>]*>([\s\S]*?)<\/p>/.exec(m[2]) || ['', ''])[1]).trim(),
		links: tags(m[2], 'a').map((a) => a.attrs.href),
	}));
}

describe('the programme page', () => {
	test(`/${YEAR}/programme lists the sessions by time, in Berlin time, with calendar and slides links`, async () => {
		const { res, text } = await getText(`/${YEAR}/programme`);
		assert.equal(res.status, 200);
		const sessions = sessionsOf(text);
		const rows = sql(`SELECT s.id, strftime('%H:%M', s.starts_at, 'unixepoch', '+1 hour') FROM programme_session s
			JOIN edition e ON e.id = s.edition_id WHERE e.year = ${YEAR} AND s.deleted_at IS NULL
			ORDER BY s.starts_at, s.id;`).trim().split('\n').map((l) => l.split('|'));
		assert.ok(rows.length >= 3, 'the demo has a programme');
		// December: Berlin is UTC+1.
		assert.deepEqual(sessions.map((s) => [String(s.id), s.when.slice(0, 5)]), rows);
		assert.match(text, /<h3 class="programme-day"><time datetime="2023-12-05">5 December 2023<\/time><\/h3>/);
		for (const s of sessions)
			assert.ok(s.links.includes(`/${YEAR}/programme/${s.id}.ics`), `no calendar link for ${s.title}`);
		const withSlides = sessions.filter((s) => s.links.some((l) => /^\/media\/talks\/.*\.pdf$/.test(l)));
		assert.ok(withSlides.length > 0, 'no session links its slides');
		for (const s of withSlides) {
			const pdf = s.links.find((l) => l.endsWith('.pdf'));
			const r = await get(pdf);
			await r.arrayBuffer();
			assert.equal(r.status, 200, `${pdf}`);
		}
		assert.ok(tags(text, 'a').some((a) => a.attrs.href === `/${YEAR}/programme.ics`), 'no edition calendar link');
		const overview = (await getText(`/${YEAR}/`)).text;
		assert.ok(tags(overview, 'a').some((a) => a.attrs.href === `/${YEAR}/programme`), 'the overview does not link the programme');
	});

	test('an edition without programme or registration has no programme page', async () => {
		const bare = sql(`SELECT e.year FROM edition e WHERE e.published = 1 AND NOT EXISTS
			(SELECT 1 FROM programme_session s WHERE s.edition_id = e.id) AND NOT EXISTS
			(SELECT 1 FROM registration r WHERE r.edition_id = e.id) ORDER BY e.year LIMIT 1;`).trim();
		assert.ok(bare, 'the demo has such an edition');
		assert.equal((await get(`/${bare}/programme`)).status, 404);
		for (const p of [`/${YEAR}/programme/`, `/${YEAR}/programme/0.ics`, `/${YEAR}/programme/01.ics`,
			`/${YEAR}/programme/99999999.ics`, `/${YEAR}/programme/x.ics`, `/${YEAR}/programme.ICS`])
			assert.equal((await get(p)).status, 404, p);
	});
});

describe('calendar files', () => {
	let dir;
	before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ics-')); });
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	test('the edition and every session: headers, 304, and python3-icalendar reads them', async () => {
		const ids = sql(`SELECT s.id FROM programme_session s JOIN edition e ON e.id = s.edition_id
			WHERE e.year = ${YEAR} AND s.deleted_at IS NULL ORDER BY s.starts_at;`).trim().split('\n');
		const paths = [`/${YEAR}/programme.ics`, ...ids.map((id) => `/${YEAR}/programme/${id}.ics`)];
		const files = [];
		for (const p of paths)
			files.push((await fetchServed(p, dir)).file);
		const events = icsStrict(files);
		// Times in Berlin, winter: +01:00; the edition spans its sessions.
		const first = sql(`SELECT strftime('%Y-%m-%dT%H:%M:%S+01:00', min(starts_at), 'unixepoch', '+1 hour')
			FROM programme_session s JOIN edition e ON e.id = s.edition_id WHERE e.year = ${YEAR} AND s.deleted_at IS NULL;`).trim();
		assert.equal(events[0].start.value, first);
		assert.equal(events[0].start.tzid, 'Europe/Berlin');
		assert.equal(events[0].summary, sql(`SELECT title FROM edition WHERE year = ${YEAR};`).trim());
		const uids = events.map((e) => e.uid);
		assert.equal(new Set(uids).size, uids.length, 'UIDs repeat');
		for (const u of uids)
			assert.match(u, /^(edition-\d{4}|session-\d+)@[a-z0-9.-]+$/);
		// Stable: the same file again has the same UID and bytes.
		const second = await fetchIcs(paths[1], dir);
		assert.ok(second.body.equals(fs.readFileSync(files[1])), 'a second GET differs');
	});

	test('with a public base URL: the UID names its host, URL is the programme\'s address', async () => {
		const id = sql(`SELECT min(s.id) FROM programme_session s JOIN edition e ON e.id = s.edition_id
			WHERE e.year = ${YEAR} AND s.deleted_at IS NULL;`).trim();
		const before = sql('SELECT base_url FROM site;').trim();
		const paths = [`/${YEAR}/programme/${id}.ics`];
		await baseUrl('https://symposium.example', paths, (t) => t.includes('@symposium.example'));
		try {
			const { file } = await fetchIcs(`/${YEAR}/programme/${id}.ics`, dir);
			const { status, results } = icsCheck([file]);
			assert.equal(status, 0);
			assert.equal(results[0].events[0].uid, `session-${id}@symposium.example`);
			assert.equal(results[0].events[0].url, `https://symposium.example/${YEAR}/programme`);
		} finally {
			await baseUrl(before, paths, (t) => !t.includes('@symposium.example'));
		}
	});

	test('the reader is strict: LF line ends, a long line and a split character are refused', () => {
		const good = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', 'BEGIN:VEVENT', 'UID:a@b',
			'DTSTAMP:20231205T080000Z', 'DTSTART:20231205T080000Z', 'DTEND:20231205T090000Z', 'SUMMARY:x',
			'END:VEVENT', 'END:VCALENDAR'];
		const cases = {
			lf: Buffer.from(good.join('\n') + '\n'),
			long: Buffer.from(good.map((l) => (l === 'SUMMARY:x' ? 'SUMMARY:' + 'x'.repeat(80) : l)).join('\r\n') + '\r\n'),
			// 'SUMMARY:' + 66 x + 'ü' folded between its two octets.
			split: Buffer.concat([Buffer.from(good.slice(0, 8).join('\r\n') + '\r\nSUMMARY:' + 'x'.repeat(66)),
				Buffer.from([0xc3, 0x0d, 0x0a, 0x20, 0xbc]), Buffer.from('\r\n' + good.slice(9).join('\r\n') + '\r\n')]),
		};
		for (const [name, data] of Object.entries(cases)) {
			const f = path.join(dir, `${name}.ics`);
			fs.writeFileSync(f, data);
			const { status, results } = icsCheck([f]);
			assert.equal(status, 1, `${name}: accepted`);
			assert.ok(results[0].problems.length > 0, name);
		}
	});

	test('escaping and folding survive the round trip: commas, semicolons, umlauts, long titles', async () => {
		const eid = sql(`SELECT id FROM edition WHERE year = ${YEAR};`).trim();
		const title = 'Daten; Ethik, Recht\\Praxis – Überblick über Gesundheitsdaten in Bayern und Europa, ein sehr langer Titel 🫀';
		const id = sql(`INSERT INTO programme_session (edition_id, starts_at, ends_at, title, speakers, room, created_at)
			VALUES (${eid}, 1701766800, 1701770400, '${title.replace(/'/g, "''")}', 'Ä, B; C', 'Raum 1', 0) RETURNING id;`).trim();
		try {
			await eventually(`/${YEAR}/programme/${id}.ics`, (res) => res.status === 200, 'the new session');
			const { file } = await fetchIcs(`/${YEAR}/programme/${id}.ics`, dir);
			const { status, results } = icsCheck([file]);
			assert.deepEqual(results[0].problems, []);
			assert.equal(status, 0);
			assert.equal(results[0].events[0].summary, title);
			assert.equal(results[0].events[0].description, 'Ä, B; C');
			assert.equal(results[0].events[0].start.value, '2023-12-05T10:00:00+01:00');
		} finally {
			sql(`DELETE FROM programme_session WHERE id = ${id};`);
		}
	});
});

// The German calendar files' texts as the German pages show them: each
// session of YEAR { id, summary, lang } - its own German title, else its
// talk's when it bears the talk's title, else the English one ("en").
function germanSessions() {
	return sql(`SELECT s.id, CASE WHEN s.title_de <> '' THEN s.title_de
			WHEN t.title = s.title AND t.title_de <> '' THEN t.title_de ELSE '' END, s.title
		FROM programme_session s JOIN edition e ON e.id = s.edition_id
		LEFT JOIN presentation t ON t.id = s.presentation_id
		WHERE e.year = ${YEAR} AND s.deleted_at IS NULL ORDER BY s.starts_at, s.id;`)
		.trim().split('\n').map((l) => l.split('|')).map(([id, de, en]) => ({ id, summary: de || en, lang: de ? 'de' : 'en' }));
}

describe('calendar files in German', () => {
	let dir;
	before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ics-de-')); });
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	test(`/de/${YEAR}/programme links the German files; they read strictly, in German where written, LANGUAGE on every text`, async () => {
		const page = (await getText(`/de/${YEAR}/programme`)).text;
		const sessions = germanSessions();
		assert.ok(sessions.some((s) => s.lang === 'de') && sessions.some((s) => s.lang === 'en'),
			'the demo has sessions with and without a German title');
		for (const s of sessionsOf(page))
			assert.ok(s.links.includes(`/de/${YEAR}/programme/${s.id}.ics`), `no German calendar link for ${s.title}`);
		assert.ok(tags(page, 'a').some((a) => a.attrs.href === `/de/${YEAR}/programme.ics`), 'no German edition calendar link');

		const paths = [`/de/${YEAR}/programme.ics`, ...sessions.map((s) => `/de/${YEAR}/programme/${s.id}.ics`)];
		const files = [];
		for (const p of paths) {
			const { res, file } = await fetchServed(p, dir);
			// The same file name as the English file's.
			const en = await get(p.slice(3));
			await en.arrayBuffer();
			assert.equal(res.headers.get('content-disposition'), en.headers.get('content-disposition'), p);
			files.push(file);
		}
		const [edition, ...rest] = icsStrict(files);
		// The edition's title is a name: no language; its summary in German.
		const [title, summary, summaryDe] = sql(`SELECT title, summary, summary_de FROM edition WHERE year = ${YEAR};`)
			.trim().split('|');
		assert.equal(edition.summary, title);
		assert.equal(edition.summary_lang, '');
		assert.equal(edition.description, summaryDe || summary);
		assert.equal(edition.description_lang, summaryDe ? 'de' : 'en');
		for (const [i, s] of sessions.entries()) {
			assert.equal(rest[i].summary, s.summary, `session ${s.id}`);
			assert.equal(rest[i].summary_lang, s.lang, `session ${s.id}: LANGUAGE`);
			assert.equal(rest[i].description_lang, '', `session ${s.id}: the speakers have no language`);
		}
		// The same events as the English files: UID and times.
		const enFiles = [];
		for (const p of paths)
			enFiles.push((await fetchIcs(p.slice(3), dir)).file);
		const en = icsStrict(enFiles);
		assert.deepEqual(en.map((e) => [e.uid, e.start.value, e.end.value]),
			[edition, ...rest].map((e) => [e.uid, e.start.value, e.end.value]));
		// The English session files say English.
		assert.ok(en.slice(1).every((e) => e.summary_lang === 'en'), 'an English session without LANGUAGE=en');
	});

	test('a talk\'s German title reaches the German file of the session named after it', async () => {
		const row = sql(`SELECT s.id, t.id, t.title FROM programme_session s JOIN presentation t ON t.id = s.presentation_id
			JOIN edition e ON e.id = s.edition_id WHERE e.year = ${YEAR} AND s.deleted_at IS NULL
			AND s.title = t.title AND s.title_de = '' AND t.title_de = '' ORDER BY s.id LIMIT 1;`).trim();
		assert.ok(row, 'the demo has a session named after its talk, neither with a German title');
		const [sid, tid, title] = row.split('|');
		const p = `/de/${YEAR}/programme/${sid}.ics`;
		const read = async () => icsCheck([(await fetchIcs(p, dir)).file]).results[0].events[0];
		let e = await read();
		assert.deepEqual([e.summary, e.summary_lang], [title, 'en']);
		sql(`UPDATE presentation SET title_de = 'Ein deutscher Titel, mit Komma; und Umlaut ä' WHERE id = ${tid};`);
		try {
			await eventually(p, (res, t) => t.includes('LANGUAGE=de'), 'the talk\'s German title');
			e = await read();
			assert.deepEqual([e.summary, e.summary_lang], ['Ein deutscher Titel, mit Komma; und Umlaut ä', 'de']);
			const page = (await getText(`/de/${YEAR}/programme`)).text;
			assert.ok(sessionsOf(page).some((s) => s.title === 'Ein deutscher Titel, mit Komma; und Umlaut ä'));
		} finally {
			sql(`UPDATE presentation SET title_de = '' WHERE id = ${tid};`);
		}
	});

	test('with a public base URL: URL is the German programme\'s address, the UID the English file\'s', async () => {
		const id = germanSessions()[0].id;
		const before = sql('SELECT base_url FROM site;').trim();
		const paths = [`/de/${YEAR}/programme/${id}.ics`, `/de/${YEAR}/programme.ics`];
		await baseUrl('https://symposium.example', paths, (t) => t.includes('@symposium.example'));
		try {
			const files = [(await fetchIcs(`/de/${YEAR}/programme/${id}.ics`, dir)).file,
				(await fetchIcs(`/de/${YEAR}/programme.ics`, dir)).file];
			const { status, results } = icsCheck(files);
			assert.equal(status, 0);
			assert.equal(results[0].events[0].uid, `session-${id}@symposium.example`);
			assert.equal(results[0].events[0].url, `https://symposium.example/de/${YEAR}/programme`);
			assert.equal(results[1].events[0].url, `https://symposium.example/de/${YEAR}/programme`);
		} finally {
			await baseUrl(before, paths, (t) => !t.includes('@symposium.example'));
		}
	});

	test('admin export writes the calendar files in both languages, as the live site answers them', { skip: skip || false }, async () => {
		const out = path.join(dir, 'export');
		execFileSync(ADMIN_BIN, ['export', '--db', DB, out], { cwd: path.resolve(import.meta.dirname, '../..'),
			env: { ...process.env, SITE_TEMPLATES: path.resolve(import.meta.dirname, '../../templates') },
			encoding: 'utf8', timeout: 120000 });
		// DTSTAMP is the site's time of last change, which other tests may
		// move meanwhile: compared without it.
		const strip = (b) => b.toString('utf8').replace(/\r\nDTSTAMP:[0-9TZ]+/g, '');
		const ids = germanSessions().map((s) => s.id);
		for (const prefix of ['', '/de']) {
			for (const p of [`${prefix}/${YEAR}/programme.ics`, ...ids.map((id) => `${prefix}/${YEAR}/programme/${id}.ics`)]) {
				const file = path.join(out, p);
				assert.ok(fs.existsSync(file), `the export has no ${p}`);
				const live = Buffer.from(await (await get(p)).arrayBuffer());
				assert.equal(strip(fs.readFileSync(file)), strip(live), `${p} differs from the live file`);
			}
		}
		assert.equal(icsCheck([path.join(out, `de/${YEAR}/programme.ics`)]).status, 0);
	});
});

describe('an upcoming edition: programme first, registration open, closed, not yet open', { skip: skip || false }, () => {
	let year, eid;
	const now = () => Math.floor(Date.now() / 1000);
	before(() => {
		// An edition dated in the future: a test edition, removed afterwards.
		year = freeYear(new Date().getUTCFullYear() + 2);
		eid = sql(`INSERT INTO edition (year, title, starts, venue, address, headline, summary, review_md, review_html,
			next_md, next_html, published) VALUES (${year}, 'Upcoming Symposium ${year}', '${year}-06-10', 'Future Hall',
			'Somewhere 1, Munich', 'Next time', 'Soon.', '', '', '', '', 1) RETURNING id;`).trim();
		const t = Math.floor(Date.parse(`${year}-06-10T07:00:00Z`) / 1000);   // 09:00 CEST
		sql(`INSERT INTO programme_session (edition_id, starts_at, ends_at, title, title_de, speakers, room, created_at)
			VALUES (${eid}, ${t}, ${t + 3600}, 'Opening of the future', 'Eröffnung', 'A. Speaker', 'Hall A', 0),
			(${eid}, ${t + 3600}, ${t + 5400}, 'Second session', '', '', 'Hall B', 0);`);
		sql(`INSERT INTO registration (edition_id, url, opens_at, closes_at) VALUES (${eid}, 'https://example.org/register?x=1&y=2', ${now() - 3600}, ${now() + 86400});`);
	});
	after(() => sql(`DELETE FROM edition WHERE id = ${eid};`));

	const state = (html) => (/class="block registration"[^>]*data-state="([a-z]+)"/.exec(html) || [])[1];

	test('the edition page leads with the registration and the programme, summer time shown', async () => {
		let html;
		await eventually(`/${year}/`, (res, t) => { html = t; return res.status === 200 && state(t) === 'open'; }, 'open');
		const reg = html.indexOf('class="block registration"'), prog = html.indexOf('id="programme-h"');
		const contents = html.indexOf('id="contents-h"');
		assert.ok(reg > 0 && prog > reg && (contents < 0 || contents > prog), 'not leading with registration and programme');
		assert.ok(tags(html, 'a').some((a) => a.attrs.href === 'https://example.org/register?x=1&y=2' && /Register/.test(textOf(a.inner || ''))
			|| a.attrs.href === 'https://example.org/register?x=1&y=2'), 'no register link');
		assert.match(textOf(html), /Registration is open until/);
		assert.match(html, /<time datetime="[0-9T:-]+Z">09:00<\/time> <span>Opening of the future<\/span>/);
		const page = (await getText(`/${year}/programme`)).text;
		assert.ok(page.indexOf('class="block registration"') < page.indexOf('id="sessions-h"'));
		assert.match(page, /09:00<\/time>–<time[^>]*>10:00<\/time>/);
		const { file } = await fetchIcs(`/${year}/programme.ics`, os.tmpdir());
		const { results } = icsCheck([file]);
		fs.rmSync(file);
		assert.equal(results[0].events[0].start.value, `${year}-06-10T09:00:00+02:00`);
	});

	test('the German edition page lists the sessions in German, the English title marked, and links the German calendar', async () => {
		let html;
		await eventually(`/de/${year}/`, (res, t) => { html = t; return res.status === 200 && state(t) === 'open'; }, 'open');
		assert.match(html, /<time datetime="[0-9T:-]+Z">09:00<\/time> <span>Eröffnung<\/span>/);
		assert.match(html, /<time datetime="[0-9T:-]+Z">10:00<\/time> <span lang="en">Second session<\/span>/);
		assert.ok(tags(html, 'a').some((a) => a.attrs.href === `/de/${year}/programme.ics`), 'no German calendar link');
		assert.ok(tags(html, 'a').some((a) => a.attrs.href === `/de/${year}/programme`), 'no German programme link');
	});

	test('closed after closing time, and not yet open before opening', async () => {
		sql(`UPDATE registration SET opens_at = ${now() - 7200}, closes_at = ${now() - 60} WHERE edition_id = ${eid};`);
		let html;
		await eventually(`/${year}/`, (res, t) => { html = t; return state(t) === 'closed'; }, 'closed');
		assert.match(textOf(html), /Registration is closed\./);
		assert.ok(!/example\.org\/register/.test(html), 'a closed registration still links the form');
		sql(`UPDATE registration SET opens_at = ${now() + 86400}, closes_at = NULL WHERE edition_id = ${eid};`);
		await eventually(`/${year}/`, (res, t) => { html = t; return state(t) === 'notyet'; }, 'not yet open');
		assert.match(textOf(html), /Registration is not yet open\. It opens on \d+ \w+ \d{4}, \d\d:\d\d\s*\./);
	});

	test('it opens by the clock alone: no write, the cached page changes', async () => {
		const at = now() + 3;
		sql(`UPDATE registration SET opens_at = ${at}, closes_at = NULL WHERE edition_id = ${eid};`);
		await eventually(`/${year}/`, (res, t) => state(t) === 'notyet', 'not yet open');
		// The programs keep the page (render cache) and nginx for a second.
		assert.equal(state(await (await get(`/${year}/`)).text()), 'notyet');
		while (now() <= at)
			await new Promise((r) => setTimeout(r, 200));
		await eventually(`/${year}/`, (res, t) => state(t) === 'open', 'open at its time');
	});
});

describe('the admin edits the programme', { skip: skip || false }, () => {
	const admin = skip ? null : new Admin(account('programme'));
	const LIST = `/admin/${YEAR}/programme`;
	let added;
	before(async () => { await admin.loginOk(); });
	after(() => { if (added) sql(`DELETE FROM programme_session WHERE id = ${added};`); });

	const fields = (over = {}) => ({ title: 'Probe session on quokkas', title_de: 'Probesitzung', speakers: 'Dr. Q. Uokka',
		room: 'Room 2', starts_local: '2023-12-05T16:00', ends_local: '2023-12-05T16:30', presentation_id: '', video_id: '', ...over });
	const count = () => Number(sql('SELECT count(*) FROM programme_session;').trim());

	test('bad times are refused with a 422, the form kept, nothing added', async () => {
		await admin.page(LIST);
		const before = count();
		const bad = [
			[{ ends_local: '2023-12-05T15:00' }, /The end must be after the start/],
			[{ starts_local: '2023-12-06T09:00', ends_local: '2023-12-06T10:00' }, /within the edition's days, 2023-12-05 to 2023-12-05/],
			[{ starts_local: '5.12.2023 9:00' }, /A time is written YYYY-MM-DD HH:MM/],
			[{ starts_local: '' }, /This field is required/],
			[{ title: '' }, /This field is required/],
			[{ presentation_id: '999999' }, /Choose one of this edition's talks/],
		];
		for (const [over, msg] of bad) {
			const r = await admin.post(LIST, fields(over));
			assert.equal(r.status, 422, `${JSON.stringify(over)}: ${r.status}`);
			assert.match(textOf(r.text), msg);
			assert.match(textOf(r.text), /Nothing was saved/);
			if (over.title !== '')
				assert.ok(tags(r.text, 'input').some((i) => i.attrs.name === 'title' && i.attrs.value === 'Probe session on quokkas'), 'the form is not kept');
		}
		assert.equal(count(), before, 'a refused form added a row');
	});

	test('a session added is public at once, in its place; edited; deleted and restored with Undo', async () => {
		const talk = sql(`SELECT t.id FROM presentation t JOIN edition e ON e.id = t.edition_id WHERE e.year = ${YEAR}
			AND t.deleted_at IS NULL ORDER BY t.position LIMIT 1;`).trim();
		const r = await admin.post(LIST, fields({ presentation_id: talk }));
		assert.equal(r.status, 303, snippet(r.text));
		const m = /^\/admin\/\d{4}\/programme\?done=added#item-(\d+)$/.exec(r.location || '') ||
			/^\/admin\/\d{4}\/programme\?done=added$/.exec(r.location || '');
		assert.ok(m, r.location);
		added = Number(sql(`SELECT max(id) FROM programme_session WHERE title = 'Probe session on quokkas';`).trim());
		const list = await admin.page(`${LIST}?done=added`);
		assert.match(list.words, /Added\./);
		assert.match(list.words, /5 December 2023, 16:00–16:30 Probe session on quokkas/);
		const { text } = await live(`/${YEAR}/programme`, admin);
		const s = sessionsOf(text).find((x) => x.id === added);
		assert.ok(s, 'not on the public page');
		assert.equal(s.when.slice(0, 11), '16:00–16:30');
		assert.ok(s.links.some((l) => /\.pdf$/.test(l)), 'the talk\'s slides are not linked');
		const ids = sessionsOf(text).map((x) => x.id);
		assert.equal(ids[ids.length - 1], added, 'not last by time');
		await eventually(`/${YEAR}/programme`, (res, t) => t.includes(`id="session-${added}"`), 'anonymous');

		// Edit: the form has a version; moved earlier, it takes its place by time.
		const edit = await admin.page(`${LIST}/${added}`);
		const form = formFields(edit.html, `${LIST}/${added}`);
		assert.ok(form.some(([k]) => k === 'version'), 'no version field');
		const e = await admin.post(`${LIST}/${added}`, withFields(form, { starts_local: '2023-12-05T08:00', ends_local: '2023-12-05T08:30' }));
		assert.equal(e.status, 303, snippet(e.text));
		const first = sessionsOf((await live(`/${YEAR}/programme`, admin)).text)[0];
		assert.equal(first.id, added, 'not first after moving it earlier');
		// The same stale form again: a conflict, not a lost update.
		const stale = await admin.post(`${LIST}/${added}`, withFields(form, { room: 'Room 9' }));
		assert.equal(stale.status, 409);
		// The conflict page is the whole form: its talk still chosen, so
		// Save again keeps the link (it once came without the choices).
		const again = new Map(formFields(stale.text, `${LIST}/${added}`));
		assert.equal(new Map(form).get('presentation_id'), talk, 'the edit form lost the talk');
		assert.equal(again.get('presentation_id'), talk, 'the conflict page lost the talk');
		assert.equal(again.get('room'), 'Room 9', 'the typed room is not kept');

		const d = await admin.post(`${LIST}/${added}/delete`, {});
		assert.equal(d.status, 303);
		assert.match(d.location, new RegExp(`^${LIST}\\?done=deleted&undo=session-${added}`));
		assert.ok(!sessionsOf((await live(`/${YEAR}/programme`, admin)).text).some((x) => x.id === added), 'deleted but shown');
		const page = await admin.page(d.location.replace(/#.*/, ''));
		const undo = tags(page.html, 'form').find((f) => f.attrs.action === `/admin/trash/session/${added}/restore`);
		assert.ok(undo, 'no Undo');
		const u = await admin.post(`/admin/trash/session/${added}/restore`, { back: '1' });
		assert.equal(u.status, 303);
		assert.match(u.location, new RegExp(`^${LIST}\\?done=restored`));
		assert.ok(sessionsOf((await live(`/${YEAR}/programme`, admin)).text).some((x) => x.id === added), 'not back after Undo');
	});

	test('the registration on the edition form: refused without https, saved, shown', async () => {
		const EDIT = `/admin/${YEAR}/`;
		const form = formFields((await admin.page(EDIT)).html, EDIT);
		const bad = await admin.post(EDIT, withFields(form, { registration_url: 'javascript:alert(1)' }));
		assert.equal(bad.status, 422);
		assert.match(textOf(bad.text), /The address starts with https:\/\//);
		const order = await admin.post(EDIT, withFields(form, { registration_url: 'https://example.org/r',
			registration_opens: '2023-11-01T09:00', registration_closes: '2023-10-01T09:00' }));
		assert.equal(order.status, 422);
		assert.match(textOf(order.text), /Registration must close after it opens/);
		assert.equal(sql(`SELECT count(*) FROM registration r JOIN edition e ON e.id = r.edition_id WHERE e.year = ${YEAR};`).trim(), '0');
		const ok = await admin.post(EDIT, withFields(form, { registration_url: 'https://example.org/r',
			registration_opens: '2023-11-01T09:00', registration_closes: '2023-12-01T18:00' }));
		assert.equal(ok.status, 303, snippet(ok.text));
		try {
			assert.equal(sql(`SELECT url || '|' || opens_at FROM registration r JOIN edition e ON e.id = r.edition_id WHERE e.year = ${YEAR};`).trim(),
				`https://example.org/r|${Date.parse('2023-11-01T08:00:00Z') / 1000}`);
			// A past edition shows no registration at all.
			const { text } = await live(`/${YEAR}/programme`, admin);
			assert.ok(!/class="block registration"/.test(text), 'a past edition shows its registration');
		} finally {
			const again = formFields((await admin.page(EDIT)).html, EDIT);
			const r = await admin.post(EDIT, withFields(again, { registration_url: '', registration_opens: '', registration_closes: '' }));
			assert.equal(r.status, 303, snippet(r.text));
		}
	});
});

describe('the programme in the browser', () => {
	let browser;
	before(async () => {
		browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true, timeout: 60000 });
	});
	after(async () => { await browser?.close(); });

	for (const [width, prefix] of [[PHONE, ''], [1280, ''], [PHONE, '/de'], [1280, '/de']]) {
		test(`${prefix}/${YEAR}/programme at ${width} px: axe clean, no overflow, nothing from another host`, async () => {
			const page = await browser.newPage({ viewport: { width, height: 900 } });
			const elsewhere = [], errors = [];
			page.on('request', (r) => { if (!r.url().startsWith(BASE)) elsewhere.push(r.url()); });
			page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
			const res = await page.goto(`${BASE}${prefix}/${YEAR}/programme`);
			assert.equal(res.status(), 200);
			assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, 'horizontal overflow');
			fs.mkdirSync(path.join(OUT, 'screens'), { recursive: true });
			await page.screenshot({ path: path.join(OUT, 'screens', `programme${prefix.replace('/', '-')}-${width}.png`), fullPage: true });
			await page.evaluate(`${AXE}\n;undefined`);
			const r = await page.evaluate(() => window.axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
			assert.deepEqual(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
			assert.deepEqual(elsewhere, []);
			assert.deepEqual(errors, []);
			await page.close();
		});
	}
});
