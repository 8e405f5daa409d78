// Videos: YouTube's and Vimeo's own share addresses are accepted and
// stored in their normal form (lib/video.c; its unit tests cover each
// spelling), the start time is shown in the admin and on the public page,
// and the demo's own video can be saved again unchanged.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { YEAR, sql, textOf } from './lib.mjs';
import { Admin, account, skipReason, uniq, snippet, formFields, live } from './admin-lib.mjs';

const VIDEOS = `/admin/${YEAR}/videos`;
const skip = skipReason();

describe('videos', { skip: skip || false }, () => {
	const admin = skip ? null : new Admin(account('videos'));
	const tag = uniq('');
	const made = [];

	after(() => {
		for (const id of made)
			sql(`DELETE FROM video WHERE id = ${id};`);
	});

	async function add(url) {
		const title = `E2E video ${uniq(tag)}`;
		if (!admin.sid)
			await admin.loginOk();
		const r = await admin.post(VIDEOS, { title, url });
		assert.equal(r.status, 303, `${url}: ${r.status} ${snippet(r.text)}`);
		const [id, stored] = sql(`SELECT id, url FROM video WHERE title = '${title}';`).trim().split('|');
		made.push(id);
		return { id, stored, title };
	}

	for (const [given, normal] of [
		['https://youtu.be/dQw4w9WgXcQ?si=AbCdEf123&t=90', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s'],
		['https://www.youtube.com/live/dQw4w9WgXcQ?si=x', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ'],
		['https://youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG', 'https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG'],
		['https://www.youtube.com/@DigiMedBayern', 'https://www.youtube.com/@DigiMedBayern'],
		['https://player.vimeo.com/video/76979871', 'https://vimeo.com/76979871'],
	])
		test(`${given} is stored as ${normal}`, async () => {
			const { stored } = await add(given);
			assert.equal(stored, normal);
		});

	test('the start time shows in the admin list and on the public page', async () => {
		const { title } = await add('https://youtu.be/dQw4w9WgXcQ?t=1m30s');
		const list = await admin.page(VIDEOS);
		assert.match(list.words, new RegExp(`${title}[\\s\\S]*?\\(YouTube, from 1:30\\)`));
		const { res, text } = await live(`/${YEAR}/presentations`, admin);
		assert.equal(res.status, 200);
		assert.match(textOf(text), new RegExp(`${title}\\s*\\(YouTube, from 1:30\\)`));
	});

	test('the demo\'s own video saves again unchanged', async () => {
		if (!admin.sid)
			await admin.loginOk();
		const [id, url] = sql(`SELECT d.id, d.url FROM video d JOIN edition e ON e.id = d.edition_id ` +
			`WHERE e.year = ${YEAR} AND d.deleted_at IS NULL AND d.url LIKE '%results?search_query=%' LIMIT 1;`).trim().split('|');
		assert.match(id, /^\d+$/, 'the demo has no search video');
		const form = await admin.page(`${VIDEOS}/${id}`);
		const r = await admin.post(`${VIDEOS}/${id}`, formFields(form.html, `${VIDEOS}/${id}`));
		assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
		assert.equal(sql(`SELECT url FROM video WHERE id = ${id};`).trim(), url);
	});
});
