// Lost updates: two admins edit the same thing; the second save, made from
// a form loaded before the first save, is refused with 409, the form as the
// second admin typed it, and a message naming what the first one changed.
// Saving again from that answer is a deliberate choice and goes through.
// Every edit form: edition, site settings, press release, presentation,
// photo, video.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, YEAR, textOf } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, uniq, freeYear } from './admin-lib.mjs';

const skip = skipReason();

const fieldOf = (html, action, name) => formFields(html, action).find(([k]) => k === name)?.[1];

describe('admin: no lost updates', { skip: skip || false }, () => {
	const a = skip ? null : new Admin(account('conflict-a'));
	const b = skip ? null : new Admin(account('conflict-b'));
	const year = skip ? 0 : freeYear(2400);

	before(async () => {
		await a.loginOk();
		await b.loginOk();
		const r = await a.post('/admin/editions/new', { year: String(year), title: `Conflict ${year}` });
		assert.equal(r.status, 303, `new edition: ${r.status} ${snippet(r.text)}`);
	});

	after(() => {
		if (!skip)
			sql(`PRAGMA foreign_keys = ON; DELETE FROM edition WHERE year = ${year};`);
	});

	// A and B load `path`; A saves changeA; B's save of changeB is refused
	// with 409 and B's typing kept; B saves again and wins.  check(value of
	// `probe` in the database) after each step.
	async function race(path, changeA, changeB, { label, probe, stored }) {
		const formA = await a.page(path);
		const formB = await b.page(path);
		const ra = await a.post(path, withFields(formFields(formA.html, path), changeA));
		assert.equal(ra.status, 303, `${path}: first save ${ra.status} ${snippet(ra.text)}`);

		const rb = await b.post(path, withFields(formFields(formB.html, path), changeB));
		assert.equal(rb.status, 409, `${path}: stale save answered ${rb.status} ${snippet(rb.text)}`);
		const words = textOf(rb.text);
		assert.match(words, /someone else saved this/i, `${path}: no conflict message`);
		assert.ok(words.includes(label), `${path}: the message does not name "${label}": ${snippet(rb.text, 600)}`);
		for (const [k, v] of Object.entries(changeB))
			assert.equal(fieldOf(rb.text, path, k), v, `${path}: field ${k} not kept as typed`);
		assert.equal(stored(), changeA[probe], `${path}: the stale save changed the database`);

		const again = await b.post(path, formFields(rb.text, path));
		assert.equal(again.status, 303, `${path}: saving again after reading the message: ${again.status} ${snippet(again.text)}`);
		assert.equal(stored(), changeB[probe], `${path}: the deliberate second save was not stored`);
	}

	test('edition: the second of two saves from the same version gets 409, typed text kept', async () => {
		const tag = uniq('');
		const review = `Review typed by B ${tag}\n\nwith a second paragraph & <angle> "quotes"`;
		await race(`/admin/${year}/`, { title: `Title by A ${tag}` },
			{ title: `Title by B ${tag}`, review_md: review, venue: `Venue B ${tag}` },
			{ label: 'Title', probe: 'title',
				stored: () => sql(`SELECT title FROM edition WHERE year = ${year};`).trim() });
		assert.equal(sql(`SELECT review_md FROM edition WHERE year = ${year};`).replace(/\n$/, ''), review);
	});

	test('press release (even the first one written), presentation, video', async () => {
		const tag = uniq('');
		await race(`/admin/${year}/press/en`,
			{ title: `Press A ${tag}`, released: `${year}-01-02` },
			{ title: `Press B ${tag}`, released: `${year}-01-03`, body_md: `Body B ${tag}` },
			{ label: 'Title', probe: 'title',
				stored: () => sql(`SELECT p.title FROM press p JOIN edition e ON e.id = p.edition_id WHERE e.year = ${year} AND p.lang = 'en';`).trim() });

		const t = await a.post(`/admin/${year}/presentations`, { title: `Talk ${tag}`, speakers: 'Ada' });
		assert.equal(t.status, 303, `new talk: ${t.status} ${snippet(t.text)}`);
		const talk = sql(`SELECT t.id FROM presentation t JOIN edition e ON e.id = t.edition_id WHERE e.year = ${year} ORDER BY t.id DESC LIMIT 1;`).trim();
		await race(`/admin/${year}/presentations/${talk}`, { speakers: `Speaker A ${tag}` },
			{ speakers: `Speaker B ${tag}`, affiliation: `Lab B ${tag}` },
			{ label: 'Speakers', probe: 'speakers',
				stored: () => sql(`SELECT speakers FROM presentation WHERE id = ${talk};`).trim() });

		const v = await a.post(`/admin/${year}/videos`, { title: `Video ${tag}`, url: 'https://youtu.be/dQw4w9WgXcQ' });
		assert.equal(v.status, 303, `new video: ${v.status} ${snippet(v.text)}`);
		const video = sql(`SELECT v.id FROM video v JOIN edition e ON e.id = v.edition_id WHERE e.year = ${year} ORDER BY v.id DESC LIMIT 1;`).trim();
		await race(`/admin/${year}/videos/${video}`, { title: `Video A ${tag}` }, { title: `Video B ${tag}` },
			{ label: 'Title', probe: 'title', stored: () => sql(`SELECT title FROM video WHERE id = ${video};`).trim() });
	});

	test('site settings and a photo\'s description', async () => {
		const tag = uniq('');
		const role = sql('SELECT contact_role FROM site;').replace(/\n$/, '');
		try {
			await race('/admin/site', { contact_role: `Role A ${tag}` }, { contact_role: `Role B ${tag}` },
				{ label: 'Contact role', probe: 'contact_role',
					stored: () => sql('SELECT contact_role FROM site;').replace(/\n$/, '') });
		} finally {
			sql(`UPDATE site SET contact_role = '${role.replace(/'/g, "''")}';`);
		}
		const photo = sql(`SELECT f.id FROM photo f JOIN edition e ON e.id = f.edition_id WHERE e.year = ${YEAR} AND f.in_gallery = 1 AND f.deleted_at IS NULL ORDER BY f.id LIMIT 1;`).trim();
		assert.ok(photo, 'no photo in the demo edition');
		const caption = sql(`SELECT caption FROM photo WHERE id = ${photo};`).replace(/\n$/, '');
		try {
			await race(`/admin/${YEAR}/photos/${photo}`, { caption: `Caption A ${tag}` }, { caption: `Caption B ${tag}` },
				{ label: 'Caption', probe: 'caption', stored: () => sql(`SELECT caption FROM photo WHERE id = ${photo};`).replace(/\n$/, '') });
		} finally {
			sql(`UPDATE photo SET caption = '${caption.replace(/'/g, "''")}' WHERE id = ${photo};`);
		}
	});

	// A form opened before an upgrade that added a field carries a version
	// made for fewer fields: refused like a conflict (whether someone saved
	// meanwhile cannot be told), but saying so rather than naming fields.
	test('a form from before an upgrade: 409 saying so, typed text kept, then saved', async () => {
		const tag = uniq('');
		const path = `/admin/${year}/`;
		const before = sql(`SELECT title FROM edition WHERE year = ${year};`).trim();
		const fields = formFields((await a.page(path)).html, path)
			.map(([k, v]) => [k, k === 'version' ? v.slice(0, -8) : v]);
		const r = await a.post(path, withFields(fields, { title: `Old form ${tag}` }));
		assert.equal(r.status, 409, `old form answered ${r.status} ${snippet(r.text)}`);
		const words = textOf(r.text);
		assert.match(words, /opened before the site was updated/, `no upgrade message: ${snippet(r.text, 600)}`);
		assert.doesNotMatch(words, /Not saved: someone else saved|Changed since then/, 'names a change nobody made');
		assert.equal(fieldOf(r.text, path, 'title'), `Old form ${tag}`, 'the typed title was not kept');
		assert.equal(sql(`SELECT title FROM edition WHERE year = ${year};`).trim(), before, 'the old form changed the database');
		const again = await a.post(path, formFields(r.text, path));
		assert.equal(again.status, 303, `saving again: ${again.status} ${snippet(again.text)}`);
		assert.equal(sql(`SELECT title FROM edition WHERE year = ${year};`).trim(), `Old form ${tag}`);
	});
});
