// The public base URL and canonical links: every public page names its own
// absolute address (the base URL run.sh configured plus the path, with the
// query only where it names the page: the gallery's ?page=N), an error
// page names none; the admin's Site settings refuse a bad base URL with
// 422 and change nothing, and store a good one in its normal form.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, pagesOnce, getText, tags, sql } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, live } from './admin-lib.mjs';

const skip = skipReason();

function canonicals(html) {
	return tags(html, 'link').filter((l) => l.attrs.rel === 'canonical').map((l) => l.attrs.href);
}

// What the page's canonical must be: the base URL, the path, and of the
// query only ?page=N (N > 1) on a gallery; / shows the home edition, whose
// own address is canonical.
function expected(p, html) {
	const u = new URL(p, BASE);
	if (u.pathname === '/' || u.pathname === '/de/')
		return `${BASE}${u.pathname}${html.match(/aria-current="page">([0-9]{4})</)[1]}/`;
	const page = u.searchParams.get('page');
	const keep = /\/gallery$/.test(u.pathname) && page && page !== '1' ? `?page=${page}` : '';
	return `${BASE}${u.pathname}${keep}`;
}

describe('canonical links', { skip: skip || false }, () => {
	test('every public page names its absolute address exactly once', async () => {
		const pages = (await pagesOnce()).filter((p) => p.status === 200 && /text\/html/.test(p.type || ''));
		assert.ok(pages.length >= 8, `only ${pages.length} pages crawled`);
		const kinds = new Set();
		for (const p of pages) {
			const c = canonicals(p.html);
			assert.deepEqual(c, [expected(p.path, p.html)], `${p.path}: canonical ${JSON.stringify(c)}`);
			assert.match(c[0], /^https?:\/\//, p.path);
			kinds.add(p.path.replace(/[0-9]+/g, 'N'));
		}
		for (const k of ['/', '/N/', '/N/press', '/N/presentations', '/N/gallery', '/N/gallery/N', '/imprint', '/privacy', '/search'])
			for (const l of ['', '/de'])
				assert.ok(kinds.has(l + (k === '/' && l ? '/' : k)), `no page like ${l}${k} was crawled: ${[...kinds].join(' ')}`);
	});

	test('the search names the search page, not the query', async () => {
		const { res, text } = await getText('/search?q=genome');
		assert.equal(res.status, 200);
		assert.deepEqual(canonicals(text), [`${BASE}/search`]);
	});

	test('an error page names no canonical address', async () => {
		const { res, text } = await getText('/no-such-page');
		assert.equal(res.status, 404);
		assert.deepEqual(canonicals(text), []);
	});
});

describe('the base URL in the site settings', { skip: skip || false }, () => {
	const admin = skip ? null : new Admin(account('baseurl'));
	const stored = () => sql('SELECT base_url FROM site WHERE id = 1;').trim();
	let original;

	after(() => {
		if (original !== undefined)
			sql(`UPDATE site SET base_url = '${original.replace(/'/g, "''")}';`);
	});

	async function fields() {
		if (!admin.sid)
			await admin.loginOk();
		const form = await admin.page('/admin/site');
		return formFields(form.html, '/admin/site');
	}

	test('bad addresses get 422 with the reason and change nothing', async () => {
		original = stored();
		const f = await fields();
		const cases = [
			['ftp://files.example', /https:\/\/ or http:\/\//],
			['https://sym.example/?lang=de', /query/],
			['https://sym.example/#top', /fragment/],
			['https://user:pw@sym.example', /user name/],
			['https://sym.example/a b', /spaces/],
			['sym.example', /https:\/\/ or http:\/\//],
		];
		for (const [bad, why] of cases) {
			const r = await admin.post('/admin/site', withFields(f, { base_url: bad, contact_role: 'changed?' }));
			assert.equal(r.status, 422, `${bad}: ${r.status} ${snippet(r.text)}`);
			assert.match(r.text, why, bad);
			assert.equal(stored(), original, `${bad} changed the stored base URL`);
			assert.notEqual(sql('SELECT contact_role FROM site;').trim(), 'changed?', `${bad}: the other fields were saved`);
		}
	});

	test('a good address is stored without its trailing slash and used at once', async () => {
		const f = await fields();
		const r = await admin.post('/admin/site', withFields(f, { base_url: ' HTTPS://Sym.Example/Archive/ ' }));
		assert.equal(r.status, 303, snippet(r.text));
		assert.equal(stored(), 'https://sym.example/Archive');
		const page = await live('/imprint', admin);
		assert.deepEqual(canonicals(page.text), ['https://sym.example/Archive/imprint']);
		const back = await admin.post('/admin/site', withFields(await fields(), { base_url: original }));
		assert.equal(back.status, 303, snippet(back.text));
		assert.equal(stored(), original);
	});
});
