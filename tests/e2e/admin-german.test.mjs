// German versions of the texts admins write (issue 11): each admin form
// with such a text has a German field (lang="de", the English field's
// limits), saving it shows it on the German pages, and while it is empty
// the German pages show the English text marked lang="en".  The conflict
// check (409) covers the German fields too.
//
// The German pages seen here: the press release in German (whose layout
// and press photo are German; /de/YEAR/press, or /YEAR/press/de before the
// /de/ pages existed), and the /de/ pages once their routing exists (those
// checks skip until /de/imprint answers).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, get, tags, textOf } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, uniq, freeYear,
	live, addPhotos, publishForm } from './admin-lib.mjs';
import { makeJpeg } from './fixtures/files.mjs';

const skip = skipReason();
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const one = (statement) => sql(statement).replace(/\n$/, '');

// Where `text` first stands in the body of html: the innermost element
// around it (name) and the language marked on the nearest element that
// carries a lang attribute inside <body> (lang; undefined when none, i.e.
// the page's own language).
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
function carrier(html, text) {
	const body = html.indexOf('<body');
	const at = html.indexOf(text, body);
	assert.ok(body >= 0 && at >= 0, `"${text}" is not on the page`);
	const open = [];
	for (const m of html.slice(body, at).matchAll(/<(\/?)([a-z][a-z0-9]*)\b([^>]*)>/g)) {
		if (m[1])
			open.splice(open.map((e) => e.name).lastIndexOf(m[2]));
		else if (!VOID.has(m[2]) && !m[3].endsWith('/'))
			open.push({ name: m[2], lang: (/\blang="([^"]*)"/.exec(m[3]) || [])[1] });
	}
	const marked = [...open].reverse().find((e) => e.lang !== undefined);
	return { name: open[open.length - 1].name, lang: marked && marked.lang };
}

// An <img> with this alt text: its lang attribute (undefined when none).
function imgLang(html, alt) {
	const img = tags(html, 'img').find((t) => t.attrs.alt === alt);
	assert.ok(img, `no image with alt "${alt}"`);
	return img.attrs.lang;
}

// The page's JSON-LD (one block on an edition's page), parsed.
function ldOf(html) {
	const m = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
	assert.ok(m, 'no JSON-LD');
	return JSON.parse(m[1]);
}

describe('admin: German texts', { skip: skip || false }, () => {
	const admin = skip ? null : new Admin(account('german'));
	const other = skip ? null : new Admin(account('german-b'));
	const year = skip ? 0 : freeYear(2600);
	const tag = uniq('');
	let site;                   // the site row's German fields, restored after
	let deRouting = false;
	const dePress = (y) => (deRouting ? `/de/${y}/press` : `/${y}/press/de`);

	before(async () => {
		await admin.loginOk();
		await other.loginOk();
		site = one('SELECT json_object(\'background_de_md\', background_de_md, \'contact_role_de\', contact_role_de,'
			+ ' \'imprint_de_md\', imprint_de_md, \'privacy_de_md\', privacy_de_md) FROM site;');
		const r = await admin.post('/admin/editions/new', { year: String(year), title: `German ${year}` });
		assert.equal(r.status, 303, `new edition: ${r.status} ${snippet(r.text)}`);
		deRouting = (await get('/de/imprint')).status === 200;
	});

	after(async () => {
		if (skip)
			return;
		sql(`PRAGMA foreign_keys = ON; DELETE FROM edition WHERE year = ${year};`);
		const s = JSON.parse(site);
		// The Markdown alone is enough to restore: the pages show the _html,
		// which the admin's next save of the form remakes; set both.
		sql(`UPDATE site SET background_de_md = ${q(s.background_de_md)}, contact_role_de = ${q(s.contact_role_de)},`
			+ ` imprint_de_md = ${q(s.imprint_de_md)}, privacy_de_md = ${q(s.privacy_de_md)};`);
		const form = await admin.page('/admin/site');
		const r = await admin.post('/admin/site', formFields(form.html, '/admin/site'));
		assert.equal(r.status, 303, `restoring the site settings: ${r.status}`);
	});

	test('every form with such a text has its German field, marked lang="de", with the same limit', async () => {
		const forms = [
			['/admin/site', ['background_de_md', 'contact_role_de', 'imprint_de_md', 'privacy_de_md']],
			[`/admin/${year}/`, ['headline_de', 'summary_de', 'review_de_md', 'next_de_md']],
			['/admin/editions/new', ['headline_de', 'summary_de', 'review_de_md', 'next_de_md']],
			[`/admin/${year}/videos`, ['title_de']],
			[`/admin/${year}/presentations`, ['title_de']],
		];
		for (const [path, names] of forms) {
			const page = await admin.page(path);
			for (const name of names) {
				const el = [...tags(page.html, 'input'), ...tags(page.html, 'textarea')]
					.find((t) => t.attrs.name === name);
				assert.ok(el, `${path}: no field ${name}`);
				assert.equal(el.attrs.lang, 'de', `${path}: ${name} is not marked lang="de"`);
				assert.match(page.html, new RegExp(`<label for="${name}">[^<]*German`), `${path}: ${name} has no label saying German`);
				const en = [...tags(page.html, 'input'), ...tags(page.html, 'textarea')]
					.find((t) => t.attrs.name === name.replace('_de', ''));
				assert.ok(en, `${path}: no English field next to ${name}`);
				assert.equal(el.attrs.maxlength, en.attrs.maxlength, `${path}: ${name} has another limit`);
			}
		}
	});

	test('site: the German contact role on German pages; empty, the English one marked lang="en"', async () => {
		const form = await admin.page('/admin/site');
		const role = one('SELECT contact_role FROM site;');
		assert.ok(role, 'the demo site has a contact role');
		let r = await admin.post('/admin/site', withFields(formFields(form.html, '/admin/site'),
			{ contact_role_de: `Projektleitung ${tag}`, imprint_de_md: `**Impressum** ${tag} <b>x</b>` }));
		assert.equal(r.status, 303, `save: ${r.status} ${snippet(r.text)}`);
		// Sanitised like the English texts: Markdown yes, raw HTML never.
		const html = one('SELECT imprint_de_html FROM site;');
		assert.ok(html.includes(`<strong>Impressum</strong> ${tag}`), html);
		assert.ok(!html.includes('<b>'), html);

		let de = (await live(dePress(2023), admin)).text;
		assert.deepEqual(carrier(de, `Projektleitung ${tag}`), { name: 'span', lang: undefined });
		let en = (await live('/2023/press', admin)).text;
		assert.equal(carrier(en, role).lang, undefined, 'the English page shows the English role unmarked');
		assert.ok(!en.includes(`Projektleitung ${tag}`));

		const again = await admin.page('/admin/site');
		r = await admin.post('/admin/site', withFields(formFields(again.html, '/admin/site'), { contact_role_de: '' }));
		assert.equal(r.status, 303);
		de = (await live(dePress(2023), admin)).text;
		assert.deepEqual(carrier(de, role), { name: 'span', lang: 'en' });
	});

	test('edition: German review stored sanitised; too long a German summary is refused and changes nothing', async () => {
		const path = `/admin/${year}/`;
		const form = await admin.page(path);
		const fields = formFields(form.html, path);
		let r = await admin.post(path, withFields(fields, {
			headline: `Big questions ${tag}`, summary: 'One day of talks.',
			review_md: `English review ${tag}`, review_de_md: `Deutscher *Rückblick* ${tag} <script>x</script>`,
			next_md: `See you next year ${tag}`, published: '1' }));
		assert.equal(r.status, 303, `save: ${r.status} ${snippet(r.text)}`);
		const html = one(`SELECT review_de_html FROM edition WHERE year = ${year};`);
		assert.ok(html.includes(`Deutscher <em>Rückblick</em> ${tag}`), html);
		assert.ok(!html.includes('<script'), html);

		const before = one(`SELECT summary_de || '|' || review_de_md FROM edition WHERE year = ${year};`);
		const again = await admin.page(path);
		r = await admin.post(path, withFields(formFields(again.html, path),
			{ summary_de: 'x'.repeat(601), review_de_md: 'changed' }));
		assert.equal(r.status, 422, `too long: ${r.status}`);
		assert.match(r.text, /id="summary_de"/, 'the form comes back');
		assert.equal(one(`SELECT summary_de || '|' || review_de_md FROM edition WHERE year = ${year};`), before);

		const en = (await live(`/${year}/`, admin)).text;
		assert.equal(carrier(en, `English review ${tag}`).lang, undefined);
		assert.ok(!en.includes('Rückblick'), 'the English page shows the English review');
	});

	test('edition on the German pages: German where written, English marked lang="en" where not', async (t) => {
		if (!deRouting) {
			t.skip('no /de/ pages yet (/de/imprint is not 200)');
			return;
		}
		const de = (await live(`/de/${year}/`, admin)).text;
		assert.equal(carrier(de, 'Rückblick').lang, undefined);
		// A Markdown text is marked on the element that holds its paragraphs.
		assert.ok(de.includes(`<div lang="en"><p>See you next year ${tag}`), 'the English next note is not marked lang="en"');
		assert.equal(carrier(de, `Big questions ${tag}`).lang, 'en');
		const imprint = (await live('/de/imprint', admin)).text;
		const div = /<div class="prose block"([^>]*)>\s*<p><strong>Impressum<\/strong>/.exec(imprint);
		assert.ok(div, 'the German imprint is shown');
		assert.ok(!/\blang=/.test(div[1]), `the German imprint is marked: ${div[1]}`);
	});

	test('photo: German alt text and caption from the describe form and the photo form; the German press release shows them', async () => {
		const [id] = await addPhotos(admin, year, [{ filename: `de-${tag}.jpg`, data: makeJpeg(640, 480) }],
			[{ alt: `Speaker at the lectern ${tag}`, caption: `Opening ${tag}` }]);
		assert.equal(one(`SELECT alt_de || '|' || caption_de FROM photo WHERE id = ${id};`), '|');
		assert.equal((await admin.post(`/admin/${year}/photos/${id}/pick`, { as: 'press' })).status, 303);
		const press = await admin.page(`/admin/${year}/press/de`);
		let r = await admin.post(`/admin/${year}/press/de`, withFields(formFields(press.html, `/admin/${year}/press/de`),
			{ title: `Pressemitteilung ${tag}`, released: `${year}-03-01`, body_md: 'Text.', state: 'published', photo_caption: '' }));
		assert.equal(r.status, 303, `press release: ${r.status} ${snippet(r.text)}`);

		// Nothing in German yet: the English alt text and caption, marked.
		let de = (await live(dePress(year), admin)).text;
		assert.equal(imgLang(de, `Speaker at the lectern ${tag}`), 'en');
		assert.deepEqual(carrier(de, `Opening ${tag}`), { name: 'span', lang: 'en' });

		const path = `/admin/${year}/photos/${id}`;
		const form = await admin.page(path);
		const alt = tags(form.html, 'input').find((x) => x.attrs.name === 'alt_de');
		assert.ok(alt && alt.attrs.lang === 'de', 'the photo form has alt_de, lang="de"');
		r = await admin.post(path, withFields(formFields(form.html, path),
			{ alt_de: `Rednerin am Pult ${tag}`, caption_de: `Eröffnung ${tag}` }));
		assert.equal(r.status, 303, `photo: ${r.status} ${snippet(r.text)}`);
		de = (await live(dePress(year), admin)).text;
		assert.equal(imgLang(de, `Rednerin am Pult ${tag}`), undefined);
		assert.deepEqual(carrier(de, `Eröffnung ${tag}`), { name: 'span', lang: undefined });
		const en = (await live(`/${year}/gallery/${id}`, admin)).text;
		assert.equal(imgLang(en, `Speaker at the lectern ${tag}`), undefined, 'the English photo page keeps English');

		// The describe form takes the German texts too.
		const [id2] = await addPhotos(admin, year, [{ filename: `de2-${tag}.jpg`, data: makeJpeg(400, 300) }],
			[{ alt: `Coffee break ${tag}`, alt_de: `Kaffeepause ${tag}`, caption_de: `Im Foyer ${tag}` }]);
		assert.equal(one(`SELECT alt_de || '|' || caption_de FROM photo WHERE id = ${id2};`), `Kaffeepause ${tag}|Im Foyer ${tag}`);
		if (deRouting) {
			const g = (await live(`/de/${year}/gallery/${id}`, admin)).text;
			assert.equal(imgLang(g, `Rednerin am Pult ${tag}`), undefined);
		}
	});

	test('describe: German text without an English alt text is refused and saves nothing', async () => {
		const r0 = await admin.upload(`/admin/${year}/photos`, { one: '1' },
			[{ name: 'file', filename: `de3-${tag}.jpg`, type: 'image/jpeg', data: makeJpeg(300, 200) }]);
		assert.equal(r0.status, 201);
		const draft = one(`SELECT max(d.id) FROM photo_draft d JOIN edition e ON e.id = d.edition_id WHERE e.year = ${year};`);
		const photos = one('SELECT count(*) FROM photo;');
		const r = await admin.post(`/admin/${year}/photos/describe`, [['id', draft], [`alt_${draft}`, ''],
			[`alt_de_${draft}`, `Nur deutsch ${tag}`], [`caption_${draft}`, ''], [`credit_${draft}`, '']]);
		assert.equal(r.status, 422, `${r.status} ${snippet(r.text)}`);
		assert.ok(r.text.includes(`value="Nur deutsch ${tag}"`), 'the typed German text is kept');
		assert.equal(one('SELECT count(*) FROM photo;'), photos);
		assert.equal(one(`SELECT count(*) FROM photo_draft WHERE id = ${draft};`), '1');
	});

	test('video: German title stored; a stale save of the German title gets 409 naming it', async () => {
		const v = await admin.post(`/admin/${year}/videos`, { title: `Morning session ${tag}`,
			title_de: `Vormittag ${tag}`, url: 'https://youtu.be/dQw4w9WgXcQ' });
		assert.equal(v.status, 303, `new video: ${v.status} ${snippet(v.text)}`);
		const id = one(`SELECT max(d.id) FROM video d JOIN edition e ON e.id = d.edition_id WHERE e.year = ${year};`);
		assert.equal(one(`SELECT title_de FROM video WHERE id = ${id};`), `Vormittag ${tag}`);
		const en = (await live(`/${year}/presentations`, admin)).text;
		assert.ok(en.includes(`Morning session ${tag}`) && !en.includes(`Vormittag ${tag}`));

		const path = `/admin/${year}/videos/${id}`;
		const a = await admin.page(path);
		const b = await other.page(path);
		let r = await admin.post(path, withFields(formFields(a.html, path), { title_de: `Vormittagssitzung ${tag}` }));
		assert.equal(r.status, 303);
		r = await other.post(path, withFields(formFields(b.html, path), { title_de: `Sitzung am Morgen ${tag}` }));
		assert.equal(r.status, 409, `stale save: ${r.status}`);
		assert.ok(textOf(r.text).includes('Title (German)'), snippet(r.text, 600));
		assert.equal(one(`SELECT title_de FROM video WHERE id = ${id};`), `Vormittagssitzung ${tag}`);
		if (deRouting) {
			const de = (await live(`/de/${year}/presentations`, admin)).text;
			assert.equal(carrier(de, `Vormittagssitzung ${tag}`).lang, undefined);
		}
	});

	test('talk: the German title on every German page that names the talk; empty, the English one marked lang="en"; audit and 409', async () => {
		const word = `Bildgebungsprobe${tag}`;
		const title = `Imaging data in care ${tag}`;
		const titleDe = `${word} in der Versorgung`;
		let r = await admin.post(`/admin/${year}/presentations`, { title, speakers: 'Dr. Q. Uokka', title_de: '' });
		assert.equal(r.status, 303, `new talk: ${r.status} ${snippet(r.text)}`);
		const id = one(`SELECT max(t.id) FROM presentation t JOIN edition e ON e.id = t.edition_id WHERE e.year = ${year};`);
		const slug = one(`SELECT slug FROM presentation WHERE id = ${id};`);
		assert.equal(one(`SELECT title_de FROM presentation WHERE id = ${id};`), '');
		// Published (the search shows published editions only), with a
		// session named after the talk that links it, and one named otherwise.
		const eid = one(`SELECT id FROM edition WHERE year = ${year};`);
		const t0 = Math.floor(Date.parse(`${year}-03-02T09:00:00Z`) / 1000);
		sql(`UPDATE edition SET published = 1 WHERE id = ${eid};
			INSERT INTO programme_session (edition_id, starts_at, ends_at, title, presentation_id, created_at) VALUES
			(${eid}, ${t0}, ${t0 + 1800}, ${q(title)}, ${id}, 0),
			(${eid}, ${t0 + 1800}, ${t0 + 3600}, ${q(`Discussion of ${tag}`)}, ${id}, 0);`);

		const pages = async () => ({
			talks: (await live(`/de/${year}/presentations`, admin)).text,
			programme: (await live(`/de/${year}/programme`, admin)).text,
			ld: ldOf((await live(`/de/${year}/`, admin)).text),
		});
		let de = await pages();
		assert.deepEqual(carrier(de.talks, title), { name: 'h3', lang: 'en' });
		assert.deepEqual(carrier(de.programme, title), { name: 'h4', lang: 'en' });
		assert.ok(de.ld.subEvent.some((s) => s.name === title), 'JSON-LD: no subEvent with the English title');

		const path = `/admin/${year}/presentations/${id}`;
		const a = await admin.page(path);
		const b = await other.page(path);
		const field = tags(a.html, 'input').find((x) => x.attrs.name === 'title_de');
		assert.ok(field && field.attrs.lang === 'de', 'the edit form has title_de, lang="de"');
		// The same validation as the English title: over the limit, 422, nothing saved.
		r = await admin.post(path, withFields(formFields(a.html, path), { title_de: 'x'.repeat(301) }));
		assert.equal(r.status, 422, `too long: ${r.status}`);
		assert.match(r.text, /id="title_de"/, 'the form comes back');
		assert.equal(one(`SELECT title_de FROM presentation WHERE id = ${id};`), '');
		const audits = () => one(`SELECT count(*) FROM audit WHERE object = 'presentation ${id}' AND action = 'update';`);
		const audited = audits();
		r = await admin.post(path, withFields(formFields(a.html, path), { title_de: titleDe }));
		assert.equal(r.status, 303, `save: ${r.status} ${snippet(r.text)}`);
		assert.equal(one(`SELECT title_de || '|' || title || '|' || slug FROM presentation WHERE id = ${id};`), `${titleDe}|${title}|${slug}`);
		assert.equal(Number(audits()), Number(audited) + 1, 'the change is in the audit log');
		r = await other.post(path, withFields(formFields(b.html, path), { title_de: `Anderer Titel ${tag}` }));
		assert.equal(r.status, 409, `stale save: ${r.status}`);
		assert.ok(textOf(r.text).includes('Title (German)'), snippet(r.text, 600));
		assert.equal(one(`SELECT title_de FROM presentation WHERE id = ${id};`), titleDe);

		de = await pages();
		assert.deepEqual(carrier(de.talks, titleDe), { name: 'h3', lang: undefined });
		// The session named after the talk shows its German title; the other
		// keeps its own English one, marked.
		assert.deepEqual(carrier(de.programme, titleDe), { name: 'h4', lang: undefined });
		assert.deepEqual(carrier(de.programme, `Discussion of ${tag}`), { name: 'h4', lang: 'en' });
		assert.ok(de.ld.subEvent.some((s) => s.name === titleDe), 'JSON-LD: no subEvent with the German title');
		assert.ok(!de.ld.subEvent.some((s) => s.name === title), 'JSON-LD: the English title is still named');
		const en = (await live(`/${year}/presentations`, admin)).text;
		assert.ok(en.includes(title) && !en.includes(titleDe), 'the English page keeps the English title');
		const enLd = ldOf((await live(`/${year}/`, admin)).text);
		assert.ok(enLd.subEvent.some((s) => s.name === title) && !enLd.subEvent.some((s) => s.name === titleDe));

		// The search finds the German title, and shows it on the German page.
		const found = (await live(`/de/search?q=${encodeURIComponent(word)}`, admin)).text;
		const hit = tags(found, 'a').find((x) => x.attrs.href === `/de/${year}/presentations#talk-${slug}`);
		assert.ok(hit, `no hit for the German title: ${snippet(found, 600)}`);
		assert.equal(hit.attrs.lang, undefined);
		assert.ok(found.includes(`>${titleDe}</a>`), 'the hit is not titled in German');
		const foundEn = (await live(`/search?q=${encodeURIComponent(word)}`, admin)).text;
		assert.ok(foundEn.includes(`>${title}</a>`), 'the English search names the English title');
	});

	test('the dashboard\'s checklist names a review and photos described only in English', async () => {
		const block = async () => {
			const d = await admin.page('/admin/');
			const m = new RegExp(`<div class="checklist">\\s*<h3><a href="/admin/${year}/">[\\s\\S]*?</div>`).exec(d.html);
			assert.ok(m, 'no checklist for the edition');
			return m[0];
		};
		let b = await block();
		assert.ok(!b.includes('No review in German'), b);
		assert.ok(!/German alt text or caption/.test(b), b);
		sql(`UPDATE edition SET review_de_md = '' WHERE year = ${year};`
			+ ` UPDATE photo SET caption_de = '' WHERE edition_id = (SELECT id FROM edition WHERE year = ${year}) AND caption <> '';`);
		b = await block();
		assert.ok(b.includes('No review in German'), b);
		assert.ok(b.includes('1 photo lacks German alt text or caption'), b);
	});

	test('edition and site: a stale save of a German text gets 409 naming it', async () => {
		for (const [path, field, label] of [[`/admin/${year}/`, 'review_de_md', 'Review (German)'],
			['/admin/site', 'privacy_de_md', 'Privacy notice (German)']]) {
			const a = await admin.page(path);
			const b = await other.page(path);
			let r = await admin.post(path, withFields(formFields(a.html, path), { [field]: `A ${tag}` }));
			assert.equal(r.status, 303, `${path}: ${r.status} ${snippet(r.text)}`);
			r = await other.post(path, withFields(formFields(b.html, path), { [field]: `B ${tag}` }));
			assert.equal(r.status, 409, `${path}: stale save ${r.status}`);
			assert.ok(textOf(r.text).includes(label), `${path}: ${snippet(r.text, 600)}`);
		}
	});
});
