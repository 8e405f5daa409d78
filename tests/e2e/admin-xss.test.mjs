// Script in every text field an admin can fill, shown inert on every public
// page and admin page that prints it.  A fresh edition carries the payloads
// (so the demo edition stays as the other tests expect) and is unpublished
// again at the end.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { textOf, decodeEntities, sql } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, uniq, live, eventually } from './admin-lib.mjs';
import { makePdf, makePng } from './fixtures/files.mjs';

const skip = skipReason();

// One-line payload: tags, attribute breakouts both quote styles, a URL
// scheme, a template placeholder.  Under 300 bytes with its label.
const ONE = (label) => `${label} <script>alert(1)</script>"><img src=x onerror=alert(2)>` +
	`' onmouseover='alert(3)' </title><svg onload=alert(4)> javascript:alert(5) \${site_name}`;

// Markdown payload: raw HTML (block and inline), hostile link and image
// schemes (also disguised), an autolink.
const MD = (label) => [
	`${label} paragraph <script>alert(11)</script> and <img src=x onerror=alert(12)>.`,
	'<div onclick="alert(13)">raw block</div>',
	'<script>alert(14)</script>',
	'[l1](javascript:alert(15)) [l2](JaVaScRiPt:alert(16)) [l3](java&#x09;script:alert(17)) ' +
		'[l4](vbscript:msgbox(18)) [l5](data:text/html,<script>alert(19)</script>) <javascript:alert(20)> ' +
		'![i1](javascript:alert(21)) [l6]( javascript:alert(22))',
	'[ok](https://example.org/) ${site_name}',
].join('\n\n');

const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'poster', 'data', 'xlink:href', 'cite', 'background', 'srcset'];
const BANNED_TAGS = ['svg', 'iframe', 'object', 'embed', 'math', 'base', 'frame', 'frameset', 'applet'];

