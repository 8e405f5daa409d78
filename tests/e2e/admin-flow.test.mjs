// The admin's everyday work, end to end through nginx: log in, upload slides
// and photos, edit a press release, reorder, delete and restore, read the
// audit log, log out.  After each change the public pages show it at once
// (the public workers' render cache drops on PRAGMA data_version).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getBytes, tags, textOf, imageSize, pdfPages, sql, YEAR } from './lib.mjs';
import { Admin, account, skipReason, parseSetCookie, formFields, withFields, talksOf, galleryOf,
	uniq, snippet, live, eventually, COOKIE, MEDIA } from './admin-lib.mjs';
import { makePdf, makeJpeg, jpegSegments, sha256, EXIF_MARK } from './fixtures/files.mjs';

const skip = skipReason();
const PDF_PAGES = 3;

let admin;

// The public page, live (see live() in admin-lib.mjs).
async function publicPage(p) {
	const { res, text } = await live(p, admin);
	assert.equal(res.status, 200, `${p}: ${res.status}`);
	return text;
}

function expect303(r, where, what) {
	assert.equal(r.status, 303, `${what}: ${r.status} ${snippet(r.text)}`);
	assert.equal(r.location, where, `${what}: Location`);
}

// Every file under the media root, read whole (the site's media is small).
function mediaFiles(dir = MEDIA) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const f = path.join(dir, e.name);
		if (e.isDirectory())
			out.push(...mediaFiles(f));
		else if (e.isFile())
			out.push(f);
	}
	return out;
}

// What a served image must not carry: an Exif block, GPS tags, our camera.
function assertNoMetadata(bytes, what) {
	assert.equal(bytes.indexOf(Buffer.from('Exif\0\0', 'latin1')), -1, `${what}: has an Exif block`);
	assert.equal(bytes.indexOf(Buffer.from(EXIF_MARK, 'latin1')), -1, `${what}: has the camera name`);
	if (bytes[0] === 0xff && bytes[1] === 0xd8) {
		for (const s of jpegSegments(bytes)) {
			assert.notEqual(s.marker, 0xe1, `${what}: has an APP1 (Exif/XMP) segment`);
			assert.equal(s.data.indexOf(Buffer.from('GPS', 'latin1')), -1, `${what}: GPS in a header segment`);
		}
	}
}

