// Bad input to the admin, through nginx: forged or session-less POSTs,
// expired sessions, bodies too large or malformed in every way we could
// think of, files that lie about what they are, hostile file names.  After
// each refusal: the right 4xx, the site and the admin still answer, no row
// and no file changed anywhere in VARDIR, media/tmp is empty.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sql, YEAR, VARDIR } from './lib.mjs';
import { Admin, account, skipReason, snapshot, assertUnchanged, assertAlive, urlencoded,
	newBoundary, rawExchange, hostHeader, snippet, formFields, withFields, parseSetCookie, varTree,
	tmpFiles, ORIGIN, COOKIE, MEDIA, ADMIN_BODY_MAX, URLENCODED_MAX, UPLOAD_IMAGE_MAX } from './admin-lib.mjs';
import { makePdf, makePng, makePngBomb, makeJpeg, sha256 } from './fixtures/files.mjs';

const skip = skipReason();
const TALKS = `/admin/${YEAR}/presentations`;
const PHOTOS = `/admin/${YEAR}/photos`;
const VIDEOS = `/admin/${YEAR}/videos`;
const VIDEO_URL = 'https://youtu.be/dQw4w9WgXcQ';

describe('admin: bad input', { skip: skip || false }, () => {
	const admin = new Admin(skip ? null : account('bad'));
	const pdf = makePdf(2, 'bad input');
	const jpeg = skip ? null : makeJpeg(320, 240);
	const png = makePng(64, 48);

	before(async () => {
		await admin.loginOk();
		await admin.ensureCsrf();
	});

	// Send, then check the status and that nothing changed.
	async function refused(what, send, statuses) {
		const before = snapshot();
		const r = await send();
		assert.ok(statuses.includes(r.status),
			`${what}: expected ${statuses.join(' or ')}, got ${r.status}: ${snippet(r.text)}`);
		assertUnchanged(before, what);
		await assertAlive(admin, what);
		return r;
	}

	const videoFields = () => ({ csrf: admin.csrf, title: 'E2E refused video', url: VIDEO_URL });
	const talkFields = () => ({ csrf: admin.csrf, title: 'E2E refused talk', speakers: 'Nobody' });
	const pdfFile = (filename = 'refused.pdf', data = pdf) =>
		({ name: 'file', filename, type: 'application/pdf', data });

	describe('controls: the same requests done right are accepted', () => {
		test('a video by urlencoded POST: 303, then deleted', async () => {
			const r = await admin.post(VIDEOS, { title: 'E2E control video', url: VIDEO_URL });
			assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
			const id = sql("SELECT id FROM video WHERE title = 'E2E control video' AND deleted_at IS NULL;").trim();
			assert.match(id, /^\d+$/);
			assert.equal((await admin.post(`${VIDEOS}/${id}/delete`, {})).status, 303);
		});

		test('a talk by multipart POST: 303, then deleted', async () => {
			const r = await admin.upload(TALKS, { title: 'E2E control talk', speakers: 'Control' }, [pdfFile('control.pdf')]);
			assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
			const id = sql("SELECT id FROM presentation WHERE title = 'E2E control talk' AND deleted_at IS NULL;").trim();
			assert.match(id, /^\d+$/);
			assert.equal((await admin.post(`${TALKS}/${id}/delete`, {})).status, 303);
		});
	});

	describe('origin, CSRF token, session', () => {
		const cases = [
			['no csrf field', () => { const { csrf, ...f } = videoFields(); return admin.post(VIDEOS, f, { csrf: false }); }],
			['a wrong csrf token', () => admin.post(VIDEOS, { ...videoFields(), csrf: 'x'.repeat(admin.csrf.length) })],
			['an empty csrf token', () => admin.post(VIDEOS, { ...videoFields(), csrf: '' })],
			['a foreign Origin', () => admin.post(VIDEOS, videoFields(), { origin: 'http://evil.example' })],
			['Origin "null"', () => admin.post(VIDEOS, videoFields(), { origin: 'null' })],
			['the Origin with another port', () => {
				const u = new URL(ORIGIN);
				u.port = String(Number(u.port || 80) + 1);
				return admin.post(VIDEOS, videoFields(), { origin: u.origin });
			}],
			['the Origin with https', () => admin.post(VIDEOS, videoFields(), { origin: ORIGIN.replace(/^http:/, 'https:') })],
			['neither Origin nor Sec-Fetch-Site', () => admin.post(VIDEOS, videoFields(), { origin: null })],
			['Sec-Fetch-Site: cross-site (right Origin)', () => admin.post(VIDEOS, videoFields(), { site: 'cross-site' })],
			['Sec-Fetch-Site: same-site (right Origin)', () => admin.post(VIDEOS, videoFields(), { site: 'same-site' })],
			['Sec-Fetch-Site: none (right Origin)', () => admin.post(VIDEOS, videoFields(), { site: 'none' })],
			['no session cookie', () => admin.post(VIDEOS, videoFields(), { cookie: false })],
			['a made-up session cookie', () => admin.post(VIDEOS, videoFields(),
				{ cookie: false, headers: { Cookie: `${COOKIE}=${'A'.repeat(43)}` } })],
			['multipart with a foreign Origin', () => admin.upload(TALKS, talkFields(), [pdfFile()], { origin: 'http://evil.example' })],
			['multipart with a wrong csrf token', () => admin.upload(TALKS, { ...talkFields(), csrf: 'wrong' }, [pdfFile()])],
			['multipart without a session', () => admin.upload(TALKS, talkFields(), [pdfFile()], { cookie: false })],
		];
		for (const [what, send] of cases)
			test(`${what} → 403, nothing changed`, () => refused(what, send, [403]));

		test('the csrf token of another session → 403', async () => {
			const other = new Admin(admin.acct);
			await other.loginOk();
			await other.ensureCsrf();
			assert.notEqual(other.csrf, admin.csrf, 'two sessions share a csrf token');
			await refused('foreign token', () => admin.post(VIDEOS, { ...videoFields(), csrf: other.csrf }), [403]);
		});

		test('log-in from a foreign Origin → 403, no session made', async () => {
			const sessions = Number(sql('SELECT count(*) FROM session;').trim());
			const c = new Admin(admin.acct);
			await refused('foreign-origin log-in', () => c.login(undefined, undefined, { origin: 'http://evil.example' }), [403]);
			assert.equal(c.sid, null);
			assert.equal(Number(sql('SELECT count(*) FROM session;').trim()), sessions, 'a session row was added');
		});

		test('without a session: GET → 303 to the log-in, POST → 403', async () => {
			const anon = new Admin(null);
			for (const p of ['/admin/', `/admin/${YEAR}/`, TALKS, '/admin/audit', '/admin/trash']) {
				const r = await anon.get(p);
				assert.equal(r.status, 303, `GET ${p}: ${r.status}`);
				// Back to the page asked for after the log-in (no `next` for the dashboard).
				assert.equal(r.location, p === '/admin/' ? '/admin/login' :
					`/admin/login?next=${encodeURIComponent(p).replace(/%2F/g, '/')}`, `GET ${p}: Location`);
			}
			await refused('anonymous logout', () => anon.post('/admin/logout', { csrf: 'x' }), [403]);
		});

		// Ages the newest session (this test's own log-in) in the database.
		async function expiredSession(update) {
			const s = new Admin(admin.acct);
			await s.loginOk();
			await s.ensureCsrf();
			sql(`UPDATE session SET ${update} WHERE rowid = (SELECT max(rowid) FROM session);`);
			return s;
		}

		for (const [what, update] of [
			['idle over 30 minutes', 'seen_at = seen_at - 31 * 60, created_at = created_at - 31 * 60'],
			['older than 12 hours', 'created_at = created_at - 13 * 3600'],
		]) {
			test(`a session ${what}: GET → 303 to the log-in with the cookie cleared, POST → 403`, async () => {
				const s = await expiredSession(update);
				const g = await s.get('/admin/');
				assert.equal(g.status, 303, `GET /admin/: ${g.status}`);
				assert.equal(g.location, '/admin/login');
				const c = parseSetCookie(g.cookies.find((x) => x.startsWith(`${COOKIE}=`)) || '');
				assert.ok(c && c.value === '', `the stale cookie is not cleared: ${JSON.stringify(g.cookies)}`);
				const s2 = await expiredSession(update);
				await refused(`POST with a session ${what}`, () => s2.post(VIDEOS, { title: 'x', url: VIDEO_URL }), [403]);
			});
		}
	});

	describe('methods', () => {
		test('POST to a GET-only route → 405 with Allow, PUT/DELETE → 405', async () => {
			const r = await refused('POST /admin/audit', () => admin.post('/admin/audit', {}), [405]);
			assert.match(r.res.headers.get('allow') || '', /^GET, HEAD$/);
			for (const m of ['PUT', 'DELETE', 'PATCH']) {
				const x = await refused(`${m} ${VIDEOS}`, () => admin.request(m, VIDEOS,
					{ ...urlencoded(videoFields()), type: 'application/x-www-form-urlencoded' }), [405]);
				assert.ok(x.res.headers.get('allow'), `${m}: no Allow`);
			}
			const g = await refused(`GET ${TALKS}/1/move`, () => admin.get(`${TALKS}/1/move`), [405, 404]);
			if (g.status === 405)
				assert.match(g.res.headers.get('allow') || '', /^POST$/);
		});
	});

	describe('sizes and types', () => {
		const head = (target, extra) => [`POST ${target} HTTP/1.1`, `Host: ${hostHeader()}`, `Origin: ${ORIGIN}`,
			`Cookie: ${COOKIE}=${admin.sid}`, 'Connection: close', ...extra].join('\r\n');

		test('Content-Length above ADMIN_BODY_MAX → 413 (nginx or the program)', async () => {
			const r = await refused('huge Content-Length', () => rawExchange(head(TALKS,
				[`Content-Type: multipart/form-data; boundary=${newBoundary()}`, `Content-Length: ${ADMIN_BODY_MAX + 1}`]),
				Buffer.alloc(0), { timeout: 10000 }), [413]);
			assert.equal(r.status, 413);
		});

		test('no Content-Length → 411', async () => {
			await refused('no Content-Length', () => rawExchange(head(VIDEOS,
				['Content-Type: application/x-www-form-urlencoded'])), [411]);
		});

		test(`urlencoded body over ${URLENCODED_MAX} bytes → 413`, async () => {
			await refused('urlencoded too large', () => admin.post(VIDEOS,
				{ ...videoFields(), pad: 'a'.repeat(URLENCODED_MAX) }), [413]);
		});

		test('Content-Type text/plain and application/json → 415', async () => {
			await refused('text/plain', () => admin.request('POST', VIDEOS,
				{ body: `csrf=${admin.csrf}&title=x&url=${VIDEO_URL}`, type: 'text/plain' }), [415]);
			await refused('json', () => admin.request('POST', VIDEOS,
				{ body: JSON.stringify(videoFields()), type: 'application/json' }), [415]);
		});

		test(`a photo over ${UPLOAD_IMAGE_MAX} bytes → 413 with the form, nothing saved`, async () => {
			const big = Buffer.concat([jpeg, Buffer.alloc(UPLOAD_IMAGE_MAX + 1 - jpeg.length)]);
			const r = await refused('photo too large', () => admin.upload(PHOTOS, { one: '1' },
				[{ name: 'file', filename: 'big.jpg', type: 'image/jpeg', data: big }], { timeout: 60000 }), [413]);
			assert.equal(r.text.trim(), 'big.jpg: larger than 30 MB.');
		});
	});

	describe('files that are not what they say', () => {
		test('a PNG named .pdf → 422 naming the file', async () => {
			const r = await refused('png as pdf', () => admin.upload(TALKS, talkFields(),
				[pdfFile('picture.pdf', png)]), [422]);
			assert.match(r.text, /picture\.pdf/);
			assert.ok(r.text.includes('E2E refused talk'), 'the typed title is not kept');
		});

		test('"%PDF-" followed by garbage → 422', async () => {
			const fake = Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(200) + '\n%%EOF\n');
			await refused('fake pdf', () => admin.upload(TALKS, talkFields(), [pdfFile('fake.pdf', fake)]), [422]);
		});

		test('a PDF cut in half → 422', async () => {
			const big = makePdf(5, 'cut');
			await refused('truncated pdf', () => admin.upload(TALKS, talkFields(),
				[pdfFile('cut.pdf', big.subarray(0, big.length >> 1))]), [422]);
		});

		test('a 62-byte PDF claiming 99,999 pages → 422', async () => {
			const claim = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Pages/Count 99999>>endobj\n%%EOF\n\n\n\n\n\n\n');
			assert.equal(claim.length, 62);
			await refused('page-count lie', () => admin.upload(TALKS, talkFields(),
				[pdfFile('claims.pdf', claim)]), [422]);
		});

		// Slides are served from the site's own origin: a PDF that runs
		// JavaScript or carries files or actions is refused, the form kept.
		const TREE = '2 0 obj << /Type/Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
			'3 0 obj << /Type/Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n';
		const activePdfs = [
			['OpenAction JavaScript', '1 0 obj << /Type/Catalog /Pages 2 0 R /OpenAction 4 0 R >> endobj\n' + TREE +
				'4 0 obj << /S/JavaScript /JS (app.alert(1)) >> endobj\n'],
			['embedded files', '1 0 obj << /Type/Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> >> endobj\n' + TREE],
			['a Launch action', '1 0 obj << /Type/Catalog /Pages 2 0 R /OpenAction << /S/Launch /F (x.exe) >> >> endobj\n' + TREE],
			['XFA forms', '1 0 obj << /Type/Catalog /Pages 2 0 R /AcroForm << /XFA 6 0 R >> >> endobj\n' + TREE],
		];
		for (const [what, body] of activePdfs) {
			test(`a PDF with ${what} → 422 saying why, the form kept`, async () => {
				const file = Buffer.from('%PDF-1.4\n' + body + '%%EOF\n');
				const r = await refused(what, () => admin.upload(TALKS, talkFields(),
					[pdfFile('active.pdf', file)]), [422]);
				assert.match(r.text, /active content/);
				assert.ok(r.text.includes('E2E refused talk'), 'the typed title is not kept');
			});
		}

		test('an HTML file named .jpg → 422 naming the file, the form again', async () => {
			const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
			const r = await refused('html as jpg', () => admin.upload(PHOTOS, {},
				[{ name: 'file', filename: 'holiday.jpg', type: 'image/jpeg', data: html }]), [422]);
			assert.ok(r.text.includes('holiday.jpg: not a JPEG or PNG image.'));
			assert.ok(formFields(r.text, PHOTOS).some(([k]) => k === 'csrf'), 'the upload form is not shown again');
		});

		test('a truncated JPEG → 422', async () => {
			await refused('truncated jpeg', () => admin.upload(PHOTOS, { one: '1' },
				[{ name: 'file', filename: 'cut.jpg', type: 'image/jpeg', data: jpeg.subarray(0, jpeg.length >> 1) }]), [422]);
		});

		test('a 20000x20000 PNG bomb → 422, quickly', async () => {
			const t0 = Date.now();
			const r = await refused('png bomb', () => admin.upload(PHOTOS, { one: '1' },
				[{ name: 'file', filename: 'bomb.png', type: 'image/png', data: makePngBomb() }]), [422]);
			assert.match(r.text, /bomb\.png/);
			assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0} ms`);
		});

		test('a photo among several is refused alone: the good one waits to describe, nothing else changes', async () => {
			const before = sql('SELECT count(*) FROM photo_draft;').trim();
			const r = await admin.upload(PHOTOS, {}, [{ name: 'file', filename: 'good.jpg', type: 'image/jpeg', data: jpeg },
				{ name: 'file', filename: 'bad.jpg', type: 'image/jpeg', data: Buffer.from('not an image') }]);
			assert.equal(r.status, 200, snippet(r.text));
			assert.ok(r.text.includes('bad.jpg: not a JPEG or PNG image.'));
			assert.equal(Number(sql('SELECT count(*) FROM photo_draft;').trim()), Number(before) + 1);
			const id = sql("SELECT max(id) FROM photo_draft WHERE name = 'good.jpg';").trim();
			const d = await admin.post(`${PHOTOS}/describe`, [['id', id], [`discard_${id}`, '1']]);
			assert.equal(d.status, 303);
			assert.deepEqual(tmpFiles(), []);
		});

		test('the photo form with no file → 422', async () => {
			await refused('no file', () => admin.upload(PHOTOS, {}, []), [422]);
		});

		test('a talk without a title → 422 (the file is not kept)', async () => {
			await refused('no title', () => admin.upload(TALKS, { ...talkFields(), title: '  ' }, [pdfFile()]), [422]);
		});

		test('the press form takes no file (the photo is picked in the gallery): refused, the release unchanged', async () => {
			const form = await admin.page(`/admin/${YEAR}/press/en`);
			const fields = formFields(form.html, `/admin/${YEAR}/press/en`);
			await refused('file in the press form', () => admin.upload(`/admin/${YEAR}/press/en`, fields,
				[{ name: 'photo', filename: 'press.png', type: 'image/png', data: Buffer.from('<svg onload=alert(1)>') }]), [400]);
		});

		test('video URLs that are no YouTube or Vimeo address → 422', async () => {
			for (const u of ['https://evil.example/watch?v=dQw4w9WgXcQ',
				'https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=x', 'https://youtu.be/dQw4w9WgXcQ?t=1m30',
				'javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ', 'https://youtu.be/short',
				'https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ', 'https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ',
				'https://www.youtube.com/', 'https://vimeo.com/about', 'javascript:alert(1)'])
				await refused(`video ${u}`, () => admin.post(VIDEOS, { title: 'bad url', url: u }), [422]);
		});

		test('bad dates and an existing year → 422', async () => {
			const form = await admin.page(`/admin/${YEAR}/`);
			const fields = formFields(form.html, `/admin/${YEAR}/`);
			await refused('2023-02-30', () => admin.post(`/admin/${YEAR}/`, withFields(fields, { starts: '2023-02-30' })), [422]);
			await refused('ends before starts', () => admin.post(`/admin/${YEAR}/`,
				withFields(fields, { starts: '2023-12-05', ends: '2023-12-04' })), [422]);
			await refused('year exists', () => admin.post('/admin/editions/new', { year: String(YEAR), title: 'dup' }), [422]);
		});

		test('a one-line field over 300 bytes and a newline in it → 422', async () => {
			await refused('301 bytes', () => admin.post(VIDEOS, { title: 'x'.repeat(301), url: VIDEO_URL }), [422]);
			await refused('newline', () => admin.post(VIDEOS, { title: 'two\nlines', url: VIDEO_URL }), [422]);
		});
	});

	describe('hostile file names are never used as paths', () => {
		for (const [form, filename, file, kind] of [
			[TALKS, '../../etc/passwd.pdf', () => makePdf(1, 'traversal'), 'presentation'],
			[PHOTOS, '..\\..\\x.jpg', () => makeJpeg(200, 150), 'photo'],
			[TALKS, '/tmp/e2e-abs.pdf', () => makePdf(1, 'absolute'), 'presentation'],
		]) {
			test(`"${filename}": saved under its hash only, nothing outside media/`, async () => {
				const data = file();
				const base = path.basename(filename.replace(/\\/g, '/'));
				const before = varTree();
				const fields = kind === 'photo' ? {} : { title: `E2E traversal ${base}`, speakers: 'X' };
				const name = 'file';
				const r = await admin.upload(form, fields, [{ name, filename, type: 'application/octet-stream', data }]);
				assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
				const added = varTree().filter((f) => !before.includes(f));
				for (const f of added)
					assert.match(f, /^media\/([0-9a-f]{2}\/|[0-9a-f]{2}\/[0-9a-f]{64}\.(pdf|jpg|jpeg|png|webp|avif) \(\d+\)|talks\/\d{4}-[a-z0-9-]+\.pdf -> .*|talks\/\d{4}-slides\.zip \(\d+\))$/,
						`a file not named by its hash: ${f}`);
				assert.ok(added.length > 0, 'nothing was stored');
				assert.ok(!varTree().some((f) => f.includes(base)), `a file named ${base} in VARDIR`);
				assert.ok(!fs.existsSync('/etc/passwd.pdf') && !fs.existsSync('/tmp/e2e-abs.pdf'),
					'a file was written at the client\'s path');
				assert.ok(!fs.existsSync(path.join(VARDIR, '..', 'x.jpg')) && !fs.existsSync(path.join(MEDIA, '..', '..', 'x.jpg')));
				if (kind === 'presentation') {
					const h = sha256(data);
					assert.ok(fs.existsSync(path.join(MEDIA, h.slice(0, 2), `${h}.pdf`)), 'not at media/ab/<sha256>.pdf');
				}
				assert.deepEqual(tmpFiles(), []);
				// Into the trash again (a photo waiting to describe: discarded).
				const id = kind === 'photo'
					? sql('SELECT max(id) FROM photo_draft;').trim()
					: sql(`SELECT id FROM presentation WHERE title = 'E2E traversal ${base}' AND deleted_at IS NULL;`).trim();
				assert.match(id, /^\d+$/, 'the saved row');
				const gone = kind === 'photo'
					? await admin.post(`${form}/describe`, [['id', id], [`discard_${id}`, '1']])
					: await admin.post(`${form}/${id}/delete`, {});
				assert.equal(gone.status, 303);
			});
		}
	});

	describe('malformed multipart bodies → 400', () => {
		// Parts of a well-formed request to the talks form, a real PDF inside:
		// if a parser let a broken body through, the talk would be saved.
		const B = newBoundary();
		const CT = `multipart/form-data; boundary=${B}`;
		const field = (name, value, b = B) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
		const fields = (b = B) => field('csrf', admin.csrf, b) + field('title', 'E2E malformed', b) + field('speakers', 'M', b);
		const filePart = (b = B, headers = `Content-Disposition: form-data; name="file"; filename="m.pdf"\r\nContent-Type: application/pdf`) =>
			Buffer.concat([Buffer.from(`--${b}\r\n${headers}\r\n\r\n`), pdf, Buffer.from('\r\n')]);
		const body = (...xs) => Buffer.concat(xs.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(x, 'latin1'))));
		const end = (b = B) => `--${b}--\r\n`;
		const long = (n) => 'b'.repeat(n);

		// [what, () => ({ type, body }), statuses]
		const CASES = [
			['no final boundary', () => ({ body: body(fields(), filePart()) })],
			['a delimiter but no closing "--"', () => ({ body: body(fields(), filePart(), `--${B}\r\n`) })],
			['the body uses another boundary than the header', () => ({ body: body(fields('other'), filePart('other'), end('other')) })],
			['a boundary of 71 characters', () => ({ type: `multipart/form-data; boundary=${long(71)}`,
				body: body(fields(long(71)), filePart(long(71)), end(long(71))) }), [400, 415]],
			['an empty boundary parameter', () => ({ type: 'multipart/form-data; boundary=', body: body(fields(''), end('')) }), [400, 415]],
			['Content-Type multipart/form-data without a boundary', () => ({ type: 'multipart/form-data',
				body: body(fields(), filePart(), end()) }), [400, 415]],
			['a quoted boundary without its closing quote', () => ({ type: `multipart/form-data; boundary="${B}`,
				body: body(fields(), filePart(), end()) }), [400, 415]],
			['833 parts', () => ({ body: body(fields(), ...Array.from({ length: 830 }, (_, i) => field(`x${i}`, 'y')), end()) })],
			['a part header line over 1 KiB', () => ({ body: body(fields(),
				filePart(B, `Content-Disposition: form-data; name="file"; filename="m.pdf"\r\nX-Pad: ${'p'.repeat(1100)}`), end()) })],
			['17 header lines in a part', () => ({ body: body(fields(), filePart(B,
				['Content-Disposition: form-data; name="file"; filename="m.pdf"',
					...Array.from({ length: 16 }, (_, i) => `X-H${i}: v`)].join('\r\n')), end()) })],
			['filename*', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'m.pdf\r\nContent-Type: application/pdf'), end()) })],
			['name*', () => ({ body: body(fields(), `--${B}\r\nContent-Disposition: form-data; name*=UTF-8''title\r\n\r\nx\r\n`, end()) })],
			['Content-Transfer-Encoding: base64', () => ({ body: body(fields(), `--${B}\r\nContent-Disposition: form-data; ` +
				`name="file"; filename="m.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${pdf.toString('base64')}\r\n`, end()) })],
			['a nested multipart/mixed part', () => ({ body: body(fields(), `--${B}\r\nContent-Disposition: form-data; name="file"\r\n` +
				'Content-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\nContent-Disposition: file; filename="m.pdf"\r\n\r\n',
				pdf, '\r\n--inner--\r\n\r\n', end()) })],
			['no CRLF after a boundary', () => ({ body: body(`--${B}Content-Disposition: form-data; name="csrf"\r\n\r\n${admin.csrf}\r\n`,
				fields(), end()) })],
			['junk after a boundary on its line', () => ({ body: body(`--${B}junk\r\n` +
				`Content-Disposition: form-data; name="csrf"\r\n\r\n${admin.csrf}\r\n`, fields(), filePart(), end()) })],
			['a preamble over 1 KiB', () => ({ body: body(`${'preamble '.repeat(200)}\r\n`, fields(), filePart(), end()) })],
			['two final boundaries and an epilogue over 1 KiB', () => ({ body: body(fields(), filePart(), end(), end(),
				'epilogue '.repeat(200)) })],
			['a part without a name', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: form-data; filename="m.pdf"\r\nContent-Type: application/pdf'), end()) })],
			['a part without Content-Disposition', () => ({ body: body(fields(), filePart(B, 'Content-Type: application/pdf'), end()) })],
			['Content-Disposition: attachment', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: attachment; name="file"; filename="m.pdf"'), end()) })],
			['NUL in a part header', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: form-data; name="file"; filename="m\0.pdf"'), end()) })],
			['bare LF line ends', () => ({ body: body(fields().replace(/\r\n/g, '\n'), filePart(), end()) })],
			['a folded header line', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: form-data;\r\n name="file"; filename="m.pdf"'), end()) })],
			['two Content-Disposition headers', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: form-data; name="file"; filename="m.pdf"\r\nContent-Disposition: form-data; name="title"'), end()) })],
			['a header line without a colon', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: form-data; name="file"; filename="m.pdf"\r\nNoColonHere'), end()) })],
			['an empty body', () => ({ body: Buffer.alloc(0) })],
			['a file in a field that takes no file', () => ({ body: body(fields(), filePart(B,
				'Content-Disposition: form-data; name="title"; filename="m.pdf"\r\nContent-Type: application/pdf'), end()) })],
			['two files in the one-file form', () => ({ body: body(fields(), filePart(), filePart(B,
				'Content-Disposition: form-data; name="file"; filename="n.pdf"\r\nContent-Type: application/pdf'), end()) })],
			['invalid UTF-8 in a field', () => ({ body: body(fields(), `--${B}\r\nContent-Disposition: form-data; name="affiliation"\r\n\r\n`,
				Buffer.from([0xc3, 0x28, 0xff]), '\r\n', filePart(), end()) })],
			['invalid UTF-8 in a file name', () => ({ body: body(fields(), `--${B}\r\nContent-Disposition: form-data; name="file"; filename="`,
				Buffer.from([0xed, 0xa0, 0x80]), '.pdf"\r\n\r\n', pdf, '\r\n', end()) })],
			['a plain field over 64 KiB', () => ({ body: body(fields(), field('affiliation', 'a'.repeat(64 * 1024 + 1)), filePart(), end()) }),
				[400, 413, 422]],
		];

		for (const [what, make, statuses = [400]] of CASES) {
			test(`${what} → ${statuses.join('/')}`, async () => {
				const { type = CT, body: b } = make();
				await refused(what, () => admin.request('POST', TALKS, { body: b, type }), statuses);
			});
		}

		test('urlencoded: bad %-escape, %00, invalid UTF-8, 833 fields → 400', async () => {
			const raw = (s) => admin.request('POST', VIDEOS, { body: `csrf=${encodeURIComponent(admin.csrf)}&url=${VIDEO_URL}&${s}`,
				type: 'application/x-www-form-urlencoded' });
			await refused('%zz', () => raw('title=%zz'), [400]);
			await refused('%0', () => raw('title=abc%0'), [400]);
			await refused('%00', () => raw('title=a%00b'), [400]);
			await refused('%C3%28', () => raw('title=%C3%28'), [400]);
			await refused('833 fields', () => raw(Array.from({ length: 831 }, (_, i) => `f${i}=1`).join('&') + '&title=x'), [400]);
		});

		test('a Content-Length shorter than the body (raw socket) → 400', async () => {
			const b = body(fields(), filePart(), end());
			await refused('short Content-Length', () => rawExchange([`POST ${TALKS} HTTP/1.1`, `Host: ${hostHeader()}`,
				`Origin: ${ORIGIN}`, `Cookie: ${COOKIE}=${admin.sid}`, `Content-Type: ${CT}`,
				`Content-Length: ${b.length - 40}`, 'Connection: close'].join('\r\n'), b), [400]);
		});

		test('a Content-Length longer than the body (raw socket, half-closed) → 400 or closed', async () => {
			const b = body(fields(), filePart(), end());
			await refused('long Content-Length', () => rawExchange([`POST ${TALKS} HTTP/1.1`, `Host: ${hostHeader()}`,
				`Origin: ${ORIGIN}`, `Cookie: ${COOKIE}=${admin.sid}`, `Content-Type: ${CT}`,
				`Content-Length: ${b.length + 5000}`, 'Connection: close'].join('\r\n'), b, { halfClose: true }), [400, 0]);
		});
	});
});
