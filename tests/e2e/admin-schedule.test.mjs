// Drafts and scheduled press releases: a draft is a 404 for visitors; a
// release scheduled (Europe/Berlin) for later is a 404 until its time and
// then public with nobody logged in and nothing written - the programs'
// render cache and nginx's microcache follow the clock.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { YEAR, sql } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, eventually } from './admin-lib.mjs';

const PRESS = `/admin/${YEAR}/press/de`;
const PUBLIC = `/de/${YEAR}/press`;
const skip = skipReason();

// A time as the form's datetime-local field takes it, in Berlin.
function berlin(ms) {
	return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit',
		day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms)).replace(' ', 'T');
}

describe('drafts and scheduled press releases', { skip: skip || false }, () => {
	const admin = skip ? null : new Admin(account('schedule'));

	after(() => {
		sql('UPDATE site SET home_year = NULL;');
		sql(`UPDATE press SET state = 'published', publish_at = NULL WHERE lang = 'de' ` +
			`AND edition_id = (SELECT id FROM edition WHERE year = ${YEAR});`);
	});

	async function save(changes, done) {
		if (!admin.sid)
			await admin.loginOk();
		const form = await admin.page(PRESS);
		const r = await admin.upload(PRESS, withFields(formFields(form.html, PRESS), changes));
		assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
		assert.equal(r.location, `${PRESS}?done=${done}`);
		return r;
	}

	const status = async () => (await fetch(new URL(PUBLIC, process.env.BASE_URL))).status;

	test('a draft is not public; the admin form keeps it a draft', async () => {
		await save({ state: 'draft' }, 'draft');
		await eventually(PUBLIC, (res) => res.status === 404, 'draft');
		const form = await admin.page(PRESS);
		assert.match(form.html, /id="state_draft" name="state" type="radio" value="draft" checked/);
	});

	test('scheduled for a time past is public at once', async () => {
		await save({ state: 'scheduled', publish_local: berlin(Date.now() - 60000) }, 'scheduled');
		await eventually(PUBLIC, (res) => res.status === 200, 'scheduled in the past');
	});

	test('scheduled for tomorrow is not public; the form shows the Berlin time', async () => {
		const when = berlin(Date.now() + 86400000);
		await save({ state: 'scheduled', publish_local: when }, 'scheduled');
		await eventually(PUBLIC, (res) => res.status === 404, 'scheduled tomorrow');
		const form = await admin.page(PRESS);
		assert.ok(form.html.includes(`value="${when}"`), `the form does not show ${when}`);
		const at = Number(sql(`SELECT publish_at FROM press WHERE lang = 'de' AND edition_id = (SELECT id FROM edition WHERE year = ${YEAR});`));
		assert.ok(Math.abs(at * 1000 - (Date.now() + 86400000)) < 61000, `publish_at ${at} is not tomorrow at this time`);
	});

	test('the embargo ends on time with nobody logged in and nothing written', async () => {
		const at = Math.floor(Date.now() / 1000) + 4;
		sql(`UPDATE press SET state = 'scheduled', publish_at = ${at} WHERE lang = 'de' ` +
			`AND edition_id = (SELECT id FROM edition WHERE year = ${YEAR});`);
		// Cached as a 404 first (the render cache and the microcache).
		assert.equal(await status(), 404);
		assert.equal(await status(), 404);
		while (Date.now() < at * 1000)
			await new Promise((r) => setTimeout(r, 200));
		await eventually(PUBLIC, (res) => res.status === 200, 'after the embargo');
	});

	test('the admin chooses what the home page shows (site settings); a year not published is refused', async () => {
		if (!admin.sid)
			await admin.loginOk();
		const newest = Number(sql('SELECT max(year) FROM edition WHERE published = 1;'));
		const older = Number(sql(`SELECT max(year) FROM edition WHERE published = 1 AND year < ${newest};`));
		const post = async (year) => {
			const form = await admin.page('/admin/site');
			const r = await admin.post('/admin/site', withFields(formFields(form.html, '/admin/site'), { home_year: year }));
			assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
		};
		const shows = (year) => (res, text) => res.status === 200 && new RegExp(`<h1[^>]*>[^<]*${year}`).test(text);
		assert.match((await admin.page('/admin/site')).html, new RegExp(`<option value="${older}">`));
		await post(String(older));
		await eventually('/', shows(older), `home on ${older}`);
		const form = await admin.page('/admin/site');
		assert.match(form.html, new RegExp(`<option value="${older}" selected="">`));
		const bad = await admin.post('/admin/site', withFields(formFields(form.html, '/admin/site'), { home_year: '1850' }));
		assert.equal(bad.status, 422);
		await post('');
		await eventually('/', shows(newest), `home back on ${newest}`);
	});

	test('a scheduled release without a time is refused, nothing changes', async () => {
		const before = sql(`SELECT state, publish_at FROM press WHERE lang = 'de' AND edition_id = (SELECT id FROM edition WHERE year = ${YEAR});`);
		const form = await admin.page(PRESS);
		const r = await admin.upload(PRESS, withFields(formFields(form.html, PRESS), { state: 'scheduled', publish_local: '' }));
		assert.equal(r.status, 422);
		assert.match(r.text, /needs a date/);
		assert.equal(sql(`SELECT state, publish_at FROM press WHERE lang = 'de' AND edition_id = (SELECT id FROM edition WHERE year = ${YEAR});`), before);
	});
});