describe('admin: the everyday flow', { skip: skip || false }, () => {
	admin = new Admin(skip ? null : account('flow'));
	const tag = uniq('');
	const talk = { title: `E2E flow slides ${tag}`, speakers: 'Dr. Erika Mustermann, Prof. Max Muster',
		affiliation: 'Example Institute, Munich' };
	const pdf = makePdf(PDF_PAGES, `E2E ${tag}`);
	const photos = [
		{ file: 'landscape.jpg', data: makeJpeg(640, 480), alt: `E2E landscape ${tag}`, w: 640, h: 480 },
		{ file: 'rotated.jpg', data: makeJpeg(640, 480, { exif: { orientation: 6, gps: true } }),
			alt: `E2E rotated ${tag}`, caption: `Turned by EXIF ${tag}`, credit: 'Own credit E2E', w: 480, h: 640 },
		{ file: 'decorative.jpg', data: makeJpeg(600, 400), decorative: true,
			caption: `E2E decorative ${tag}`, w: 600, h: 400 },
	];
	const defaultCredit = 'Fotorechte: E2E';
	const state = {};

	before(() => {
		state.auditBefore = Number(sql('SELECT count(*) FROM audit;').trim());
	});

	after(async () => {
		// Leave the demo as it was for the public tests that follow.
		if (state.pressOriginal && admin.sid)
			await admin.upload(`/admin/${YEAR}/press/de`, state.pressOriginal).catch(() => {});
	});

	test('log-in: 303 to /admin/ with a __Host- session cookie, Secure, HttpOnly, SameSite=Strict, Path=/', async () => {
		const r = await admin.login();
		expect303(r, '/admin/', 'POST /admin/login');
		const raw = r.cookies.find((c) => c.startsWith(`${COOKIE}=`));
		assert.ok(raw, `no ${COOKIE} cookie: ${JSON.stringify(r.cookies)}`);
		const c = parseSetCookie(raw);
		assert.equal(c.name, COOKIE);
		assert.match(c.value, /^[A-Za-z0-9_-]{43,}$/, 'the id is not 256 bits of url-safe text');
		assert.equal(c.attrs.secure, true, `Secure: ${raw}`);
		assert.equal(c.attrs.httponly, true, `HttpOnly: ${raw}`);
		assert.equal(c.attrs.samesite, 'Strict', `SameSite=Strict: ${raw}`);
		assert.equal(c.attrs.path, '/', `Path=/: ${raw}`);
		assert.equal(c.attrs.domain, undefined, `a __Host- cookie has no Domain: ${raw}`);
		assert.equal(r.res.headers.get('cache-control'), 'no-store');
	});

	test('a second log-in gives a new id and ends the session it was sent with', async () => {
		const old = admin.sid;
		const r = await admin.login();
		expect303(r, '/admin/', 'second log-in');
		assert.notEqual(admin.sid, old, 'the session id did not change');
		const stale = new Admin(admin.acct);
		stale.sid = old;
		const g = await stale.get('/admin/');
		assert.equal(g.status, 303, `the replaced session still works: ${g.status}`);
		assert.equal(g.location, '/admin/login');
	});

	test('dashboard: every edition, no-store, noindex, a logout form', async () => {
		const p = await admin.page('/admin/');
		assert.equal(p.res.headers.get('cache-control'), 'no-store');
		assert.match(p.res.headers.get('content-type') || '', /^text\/html;\s*charset=utf-8$/i);
		assert.ok(tags(p.html, 'meta').some((m) => m.attrs.name === 'robots' && /noindex/.test(m.attrs.content || '')),
			'no <meta name="robots" content="noindex">');
		const hrefs = tags(p.html, 'a').map((a) => a.attrs.href);
		for (const y of [2019, 2021, 2023, 2024])
			assert.ok(hrefs.includes(`/admin/${y}/`), `no link to /admin/${y}/`);
		assert.ok(tags(p.html, 'form').some((f) => f.attrs.action === '/admin/logout'), 'no logout form');
		assert.ok(admin.csrf && admin.csrf.length >= 16, 'no csrf token on the dashboard');
	});

	test(`upload a ${PDF_PAGES}-page PDF: listed publicly as "PDF, size, ${PDF_PAGES} pages", same bytes`, async () => {
		const before = talksOf(await publicPage(`/${YEAR}/presentations`));
		// Where this talk's audit rows begin: a purge in an earlier test frees
		// an id that SQLite may give to this talk, with older rows naming it.
		state.auditFrom = Number(sql('SELECT coalesce(max(id), 0) FROM audit;').trim());
		const r = await admin.upload(`/admin/${YEAR}/presentations`, talk,
			[{ name: 'file', filename: 'slides.pdf', type: 'application/pdf', data: pdf }]);
		expect303(r, `/admin/${YEAR}/presentations?done=added`, 'POST presentations');
		const row = sql(`SELECT p.id, p.slug FROM presentation p JOIN edition e ON e.id = p.edition_id ` +
			`WHERE e.year = ${YEAR} AND p.title = '${talk.title}';`).trim();
		assert.match(row, /^\d+\|[a-z0-9-]+$/, `no presentation row: ${row}`);
		const [id, slug] = row.split('|');
		state.talkId = id;
		state.slug = slug;
		assert.ok(slug.length <= 60, `slug over 60: ${slug}`);

		const list = await admin.page(`/admin/${YEAR}/presentations`);
		assert.ok(list.words.includes(talk.title), 'the admin list lacks the new talk');
		assert.ok(tags(list.html, 'a').some((a) => a.attrs.href === `/admin/${YEAR}/presentations/${id}`),
			'no edit link for the new talk');

		const after = talksOf(await publicPage(`/${YEAR}/presentations`));
		assert.equal(after.length, before.length + 1, 'public list did not grow by one');
		const t = after.at(-1);
		assert.equal(t.title, talk.title, 'the new talk is not last');
		assert.equal(t.speakers, talk.speakers);
		assert.equal(t.affiliation, talk.affiliation);
		assert.equal(t.href, `/media/talks/${YEAR}-${slug}.pdf`);
		const m = /^PDF,\s*[\d.]+\s*(bytes?|kB|KB|MB),\s*(\d+)\s*pages?$/.exec(t.label);
		assert.ok(m, `label: "${t.label}"`);
		assert.equal(Number(m[2]), PDF_PAGES, `label: "${t.label}"`);
		const dl = await getBytes(t.href);
		assert.equal(dl.res.status, 200, `${t.href}: ${dl.res.status}`);
		assert.equal(dl.res.headers.get('content-type'), 'application/pdf');
		assert.ok(dl.bytes.equals(pdf), `${t.href}: not the uploaded bytes`);
		assert.equal(pdfPages(dl.bytes), PDF_PAGES);
		// Visitors without the cookie get it once nginx's one-second copy expires.
		await eventually(`/${YEAR}/presentations`, (res, text) => res.status === 200 && text.includes(talk.title),
			'the uploaded talk');
		// Stored under its content hash.
		const h = sha256(pdf);
		assert.ok(fs.existsSync(path.join(MEDIA, h.slice(0, 2), `${h}.pdf`)), 'no media/ab/<sha256>.pdf');
	});

	test('upload three photos in one form, describe them in one submit: in the gallery with real sizes, EXIF rotation applied, no metadata served', async () => {
		const files = photos.map((p) => ({ name: 'file', filename: p.file, type: 'image/jpeg', data: p.data }));
		const r = await admin.upload(`/admin/${YEAR}/photos`, {}, files);
		expect303(r, `/admin/${YEAR}/photos/describe?done=added`, 'POST photos');
		const fields = [['credit_all', defaultCredit]];
		for (const p of photos) {
			const id = sql(`SELECT max(id) FROM photo_draft WHERE name = '${p.file}';`).trim();
			assert.match(id, /^\d+$/, `${p.file} does not wait to describe`);
			fields.push(['id', id], [`alt_${id}`, p.alt || ''], [`caption_${id}`, p.caption || ''],
				[`credit_${id}`, p.credit || '']);
			if (p.decorative)
				fields.push([`decorative_${id}`, '1']);
		}
		const d = await admin.post(`/admin/${YEAR}/photos/describe`, fields);
		assert.equal(d.status, 303, `describe: ${d.status} ${snippet(d.text)}`);

		const gallery = await galleryOf(YEAR, admin);
		const found = photos.map((p) => gallery.find((g) => p.decorative
			? g.caption.includes(p.caption) : g.alt === p.alt));
		found.forEach((g, i) => assert.ok(g, `photo ${photos[i].file} not in the public gallery`));
		state.photoIds = sql(`SELECT id FROM photo WHERE alt IN ('${photos[0].alt}', '${photos[1].alt}') ` +
			`OR caption = '${photos[2].caption}';`).trim().split('\n').filter(Boolean);
		assert.equal(state.photoIds.length, 3, 'not three photo rows');

		for (const [i, g] of found.entries()) {
			const p = photos[i];
			assert.equal(g.loading, 'lazy');
			if (p.decorative)
				assert.equal(g.alt, '', 'a decorative photo has alt=""');
			assert.ok(g.caption.includes(p.credit || defaultCredit), `${p.file}: credit "${g.caption}"`);
			if (p.caption)
				assert.ok(g.caption.includes(p.caption), `${p.file}: caption "${g.caption}"`);
			const thumb = await getBytes(g.src);
			assert.equal(thumb.res.status, 200, g.src);
			const ts = imageSize(thumb.bytes);
			assert.equal(Number(g.width), ts.width, `${p.file}: width attribute`);
			assert.equal(Number(g.height), ts.height, `${p.file}: height attribute`);
			// The link leads to the photo's own page; its large size is the
			// photo's web file.
			const large = /^\/media\//.test(g.href) ? g.href : `/media/${sql(`SELECT m.path FROM photo f
				JOIN media m ON m.id = f.web_id WHERE f.id = ${Number(g.href.split('/').pop())};`).trim()}`;
			const web = await getBytes(large);
			assert.equal(web.res.status, 200, large);
			const ws = imageSize(web.bytes);
			// The shape of the photo as seen (EXIF orientation 6 turns 640x480 upright to 480x640).
			for (const [s, which] of [[ts, 'thumbnail'], [ws, 'web size']]) {
				assert.equal(s.width > s.height, p.w > p.h,
					`${p.file}: ${which} is ${s.width}x${s.height}, expected the shape of ${p.w}x${p.h}`);
				assert.ok(Math.abs(s.width / s.height - p.w / p.h) < 0.05,
					`${p.file}: ${which} ${s.width}x${s.height} lost the ${p.w}:${p.h} ratio`);
			}
			assertNoMetadata(thumb.bytes, g.src);
			assertNoMetadata(web.bytes, large);
		}
		// Nothing under media/ keeps the original bytes or its metadata.
		const originals = new Set(photos.map((p) => sha256(p.data)));
		for (const f of mediaFiles()) {
			const b = fs.readFileSync(f);
			assert.ok(!originals.has(sha256(b)), `${f} is an uploaded original, not re-encoded`);
			assert.equal(b.indexOf(Buffer.from(EXIF_MARK, 'latin1')), -1, `${f} keeps the EXIF of an upload`);
		}
	});

	test('edit the German press release: the new text is on /de/YEAR/press at once', async () => {
		const paragraphs = (html) => [...html.matchAll(/<p\b[^>]*>[\s\S]*?<\/p>/g)].map((m) => m[0]);
		const beforePs = paragraphs(await publicPage(`/de/${YEAR}/press`));
		const form = await admin.page(`/admin/${YEAR}/press/de`);
		const fields = formFields(form.html, `/admin/${YEAR}/press/de`);
		state.pressOriginal = fields;
		const body = fields.find(([k]) => k === 'body_md');
		assert.ok(body && body[1].length > 100, 'the form does not show the current body_md');
		const marker = `E2E-Absatz ${tag}: Änderung über Straße und Größe.`;
		const r = await admin.upload(`/admin/${YEAR}/press/de`,
			withFields(fields, { body_md: `${body[1].trimEnd()}\n\n${marker}\n` }));
		expect303(r, `/admin/${YEAR}/press/de?done=published`, 'POST press/de');

		const html = await publicPage(`/de/${YEAR}/press`);
		assert.ok(html.includes(`<p>${marker}</p>`), `/de/${YEAR}/press lacks the new paragraph`);
		for (const p of beforePs)
			assert.ok(html.includes(p), `a paragraph of the release changed or went missing: ${p.slice(0, 120)}`);
		const again = await admin.page(`/admin/${YEAR}/press/de`);
		const kept = formFields(again.html, `/admin/${YEAR}/press/de`).find(([k]) => k === 'body_md');
		assert.ok(kept[1].includes(marker), 'the form does not show the saved text');
	});

	test('reorder: move up and down, the public order follows', async () => {
		assert.ok(state.talkId, 'needs the uploaded talk');
		const titles = async () => talksOf(await publicPage(`/${YEAR}/presentations`)).map((t) => t.title);
		const start = await titles();
		const i = start.indexOf(talk.title);
		assert.equal(i, start.length - 1, 'the new talk is not last');
		assert.ok(i > 0, 'needs a talk before the new one');
		const move = (dir) => admin.post(`/admin/${YEAR}/presentations/${state.talkId}/move`, { dir });

		expect303(await move('up'), `/admin/${YEAR}/presentations?done=moved`, 'move up');
		const up = await titles();
		assert.deepEqual(up, [...start.slice(0, i - 1), talk.title, start[i - 1]], 'order after move up');

		expect303(await move('down'), `/admin/${YEAR}/presentations?done=moved`, 'move down');
		assert.deepEqual(await titles(), start, 'order after move down');

		// At the bottom: still 303, nothing moves.
		expect303(await move('down'), `/admin/${YEAR}/presentations?done=moved`, 'move down at the bottom');
		assert.deepEqual(await titles(), start, 'order after a move past the end');
	});

	test('delete: gone publicly, in the trash, 404 in the admin; restore: back at its place (the end)', async () => {
		assert.ok(state.talkId, 'needs the uploaded talk');
		const id = state.talkId;
		const r = await admin.post(`/admin/${YEAR}/presentations/${id}/delete`, {});
		expect303(r, `/admin/${YEAR}/presentations?done=deleted&undo=presentation-${id}`, 'delete');
		const gone = await publicPage(`/${YEAR}/presentations`);
		assert.ok(!textOf(gone).includes(talk.title), 'the deleted talk is still listed');
		assert.ok(!gone.includes(`/media/talks/${YEAR}-${state.slug}.pdf`), 'the deleted talk is still linked');
		assert.equal((await admin.get(`/admin/${YEAR}/presentations/${id}`)).status, 404,
			'the edit form of a talk in the trash');

		const trash = await admin.page('/admin/trash');
		assert.ok(trash.words.includes(talk.title), 'the trash does not list the talk');
		const action = `/admin/trash/presentation/${id}/restore`;
		assert.ok(tags(trash.html, 'form').some((f) => f.attrs.action === action), `no form for ${action}`);

		expect303(await admin.post(action, {}), '/admin/trash?done=restored', 'restore');
		const back = talksOf(await publicPage(`/${YEAR}/presentations`));
		assert.equal(back.at(-1).title, talk.title, 'the restored talk is not back at the end');
		assert.equal(back.at(-1).href, `/media/talks/${YEAR}-${state.slug}.pdf`);
		const dl = await getBytes(back.at(-1).href);
		assert.ok(dl.res.status === 200 && dl.bytes.equals(pdf), 'the restored talk\'s PDF');
		const trash2 = await admin.page('/admin/trash');
		assert.ok(!trash2.words.includes(talk.title), 'the restored talk is still in the trash');
	});

	test('audit log: the changes, by whom', async () => {
		assert.ok(state.talkId, 'needs the uploaded talk');
		const p = await admin.page('/admin/audit');
		const rows = [...p.html.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1]).trim());
		const mine = rows.filter((r) => new RegExp(`\\bpresentation ${state.talkId}\\b`).test(r));
		// create, move up, move down, delete, restore (the no-op move may or may not count).
		assert.ok(mine.length >= 5, `${mine.length} audit rows for presentation ${state.talkId}:\n${mine.join('\n')}`);
		for (const word of ['delete', 'restore'])
			assert.ok(mine.some((r) => r.toLowerCase().includes(word)), `no "${word}" row`);
		assert.ok(mine.some((r) => r.includes(admin.acct.name)), 'no row with the admin\'s name');
		const strangers = sql(`SELECT count(*) FROM audit WHERE object = 'presentation ${state.talkId}' ` +
			`AND id > ${state.auditFrom} AND admin <> '${admin.acct.name}';`).trim();
		assert.equal(strangers, '0', 'this talk\'s rows name another admin');
		// One upload form is one change: a row for it, however many photos it held.
		assert.ok(rows.some((r) => /\b(photo|photos|gallery)\b/i.test(r) && r.includes(admin.acct.name)),
			'no audit row for the photo upload');
		assert.ok(rows.some((r) => /press/i.test(r) && r.includes(admin.acct.name)), 'no audit row for the press release');
		const total = Number(sql('SELECT count(*) FROM audit;').trim());
		assert.ok(total - state.auditBefore >= 9, `only ${total - state.auditBefore} audit rows were added`);
	});

	test('clean-up through the admin: photos and the talk to the trash, the press release restored', async () => {
		for (const id of state.photoIds || [])
			expect303(await admin.post(`/admin/${YEAR}/photos/${id}/delete`, {}), `/admin/${YEAR}/photos?done=deleted&undo=photo-${id}`, `delete photo ${id}`);
		const gallery = await galleryOf(YEAR, admin);
		for (const p of photos)
			assert.ok(!gallery.some((g) => (p.alt && g.alt === p.alt) || (p.caption && g.caption.includes(p.caption))),
				`${p.file} is still in the gallery after delete`);
		if (state.talkId)
			expect303(await admin.post(`/admin/${YEAR}/presentations/${state.talkId}/delete`, {}),
				`/admin/${YEAR}/presentations?done=deleted&undo=presentation-${state.talkId}`, 'delete the talk');
		if (state.pressOriginal) {
			// The original form is older than the edit: without its version
			// the restore overwrites knowingly (a stale version is a 409).
			expect303(await admin.upload(`/admin/${YEAR}/press/de`,
				state.pressOriginal.filter(([k]) => k !== 'version')),
				`/admin/${YEAR}/press/de?done=published`, 'restore press/de');
			state.pressOriginal = null;
			assert.ok(!(await publicPage(`/de/${YEAR}/press`)).includes('E2E-Absatz'), 'press/de not restored');
		}
	});

	test('log-out: 303 to the log-in, cookie cleared, the old cookie no longer works', async () => {
		const sessions = Number(sql('SELECT count(*) FROM session;').trim());
		const old = { sid: admin.sid, csrf: admin.csrf };
		const r = await admin.post('/admin/logout', {});
		expect303(r, '/admin/login?done=loggedout', 'logout');
		const c = parseSetCookie(r.cookies.find((s) => s.startsWith(`${COOKIE}=`)) || '');
		assert.ok(c, 'logout sets no cookie');
		assert.equal(c.value, '', 'logout does not clear the cookie');
		assert.ok(c.attrs['max-age'] === '0' || (c.attrs.expires && Date.parse(c.attrs.expires) < Date.now()),
			'the clearing cookie does not expire');
		assert.equal(Number(sql('SELECT count(*) FROM session;').trim()), sessions - 1, 'the session row is still there');

		const stale = new Admin(admin.acct);
		Object.assign(stale, old);
		const g = await stale.get('/admin/');
		assert.equal(g.status, 303, `GET /admin/ with the old cookie: ${g.status}`);
		assert.equal(g.location, '/admin/login');
		const p = await stale.post(`/admin/${YEAR}/videos`,
			{ title: 'after logout', url: 'https://youtu.be/dQw4w9WgXcQ' });
		assert.equal(p.status, 403, `POST with the old cookie: ${p.status}`);
		admin.sid = null;
	});
});
