// Photos in bulk and the press kit, over HTTP: each file on its own request
// (a refused one changes nothing else), the multi-file form without the
// script (per file), photos "to describe" that stay private, the describe
// view (all or nothing), reordering that comes back to the photo's place,
// the press photo and cover picked from the gallery, the press photo's
// download (full resolution, no metadata, a readable name), the press
// contact and Markdown tables.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { YEAR, get, getBytes, sql } from './lib.mjs';
import { Admin, account, skipReason, snippet, live, uniq, addPhotos, formFields, withFields } from './admin-lib.mjs';
import { makeJpeg, jpegSegments, EXIF_MARK } from './fixtures/files.mjs';

const PHOTOS = `/admin/${YEAR}/photos`;
const skip = skipReason();

const drafts = () => Number(sql(`SELECT count(*) FROM photo_draft d JOIN edition e
	ON e.id = d.edition_id WHERE e.year = ${YEAR};`).trim());
const galleryIds = () => sql(`SELECT f.id FROM photo f JOIN edition e ON e.id = f.edition_id
	WHERE e.year = ${YEAR} AND f.in_gallery = 1 AND f.deleted_at IS NULL
	ORDER BY f.position, f.id;`).trim().split('\n');

describe('photos in bulk and the press kit', { skip: skip || false }, () => {
	const acct = skip ? null : account('photos');
	const tag = uniq('');
	const admin = skip ? null : new Admin(acct);
	const made = [];
	let pressBefore;

	before(async () => {
		await admin.loginOk();
		pressBefore = sql(`SELECT coalesce(press_photo_id, '') || '|' || coalesce(cover_photo_id, '')
			FROM edition WHERE year = ${YEAR};`).trim();
	});

	after(async () => {
		if (skip)
			return;
		// Leave the edition as the other tests expect it.
		const [press, cover] = pressBefore.split('|');
		sql(`UPDATE edition SET press_photo_id = ${press || 'NULL'}, cover_photo_id = ${cover || 'NULL'}
			WHERE year = ${YEAR}; DELETE FROM photo_draft WHERE name LIKE '%${tag}%';`);
		for (const id of made)
			await admin.post(`${PHOTOS}/${id}/delete`, {});
	});

	test('one file per request: 201 in plain text, the photo waits to describe and is not public', async () => {
		const before = drafts();
		const name = `one-${tag}.jpg`;
		const r = await admin.upload(PHOTOS, { one: '1' },
			[{ name: 'file', filename: name, type: 'image/jpeg', data: makeJpeg(640, 480) }]);
		assert.equal(r.status, 201, snippet(r.text));
		assert.match(r.res.headers.get('content-type'), /^text\/plain/);
		assert.equal(r.text.trim(), `${name}: added, to describe.`);
		assert.equal(drafts(), before + 1);
		const thumb = sql(`SELECT m.path FROM photo_draft d JOIN media m ON m.id = d.thumb_id
			WHERE d.name = '${name}';`).trim();
		const gallery = await live(`/${YEAR}/gallery`, admin);
		assert.ok(!gallery.text.includes(thumb), 'a photo to describe is in the public gallery');
		const page = await admin.page(PHOTOS);
		assert.match(page.words, /Describe the new photos \(\d+ waiting\)/);
	});

	test('a refused file answers for itself only: 422 with its name and reason, nothing stored', async () => {
		const before = drafts();
		const media = sql('SELECT count(*) FROM media;').trim();
		const r = await admin.upload(PHOTOS, { one: '1' },
			[{ name: 'file', filename: `notes-${tag}.jpg`, type: 'image/jpeg', data: Buffer.from('<html>not a photo</html>') }]);
		assert.equal(r.status, 422);
		assert.equal(r.text.trim(), `notes-${tag}.jpg: not a JPEG or PNG image.`);
		assert.equal(drafts(), before);
		assert.equal(sql('SELECT count(*) FROM media;').trim(), media);
	});

	test('without the script, one form with several files: each taken or refused on its own', async () => {
		const before = drafts();
		const r = await admin.upload(PHOTOS, {}, [
			{ name: 'file', filename: `a-${tag}.jpg`, type: 'image/jpeg', data: makeJpeg(500, 400) },
			{ name: 'file', filename: `bad-${tag}.jpg`, type: 'image/jpeg', data: Buffer.from('GIF89a') },
			{ name: 'file', filename: `b-${tag}.jpg`, type: 'image/jpeg', data: makeJpeg(400, 500) },
		]);
		assert.equal(r.status, 200, snippet(r.text));
		assert.match(snippet(r.text, 5000), /2 photo\(s\) added\. These files were refused/);
		assert.ok(r.text.includes(`bad-${tag}.jpg: not a JPEG or PNG image.`));
		assert.equal(drafts(), before + 2);
		const ok = await admin.upload(PHOTOS, {}, [
			{ name: 'file', filename: `c-${tag}.jpg`, type: 'image/jpeg', data: makeJpeg(300, 200) }]);
		assert.equal(ok.status, 303);
		assert.equal(ok.location, `${PHOTOS}/describe?done=added`);
	});

	test('describe view: bad input shows each photo\'s error and saves nothing; then all in one submit', async () => {
		const page = await admin.page(`${PHOTOS}/describe`);
		const ids = [...page.html.matchAll(/name="id" value="(\d+)"/g)].map((m) => m[1]);
		assert.ok(ids.length >= 4, `drafts on the page: ${ids.length}`);
		const photosBefore = galleryIds().length;
		const bad = [['id', ids[0]], [`alt_${ids[0]}`, 'x'.repeat(301)],
			['id', ids[1]], [`caption_${ids[1]}`, 'A caption but no alt text'],
			['id', ids[2]], [`alt_${ids[2]}`, `Fine ${tag}`]];
		const r = await admin.post(`${PHOTOS}/describe`, bad);
		assert.equal(r.status, 422);
		assert.match(r.text, /Nothing was saved/);
		assert.match(r.text, new RegExp(`id="error-${ids[0]}"`));
		assert.match(r.text, new RegExp(`id="error-${ids[1]}"`));
		assert.doesNotMatch(r.text, new RegExp(`id="error-${ids[2]}"`));
		assert.ok(r.text.includes('A caption but no alt text'), 'typed text kept');
		assert.equal(galleryIds().length, photosBefore, 'saved partially');

		const good = [['credit_all', `Fotorechte: E2E ${tag}`]];
		ids.forEach((id, i) => good.push(['id', id], [`alt_${id}`, `Described ${i} ${tag}`]));
		good.push([`credit_${ids[0]}`, 'Own credit'], [`decorative_${ids[1]}`, '1'], [`alt_${ids[1]}`, '']);
		const ok = await admin.post(`${PHOTOS}/describe`, good);
		assert.equal(ok.status, 303, snippet(ok.text));
		assert.equal(drafts(), 0);
		const rows = sql(`SELECT id || '|' || alt || '|' || decorative || '|' || credit || '|' || published
			FROM photo WHERE (alt LIKE '%${tag}' OR (decorative = 1 AND credit LIKE '%${tag}'))
			AND deleted_at IS NULL ORDER BY id;`).trim().split('\n');
		assert.equal(rows.length, ids.length);
		for (const row of rows)
			made.push(row.split('|')[0]);
		assert.ok(rows.some((x) => x.endsWith('|0|Own credit|1')), rows.join('\n'));
		assert.ok(rows.some((x) => /\|\|1\|Fotorechte: E2E /.test(x)), 'decorative photo with the credit for all');
		const gallery = await live(`/${YEAR}/gallery?page=1`, admin);
		assert.equal(gallery.res.status, 200);
	});

	test('reorder: dragged before another photo, and Up/Down, each answer returns to the photo\'s anchor', async () => {
		const order = galleryIds();
		const last = order[order.length - 1], first = order[0];
		const r = await admin.post(`${PHOTOS}/${last}/move`, { before: first });
		assert.equal(r.status, 303);
		assert.equal(r.res.headers.get('location'), `${PHOTOS}?done=moved#item-${last}`);
		assert.deepEqual(galleryIds(), [last, ...order.slice(0, -1)]);
		const d = await admin.post(`${PHOTOS}/${last}/move`, { dir: 'down' });
		assert.equal(d.res.headers.get('location'), `${PHOTOS}?done=moved#item-${last}`);
		assert.deepEqual(galleryIds().slice(0, 2), [first, last]);
		const end = await admin.post(`${PHOTOS}/${last}/move`, { before: 'end' });
		assert.equal(end.status, 303);
		assert.deepEqual(galleryIds(), order);
		const badBefore = await admin.post(`${PHOTOS}/${last}/move`, { before: 'x' });
		assert.equal(badBefore.status, 422);
		const page = await admin.page(PHOTOS);
		assert.match(page.html, new RegExp(`<li id="item-${last}" tabindex="-1"`));
	});

	test('press photo from the gallery: one for both languages, download at full resolution without metadata under a readable name', async () => {
		const big = makeJpeg(2400, 1600, { exif: { orientation: 1, gps: true } });
		const [id] = await addPhotos(admin, YEAR, [{ filename: `press-${tag}.jpg`, data: big }],
			[{ alt: `Press photo ${tag}`, caption: 'Gallery caption', credit: 'Photo credit' }]);
		made.push(id);
		const p = await admin.post(`${PHOTOS}/${id}/pick`, { as: 'press' });
		assert.equal(p.status, 303);
		assert.equal(p.res.headers.get('location'), `${PHOTOS}?done=saved#item-${id}`);
		const c = await admin.post(`${PHOTOS}/${id}/pick`, { as: 'cover' });
		assert.equal(c.status, 303);
		assert.equal((await admin.post(`${PHOTOS}/${id}/pick`, { as: 'nope' })).status, 422);
		assert.equal((await admin.post(`${PHOTOS}/999999999/pick`, { as: 'press' })).status, 404);

		// Caption per language, one credit for both.
		for (const [lang, cap] of [['en', `English caption ${tag}`], ['de', `Deutsche Bildunterschrift ${tag}`]]) {
			const form = await admin.page(`/admin/${YEAR}/press/${lang}`);
			assert.match(form.html, /Press photo \(one for both languages\)/);
			const fields = withFields(formFields(form.html, `/admin/${YEAR}/press/${lang}`),
				{ photo_caption: cap, press_credit: `Shared credit ${tag}` });
			const r = await admin.post(`/admin/${YEAR}/press/${lang}`, fields);
			assert.equal(r.status, 303, snippet(r.text));
		}
		const thumb = sql(`SELECT m.path FROM photo f JOIN media m ON m.id = f.web_id WHERE f.id = ${id};`).trim();
		for (const [p2, cap] of [[`/${YEAR}/press`, `English caption ${tag}`], [`/de/${YEAR}/press`, `Deutsche Bildunterschrift ${tag}`]]) {
			const page = await live(p2, admin);
			assert.ok(page.text.includes(thumb), `${p2} shows the picked photo`);
			assert.ok(page.text.includes(cap), `${p2} caption`);
			assert.ok(page.text.includes(`Shared credit ${tag}`), `${p2} credit`);
			const m = /href="(\/media\/press\/[0-9a-f]{64}\/([a-z0-9-]+\.jpg))"/.exec(page.text);
			assert.ok(m, `${p2}: no download link`);
			assert.equal(m[2], `digimed-bayern-symposium-${YEAR}-press-photo.jpg`);
			assert.match(page.text, /JPEG, 2400 × 1600/);
			const res = await get(m[1]);
			assert.equal(res.status, 200);
			assert.equal(res.headers.get('content-disposition'), `attachment; filename="${m[2]}"`);
			assert.equal(res.headers.get('content-type'), 'image/jpeg');
			const bytes = Buffer.from(await res.arrayBuffer());
			const sof = jpegSegments(bytes).find((s) => s.marker === 0xc0 || s.marker === 0xc2);
			assert.equal(sof.data.readUInt16BE(1), 1600, 'height');
			assert.equal(sof.data.readUInt16BE(3), 2400, 'width');
			assert.ok(!bytes.includes(Buffer.from(EXIF_MARK)), 'EXIF kept');
			assert.ok(!jpegSegments(bytes).some((s) => s.marker === 0xe1), 'an APP1 segment is left');
		}
		// Another name under the hash is not served; nor a wrong hash.
		assert.equal((await get(`/media/press/${'0'.repeat(64)}/x-press-photo.jpg`)).status, 404);
		const home = await live(`/${YEAR}/`, admin);
		assert.match(home.text, new RegExp(`<p class="cover"><img src="/media/${thumb}"`));
	});

	test('the cover can be removed: the edition shows none, the photo stays in the gallery', async () => {
		const [id] = await addPhotos(admin, YEAR, [{ filename: `cover-${tag}.jpg`, data: makeJpeg(800, 600) }],
			[{ alt: `Cover ${tag}`, caption: '', credit: '' }]);
		made.push(id);
		assert.equal((await admin.post(`${PHOTOS}/${id}/pick`, { as: 'cover' })).status, 303);
		const picked = await admin.page(PHOTOS);
		assert.match(picked.html, new RegExp(`action="${PHOTOS}/cover"`));
		assert.match((await live(`/${YEAR}/`, admin)).text, /<p class="cover">/);

		const r = await admin.post(`${PHOTOS}/cover`, {});
		assert.equal(r.status, 303, snippet(r.text));
		assert.equal(r.res.headers.get('location'), `${PHOTOS}?done=removed`);
		assert.equal(sql(`SELECT coalesce(cover_photo_id, 'none') FROM edition WHERE year = ${YEAR};`).trim(), 'none');
		assert.doesNotMatch((await live(`/${YEAR}/`, admin)).text, /<p class="cover">/);
		const after = await admin.page(`${PHOTOS}?done=removed`);
		assert.match(after.html, /none yet – pick one below with “Use as cover”/);
		assert.doesNotMatch(after.html, new RegExp(`action="${PHOTOS}/cover"`));
		assert.ok(galleryIds().includes(String(id)), 'the photo left the gallery');
		assert.equal(sql(`SELECT count(*) FROM audit WHERE action = 'update'
			AND object = 'edition ${YEAR}' AND detail = 'cover removed';`).trim() !== '0', true);
		// Without the session: refused, nothing changes.
		assert.equal((await admin.post(`${PHOTOS}/${id}/pick`, { as: 'cover' })).status, 303);
		const anon = await new Admin(acct).post(`${PHOTOS}/cover`, { csrf: "x" });
		assert.equal(anon.status, 403);
		assert.equal(sql(`SELECT cover_photo_id FROM edition WHERE year = ${YEAR};`).trim(), String(id));
	});

	test('press contact: edited in the site settings, shown on both press pages', async () => {
		const form = await admin.page('/admin/site');
		const fields = withFields(formFields(form.html, '/admin/site'),
			{ press_name: `Press Office ${tag}`, press_phone: '+49 89 123 456', press_email: `press-${tag}@example.org` });
		const r = await admin.post('/admin/site', fields);
		assert.equal(r.status, 303, snippet(r.text));
		for (const p of [`/${YEAR}/press`, `/de/${YEAR}/press`]) {
			const page = await live(p, admin);
			assert.ok(page.text.includes(`Press Office ${tag}`), p);
			assert.ok(page.text.includes(`href="mailto:press-${tag}@example.org"`), p);
			assert.ok(page.text.includes('href="tel:+4989123456"'), p);
			assert.match(page.text, p.startsWith('/de/') ? /Pressekontakt/ : /Press contact/);
		}
		const bad = await admin.post('/admin/site', withFields(fields, { press_email: 'no at sign' }));
		assert.equal(bad.status, 422);
	});

	test('Markdown tables in a press release become a table; raw HTML in a cell stays text', async () => {
		const form = await admin.page(`/admin/${YEAR}/press/en`);
		const fields = formFields(form.html, `/admin/${YEAR}/press/en`);
		const body = fields.find(([k]) => k === 'body_md')[1];
		const table = `\n\n| Session | Speaker |\n|---|---|\n| Keynote ${tag} | <b>Prof.</b> X |\n`;
		const r = await admin.post(`/admin/${YEAR}/press/en`, withFields(fields, { body_md: body + table }));
		assert.equal(r.status, 303, snippet(r.text));
		const page = await live(`/${YEAR}/press`, admin);
		assert.match(page.text, new RegExp(`<td>Keynote ${tag}</td>`));
		assert.ok(page.text.includes('<td>&lt;b&gt;Prof.&lt;/b&gt; X</td>'));
		const again = formFields((await admin.page(`/admin/${YEAR}/press/en`)).html, `/admin/${YEAR}/press/en`);
		const back = await admin.post(`/admin/${YEAR}/press/en`, withFields(again, { body_md: body }));
		assert.equal(back.status, 303);
	});
});
