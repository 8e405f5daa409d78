// Taking something down takes it off the web (issue: trashed and
// unpublished photos and slides stayed public under their content-hash
// URLs, cached as immutable).  A stored file lies in the served tree
// (VARDIR/media/) only while the public may see it; otherwise it waits in
// VARDIR/private/, which no web server serves, and the admin shows it
// through /admin/media/.  A purge deletes it for good, with an audit row.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getBytes, sql, textOf, VARDIR } from './lib.mjs';
import { Admin, account, skipReason, formFields, withFields, snippet, uniq, MEDIA, addPhotos,
	stopAdmin, startAdmin, status, waitStatus } from './admin-lib.mjs';
import { makePdf, makeJpeg } from './fixtures/files.mjs';

const skip = skipReason();
const PRIVATE = VARDIR ? path.join(VARDIR, 'private') : '';

describe('admin: taking a photo or slides down takes the file off the web', { skip: skip || false }, () => {
	const admin = new Admin(skip ? null : account('takedown'));
	const year = skip ? 0 : Number(sql('SELECT max(year) FROM edition;').trim()) + 1;
	const tag = uniq('');
	const pdf = makePdf(2, `E2E takedown ${tag}`);
	const state = {};

	// The stored files (media.path) of a photo the public sees: its
	// thumbnail and web size (two files: the uploads are larger than a
	// thumbnail).  Its full resolution is never public unless it is the
	// press photo.
	const photoFiles = (id) => sql(`SELECT t.path || ' ' || w.path FROM photo f JOIN media t ON t.id = f.thumb_id ` +
		`JOIN media w ON w.id = f.web_id WHERE f.id = ${id};`).trim().split(' ');
	const origOf = (id) => sql(`SELECT m.path FROM photo f JOIN media m ON m.id = f.orig_id WHERE f.id = ${id};`).trim();
	const where = (rel) => {
		const pub = fs.existsSync(path.join(MEDIA, rel)), priv = fs.existsSync(path.join(PRIVATE, rel));
		return pub && priv ? 'both' : pub ? 'served' : priv ? 'private' : 'gone';
	};

	async function expectServed(rels, what) {
		for (const rel of rels) {
			assert.equal(where(rel), 'served', `${what}: ${rel}`);
			assert.equal(await status(`/media/${rel}`), 200, `${what}: GET /media/${rel}`);
		}
	}

	async function expectHidden(rels, what) {
		for (const rel of rels) {
			assert.equal(where(rel), 'private', `${what}: ${rel}`);
			assert.equal(await status(`/media/${rel}`), 404, `${what}: GET /media/${rel}`);
			// The admin still sees it; nobody else does.
			const seen = await admin.get(`/admin/media/${rel}`);
			assert.equal(seen.status, 200, `${what}: the admin's /admin/media/${rel}`);
			const anon = await getBytes(`/admin/media/${rel}`);
			assert.notEqual(anon.res.status, 200, `${what}: /admin/media/${rel} without a session`);
		}
	}

	async function uploadPhoto(alt) {
		const [id] = await addPhotos(admin, year, [{ filename: 'p.jpg', data: makeJpeg(1000, 700) }], [{ alt }]);
		assert.match(id, /^\d+$/, `no photo row for ${alt}`);
		return id;
	}

	async function publish(on) {
		const form = await admin.page(`/admin/${year}/`);
		const fields = formFields(form.html, `/admin/${year}/`).filter(([k]) => k !== 'published');
		const r = await admin.post(`/admin/${year}/`, on ? withFields(fields, { published: '1' }) : fields);
		assert.equal(r.status, 303, `publish ${on}: ${r.status} ${snippet(r.text)}`);
	}

	before(async () => {
		await admin.loginOk();
		await admin.ensureCsrf();
		const ed = await admin.post('/admin/editions/new', { year: String(year), title: `E2E takedown ${tag}` });
		assert.equal(ed.status, 303, `new edition: ${ed.status} ${snippet(ed.text)}`);
		await publish(true);
		state.photo = await uploadPhoto(`Trashed photo ${tag}`);
		state.kept = await uploadPhoto(`Kept photo ${tag}`);
		const r = await admin.upload(`/admin/${year}/presentations`,
			{ title: `Takedown slides ${tag}`, speakers: 'Dr. Erika Mustermann' },
			[{ name: 'file', filename: 't.pdf', type: 'application/pdf', data: pdf }]);
		assert.equal(r.status, 303, `slides: ${r.status} ${snippet(r.text)}`);
		[state.talk, state.slug, state.pdf] = sql(`SELECT t.id, t.slug, m.path FROM presentation t ` +
			`JOIN media m ON m.id = t.media_id JOIN edition e ON e.id = t.edition_id ` +
			`WHERE e.year = ${year};`).trim().split('|');
	});

	after(async () => {
		if (admin.sid && year)
			await publish(false).catch(() => {});
	});

	test('trash a photo: its URLs 404; restore: 200 again', async () => {
		const files = photoFiles(state.photo);
		await expectServed(files, 'published');
		const del = await admin.post(`/admin/${year}/photos/${state.photo}/delete`, {});
		assert.equal(del.status, 303, `delete: ${del.status} ${snippet(del.text)}`);
		await expectHidden(files, 'in the trash');
		const trash = await admin.page('/admin/trash');
		assert.ok(trash.html.includes(`/admin/media/${files[0]}`), 'the trash shows the thumbnail through /admin/media/');
		const res = await admin.post(`/admin/trash/photo/${state.photo}/restore`, {});
		assert.equal(res.status, 303, `restore: ${res.status}`);
		await expectServed(files, 'restored');
	});

	test('purge from the trash: files gone from disk, rows gone, an audit row', async () => {
		const files = [...photoFiles(state.photo), origOf(state.photo)];
		assert.equal(where(files[2]), 'private', 'a gallery photo\'s full resolution is not served');
		assert.equal((await admin.post(`/admin/${year}/photos/${state.photo}/delete`, {})).status, 303);
		assert.equal((await admin.post(`/admin/trash/photo/${state.photo}/purge`, {}, { csrf: false })).status, 403,
			'a purge without the CSRF token');
		const r = await admin.post(`/admin/trash/photo/${state.photo}/purge`, {});
		assert.equal(r.status, 303, `purge: ${r.status} ${snippet(r.text)}`);
		assert.equal(r.location, '/admin/trash');
		for (const rel of files) {
			assert.equal(where(rel), 'gone', `purged: ${rel}`);
			assert.equal(await status(`/media/${rel}`), 404, `purged: /media/${rel}`);
			assert.equal((await admin.get(`/admin/media/${rel}`)).status, 404, `purged: /admin/media/${rel}`);
		}
		assert.equal(sql(`SELECT count(*) FROM photo WHERE id = ${state.photo};`).trim(), '0');
		assert.equal(sql(`SELECT count(*) FROM media WHERE path IN ('${files.join("', '")}');`).trim(), '0');
		const audit = sql(`SELECT admin || '|' || action || '|' || detail FROM audit WHERE object = 'photo ${state.photo}' ` +
			`ORDER BY id DESC LIMIT 1;`).trim();
		// thumbnail, web size and full resolution
		assert.match(audit, new RegExp(`^${admin.acct.name}\\|purge\\|.*3 stored files removed`), `audit: ${audit}`);
		// Only what is in the trash can be purged.
		assert.equal((await admin.post(`/admin/trash/photo/${state.kept}/purge`, {})).status, 404);
	});

	// Ids are reused after a purge (no AUTOINCREMENT): the audit log's rows
	// of the purged talk keep its title, also a row written before titles
	// were kept (title NULL, as an upgraded site has them).
	test('a purged talk\'s id taken by a new talk: its audit rows keep the old title', async () => {
		const add = async (title) => {
			const r = await admin.upload(`/admin/${year}/presentations`, { title, speakers: 'Dr. Audit' }, []);
			assert.equal(r.status, 303, `add ${title}: ${r.status} ${snippet(r.text)}`);
			return sql(`SELECT max(id) FROM presentation;`).trim();
		};
		const oldTitle = `Old audit title ${tag}`, newTitle = `New audit title ${tag}`;
		const id = await add(oldTitle);
		sql(`INSERT INTO audit (at, admin, action, object) VALUES (1, 'e2e', 'update', 'presentation ${id}');`);
		assert.equal((await admin.post(`/admin/${year}/presentations/${id}/delete`, {})).status, 303);
		const purge = await admin.post(`/admin/trash/presentation/${id}/purge`, {});
		assert.equal(purge.status, 303, `purge: ${purge.status} ${snippet(purge.text)}`);
		assert.equal(await add(newTitle), id, 'the new talk took the purged id');
		const page = await admin.page('/admin/audit');
		const rows = [...page.html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1]))
			.filter((t) => t.includes(`(presentation ${id})`));
		const titled = (t) => rows.filter((r) => r.includes(t)).length;
		assert.equal(titled(newTitle), 1, `one row of the new talk: ${rows.join(' / ')}`);
		assert.equal(titled(oldTitle), 4, `create, the old row, delete, purge: ${rows.join(' / ')}`);
	});

	test('unpublish the edition: its photos and slides 404; publish: back', async () => {
		const files = [...photoFiles(state.kept), state.pdf];
		const stable = `/media/talks/${year}-${state.slug}.pdf`;
		await expectServed(files, 'published');
		assert.equal(await status(stable), 200, stable);
		await publish(false);
		await expectHidden(files, 'unpublished');
		assert.equal(await status(stable), 404, `unpublished: ${stable}`);
		await publish(true);
		await expectServed(files, 'published again');
		assert.equal(await status(stable), 200, `published again: ${stable}`);
	});

	test('a site whose hidden files still lie in media/ (the first release) is sorted when the admin starts', async () => {
		const files = photoFiles(state.kept);
		await publish(false);
		await expectHidden(files, 'unpublished');
		await stopAdmin();
		try {
			// The first release's layout: every stored file under media/.
			for (const rel of files)
				fs.renameSync(path.join(PRIVATE, rel), path.join(MEDIA, rel));
			assert.equal(await status(`/media/${files[0]}`), 200, 'served before the admin starts');
		} finally {
			await startAdmin();
		}
		await waitStatus(`/media/${files[0]}`, 404, 'after the admin started');
		await expectHidden(files, 'after the admin started');
	});
});