// Every start tag with its attributes (quoted values kept whole).
function startTags(html) {
	const out = [];
	const re = /<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
	for (let m; (m = re.exec(html));) {
		const attrs = [];
		const are = /([^\s=\/"']+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
		for (let a; (a = are.exec(m[2]));)
			attrs.push([a[1].toLowerCase(), a[3] ?? a[4] ?? a[5] ?? '']);
		out.push({ name: m[1].toLowerCase(), attrs, index: m.index, end: m.index + m[0].length });
	}
	return out;
}

function decode(s) {
	return decodeEntities(s);
}

// Nothing in html can run script: scripts only from /assets/ and empty,
// no event handler attributes, no script-capable elements, no hostile URL.
function assertInert(html, where) {
	for (const t of startTags(html)) {
		const at = `${where}: <${t.name}> at ${t.index}`;
		assert.ok(!BANNED_TAGS.includes(t.name), `${at}: a <${t.name}> element: ${html.slice(t.index, t.end + 40)}`);
		for (const [name, raw] of t.attrs) {
			assert.ok(!/^on/.test(name), `${at}: event handler attribute ${name}: ${html.slice(t.index, t.end)}`);
			assert.ok(name !== 'srcdoc', `${at}: srcdoc`);
			if (URL_ATTRS.includes(name)) {
				// As a browser reads a URL: entities decoded, controls and spaces gone.
				const v = decode(raw).replace(/[\u0000-\u0020]/g, '').toLowerCase();
				assert.ok(!/^(javascript|vbscript|data):/.test(v), `${at}: ${name}="${raw}"`);
			}
		}
		if (t.name === 'img') {
			const src = decode(t.attrs.find(([n]) => n === 'src')?.[1] || '');
			assert.match(src, /^\/(media|assets|admin\/media)\//, `${at}: an image from ${src}`);
		}
		if (t.name === 'script' && t.attrs.some(([n, v]) => n === 'type' && v === 'application/ld+json')) {
			// Structured data: data, not code.  Its body must be JSON whose
			// strings hold no markup (the engine writes < > & as \u escapes).
			const close = html.indexOf('</script>', t.end);
			const body = html.slice(t.end, close);
			assert.ok(!/[<>]/.test(body), `${at}: markup inside the JSON-LD block`);
			JSON.parse(body);
		} else if (t.name === 'script') {
			const src = t.attrs.find(([n]) => n === 'src');
			assert.ok(src && /^\/assets\/[a-z0-9-]+\.js$/.test(src[1]), `${at}: a script not from /assets/`);
			const close = html.indexOf('</script>', t.end);
			assert.equal(html.slice(t.end, close).trim(), '', `${at}: an inline script body`);
		}
	}
}

describe('admin: script in every text field is shown inert', { skip: skip || false }, () => {
	const admin = new Admin(skip ? null : account('xss'));
	const year = skip ? 0 : Number(sql('SELECT max(year) FROM edition;').trim()) + 7;
	const tag = uniq('X');
	const L = (f) => `${tag}-${f}`;            // the label of a field's payload
	const one = {};                             // field -> one-line payload
	const md = {};                              // field -> Markdown label
	const pages = {};                           // public page -> fields it must show

	function p1(field) {
		one[field] = ONE(L(field));
		assert.ok(Buffer.byteLength(one[field]) <= 300, `${field} payload over 300 bytes`);
		return one[field];
	}
	function pm(field) {
		md[field] = L(field);
		return MD(md[field]);
	}

	before(async () => {
		await admin.loginOk();
		await admin.ensureCsrf();
	});

	after(async () => {
		// Unpublish the edition: the public tests that follow crawl the site.
		if (!admin.sid)
			return;
		const form = await admin.get(`/admin/${year}/`);
		if (form.status !== 200)
			return;
		const fields = formFields(form.text, `/admin/${year}/`).filter(([k]) => k !== 'published');
		await admin.post(`/admin/${year}/`, fields);
	});

	test('fill every field with script: edition, press EN/DE with photo, talk, photo, video', async () => {
		const ed = await admin.post('/admin/editions/new', {
			year: String(year), title: p1('edition_title'), starts: `${year}-05-04`, ends: '',
			venue: p1('venue'), address: p1('address'), headline: p1('headline'), summary: p1('summary'),
			review_md: pm('review_md'), next_md: pm('next_md'), published: '1',
		});
		assert.equal(ed.status, 303, `new edition: ${ed.status} ${snippet(ed.text)}`);
		assert.equal(ed.location, `/admin/${year}/?done=published`);
		pages[`/${year}/`] = ['edition_title', 'venue', 'headline', 'address'];
		pages['/'] = ['edition_title'];

		// A photo with a hostile file name, described with hostile text, then
		// the press photo and the cover of the edition.
		const ph = await admin.upload(`/admin/${year}/photos`, {},
			[{ name: 'file', filename: "' onerror='alert(1)\"><svg onload=alert(1)>.png", type: 'image/png', data: makePng(400, 300) }]);
		assert.equal(ph.status, 303, `photo: ${ph.status} ${snippet(ph.text)}`);
		const describeForm = await admin.page(`/admin/${year}/photos/describe`);
		assertInert(describeForm.html, 'describe view');
		const draft = sql(`SELECT max(d.id) FROM photo_draft d JOIN edition e ON e.id = d.edition_id WHERE e.year = ${year};`).trim();
		const dr = await admin.post(`/admin/${year}/photos/describe`, [['credit_all', p1('credit_all')], ['id', draft],
			[`alt_${draft}`, p1('photo_alt')], [`caption_${draft}`, p1('photo_caption')], [`credit_${draft}`, p1('photo_credit')]]);
		assert.equal(dr.status, 303, `describe: ${dr.status} ${snippet(dr.text)}`);
		const photoId = sql(`SELECT max(f.id) FROM photo f JOIN edition e ON e.id = f.edition_id WHERE e.year = ${year};`).trim();
		for (const as of ['press', 'cover'])
			assert.equal((await admin.post(`/admin/${year}/photos/${photoId}/pick`, { as })).status, 303, `pick ${as}`);
		pages[`/${year}/gallery`] = ['photo_caption', 'photo_credit'];

		for (const lang of ['en', 'de']) {
			const r = await admin.post(`/admin/${year}/press/${lang}`, {
				title: p1(`press_title_${lang}`), subtitle: p1(`press_subtitle_${lang}`), released: `${year}-05-05`,
				body_md: pm(`press_body_${lang}`), photo_caption: p1(`press_caption_${lang}`),
				press_credit: p1('press_credit'),
			});
			assert.equal(r.status, 303, `press ${lang}: ${r.status} ${snippet(r.text)}`);
			pages[lang === 'en' ? `/${year}/press` : `/de/${year}/press`] =
				['title', 'subtitle', 'caption'].map((f) => `press_${f}_${lang}`).concat(['press_credit']);
		}

		const t = await admin.upload(`/admin/${year}/presentations`, {
			title: p1('talk_title'), speakers: p1('speakers'), affiliation: p1('affiliation'),
		}, [{ name: 'file', filename: '<script>alert(1)</script>.pdf', type: 'application/pdf', data: makePdf(1, 'xss') }]);
		assert.equal(t.status, 303, `talk: ${t.status} ${snippet(t.text)}`);

		const v = await admin.post(`/admin/${year}/videos`, { title: p1('video_title'), url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' });
		assert.equal(v.status, 303, `video: ${v.status} ${snippet(v.text)}`);
		pages[`/${year}/presentations`] = ['talk_title', 'speakers', 'affiliation', 'video_title'];

	});

	test('public pages: payloads printed as text, nothing executable', async () => {
		assert.ok(Object.keys(pages).length >= 6, 'needs the filled edition');
		const all = [...Object.keys(pages), '/2023/', '/imprint', `/${year}/gallery?page=1`];
		for (const p of all) {
			const { res, text } = await live(p, admin);
			if (p.endsWith('?page=1') && res.status === 404)
				continue;
			assert.equal(res.status, 200, `${p}: ${res.status}`);
			assertInert(text, p);
			const words = textOf(text);
			for (const f of pages[p] || [])
				assert.ok(words.includes(one[f].replace(/\s+/g, ' ')), `${p}: the ${f} payload is not shown as text`);
		}
		// Markdown: the text is there, the HTML and the hostile links are not.
		const edition = textOf((await live(`/${year}/`, admin)).text);
		assert.ok(edition.includes(`${md.review_md} paragraph`), 'review_md text missing');
		for (const lang of ['en', 'de']) {
			const p = lang === 'en' ? `/${year}/press` : `/de/${year}/press`;
			assert.ok(textOf((await live(p, admin)).text).includes(`${md[`press_body_${lang}`]} paragraph`), `${p}: body text missing`);
		}
		// The summary and the photo's alt are in attributes: present, still inert.
		const g = (await live(`/${year}/gallery`, admin)).text;
		const alts = startTags(g).filter((t) => t.name === 'img').map((t) => decode(t.attrs.find(([n]) => n === 'alt')?.[1] || ''));
		assert.ok(alts.includes(one.photo_alt), `the photo's alt is not the payload as typed: ${JSON.stringify(alts)}`);
		const press = (await live(`/${year}/press`, admin)).text;
		const palts = startTags(press).filter((t) => t.name === 'img').map((t) => decode(t.attrs.find(([n]) => n === 'alt')?.[1] || ''));
		assert.ok(palts.includes(one.photo_alt), 'the press photo alt is not the payload as typed');
	});

	test('admin pages: the same payloads inert in lists and forms', async () => {
		for (const p of ['/admin/', `/admin/${year}/`, `/admin/${year}/press/en`, `/admin/${year}/press/de`,
			`/admin/${year}/presentations`, `/admin/${year}/photos`, `/admin/${year}/photos/describe`,
			`/admin/${year}/videos`, '/admin/audit', '/admin/site']) {
			const r = await admin.page(p);
			assertInert(r.html, p);
		}
		// Round trip: the edition form gives back exactly what was typed.
		const f = formFields((await admin.page(`/admin/${year}/`)).html, `/admin/${year}/`);
		for (const k of ['title', 'venue', 'headline'])
			assert.equal(f.find(([n]) => n === k)?.[1], one[k === 'title' ? 'edition_title' : k], `${k} round trip`);
		assert.equal(f.find(([n]) => n === 'review_md')?.[1], MD(md.review_md), 'review_md round trip');
	});

	test('unpublish the edition again: its pages answer 404', async () => {
		const form = await admin.page(`/admin/${year}/`);
		const fields = withFields(formFields(form.html, `/admin/${year}/`).filter(([k]) => k !== 'published'), {});
		const r = await admin.post(`/admin/${year}/`, fields);
		assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
		// For visitors (the admin's own cookie gets a preview now).
		for (const p of [`/${year}/`, `/${year}/press`, `/${year}/presentations`, `/${year}/gallery`])
			await eventually(p, (res) => res.status === 404, `${p} after unpublishing`);
		const home = textOf((await live('/', admin)).text);
		assert.ok(!home.includes(L('edition_title')), '/ still shows the unpublished edition');
		// Anonymous visitors too, once nginx's one-second copy expires.
		await eventually(`/${year}/`, (res) => res.status === 404, 'the unpublished edition');
	});
});
