// The site behind Apache httpd (deploy/apache/): an Apache on another free
// loopback port in front of the same programs and the same VARDIR as the
// nginx at BASE_URL, started with `deploy/site.sh apache-start` and compared
// with nginx answer for answer.  Skipped only when apache2 is not installed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, VARDIR, REQUEST_TIMEOUT_MS, MAP_PAGES, YEAR, rawRequest, tags } from './lib.mjs';
import { account, COOKIE } from './admin-lib.mjs';
import { apacheSkipReason, startApache, stopApache } from './apache-lib.mjs';

const PUBLIC_BODY_MAX = 16384;      // deploy/programs.tsv, nginx's and Apache's
const SECURITY = ['content-security-policy', 'x-content-type-options',
	'referrer-policy', 'x-frame-options'];

let APACHE = '';

async function fetchAt(base, p, init = {}) {
	return fetch(new URL(p, base), { redirect: 'manual',
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
}

// The same request through both front ends: { a, n } with status, headers
// (fetch Headers) and body bytes.
async function both(p, init = {}) {
	const one = async (base) => {
		const res = await fetchAt(base, p, init);
		return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
	};
	return { a: await one(APACHE), n: await one(BASE) };
}

// Both, once more a second later when their bodies differ: nginx's
// microcache may answer with a copy up to a second old (README.md,
// "microcache"), Apache has none.  The first difference is printed, so a
// cause can be found; one that stays fails the test.
async function bothSettled(p) {
	const first = await both(p);
	if (first.a.body.equals(first.n.body))
		return first;
	console.error(`apache e2e: ${p} differed once from nginx's (X-Cache-Status ` +
		`${first.n.headers.get('x-cache-status')}, ETags ${first.a.headers.get('etag')} ` +
		`${first.n.headers.get('etag')})`);
	await new Promise((r) => setTimeout(r, 1100));
	return both(p);
}

const raw = (method, target, extra = '') => rawRequest(method, target, extra, APACHE);

// Each security header exactly once (raw headers: fetch would fold two
// copies into one value).
function securityOnce(headers, what, csp) {
	for (const h of SECURITY)
		assert.equal((headers[h] || []).length, 1, `${what}: ${h} ${JSON.stringify(headers[h])}`);
	assert.equal(headers['x-content-type-options'][0], 'nosniff', `${what}: nosniff`);
	if (csp)
		assert.match(headers['content-security-policy'][0], csp, `${what}: CSP`);
}

const reason = apacheSkipReason();

describe('the site behind Apache', { skip: reason || false }, () => {
	before(async () => {
		APACHE = await startApache();
	});

	after(stopApache);

	test('every page of the URL map: 200 and the same bytes as through nginx', async () => {
		for (const p of [...MAP_PAGES, `/${YEAR}/gallery?page=1`]) {
			const { a, n } = await bothSettled(p);
			assert.equal(a.status, 200, `${p}: ${a.status}`);
			assert.equal(n.status, 200, `${p} through nginx: ${n.status}`);
			assert.equal(a.headers.get('content-type'), n.headers.get('content-type'), `${p}: type`);
			assert.equal(a.headers.get('etag'), n.headers.get('etag'), `${p}: ETag`);
			assert.ok(a.body.equals(n.body), `${p}: the bodies differ`);
			// mod_proxy_fcgi drops the program's Content-Length and chunks
			// the body; if a length is sent, it must be right.
			const len = a.headers.get('content-length');
			if (len !== null)
				assert.equal(Number(len), a.body.length, `${p}: Content-Length`);
			const r = await raw('GET', p);
			securityOnce(r.headers, p, /default-src 'none'/);
			// Behind Apache the program sends them; behind nginx,
			// fastcgi.conf adds them instead (lib/http.c): one policy.
			for (const h of SECURITY)
				assert.equal(a.headers.get(h), n.headers.get(h), `${p}: ${h} differs from nginx's`);
		}
	});

	test('percent-encoded paths reach the programs undecoded, as behind nginx', async () => {
		// An encoded "/" stays encoded (AllowEncodedSlashes NoDecode) and the
		// program refuses it; encoded letters decode to the same page.
		const cases = [[`/%32023/`, 200], [`/${YEAR}/pr%65ss`, 200], [`/${YEAR}/press%2Fde`, 400],
			['/a%2Fb', 400], ['/caf%C3%A9', 404], [`/${YEAR}/gallery?page=%32x`, 404]];
		for (const [p, want] of cases) {
			const r = await raw('GET', p);
			const n = await rawRequest('GET', p);
			assert.equal(r.status, want, `${p}: ${r.status}`);
			assert.equal(n.status, want, `${p} through nginx: ${n.status}`);
			assert.ok(r.body.equals(n.body), `${p}: the bodies differ`);
			securityOnce(r.headers, p);
		}
	});

	test('an unknown address is the site\'s 404 page', async () => {
		const { a, n } = await both('/no-such-page');
		assert.equal(a.status, 404);
		assert.match(a.headers.get('content-type'), /^text\/html;\s*charset=utf-8$/i);
		assert.ok(a.body.equals(n.body), 'the 404 pages differ');
		securityOnce((await raw('GET', '/no-such-page')).headers, '404');
	});

	test('malformed paths are 400', async () => {
		for (const p of ['/%zz', '/%C0%AF']) {
			const r = await raw('GET', p);
			assert.equal(r.status, 400, `${p}: ${r.status}`);
			securityOnce(r.headers, p, /frame-ancestors 'none'/);
		}
	});

	test(`/${YEAR} redirects to /${YEAR}/`, async () => {
		const { a } = await both(`/${YEAR}`);
		assert.equal(a.status, 301);
		assert.equal(new URL(a.headers.get('location'), APACHE).pathname, `/${YEAR}/`);
	});

	test('HEAD: the GET headers, no body', async () => {
		const p = `/${YEAR}/`;
		const g = await fetchAt(APACHE, p);
		await g.arrayBuffer();
		const h = await raw('HEAD', p);
		assert.equal(h.status, 200);
		assert.equal(h.body.length, 0, 'HEAD answered with a body');
		for (const name of ['content-type', 'etag', 'last-modified'])
			assert.equal((h.headers[name] || [])[0], g.headers.get(name), name);
		securityOnce(h.headers, `HEAD ${p}`);
	});

	test('conditional GET: 304 from the program and for a static file', async () => {
		for (const p of [`/${YEAR}/press`, '/assets/site.css']) {
			const first = await fetchAt(APACHE, p);
			await first.arrayBuffer();
			const etag = first.headers.get('etag');
			assert.ok(etag, `${p}: no ETag`);
			const r = await raw('GET', p, `If-None-Match: ${etag}\r\n`);
			assert.equal(r.status, 304, `${p}: ${r.status}`);
			assert.equal(r.body.length, 0);
			securityOnce(r.headers, `304 ${p}`);
		}
	});

	test('POST to a public page: 405 with Allow; a large body 413, a chunked one 411', async () => {
		const p = `/${YEAR}/`;
		const r = await fetchAt(APACHE, p, { method: 'POST', body: 'a=1',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
		await r.arrayBuffer();
		assert.equal(r.status, 405);
		assert.match(r.headers.get('allow') || '', /GET/);
		assert.match(r.headers.get('allow') || '', /HEAD/);

		const big = await raw('POST', p, `Content-Length: ${PUBLIC_BODY_MAX + 1}\r\n`);
		assert.equal(big.status, 413, 'a body over the public limit');
		securityOnce(big.headers, '413');
		for (const to of [p, '/admin/login']) {
			const chunked = await raw('POST', to, 'Transfer-Encoding: chunked\r\n');
			assert.equal(chunked.status, 411, `a chunked body to ${to}`);
		}
	});

	test('the files under /media/: types, caching, nosniff, same bytes', async () => {
		const pres = await (await fetchAt(APACHE, `/${YEAR}/presentations`)).text();
		const talk = tags(pres, 'a').map((t) => t.attrs.href)
			.find((h) => /^\/media\/talks\/[0-9]{4}-[a-z0-9-]+\.pdf$/.test(h || ''));
		assert.ok(talk, 'no slide link on the presentations page');
		const hashed = '/media/' + path.relative(path.join(VARDIR, 'media'),
			path.resolve(path.join(VARDIR, 'media/talks'), fs.readlinkSync(path.join(VARDIR, talk.slice(1)))));
		const gallery = await (await fetchAt(APACHE, `/${YEAR}/gallery`)).text();
		const jpeg = tags(gallery, 'img').map((t) => t.attrs.src)
			.find((s) => /^\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.jpg$/.test(s || ''));
		assert.ok(jpeg, 'no JPEG thumbnail on the gallery page');

		const zip = tags(pres, 'a').map((t) => t.attrs.href)
			.find((h) => /^\/media\/talks\/[0-9]{4}-slides\.zip$/.test(h || ''));
		assert.ok(zip, 'no slides ZIP link on the presentations page');
		const want = [[talk, 'application/pdf'], [hashed, 'application/pdf'], [jpeg, 'image/jpeg'],
			[zip, 'application/zip']];
		for (const [p, type] of want) {
			const { a, n } = await bothSettled(p);
			assert.equal(a.status, 200, `${p}: ${a.status}`);
			assert.equal(a.headers.get('content-type'), type, `${p}: type`);
			assert.ok(a.body.equals(n.body), `${p}: the files differ`);
			assert.equal(a.headers.get('cache-control'), n.headers.get('cache-control'), `${p}: Cache-Control`);
			assert.equal(a.headers.get('content-disposition'), n.headers.get('content-disposition'),
				`${p}: Content-Disposition`);
			securityOnce((await raw('GET', p)).headers, p,
				type === 'application/pdf' ? /^sandbox; frame-ancestors 'none'$/ : /default-src 'none'/);
		}
		const t = await fetchAt(APACHE, talk);
		await t.arrayBuffer();
		assert.equal(t.headers.get('content-disposition'), `inline; filename="${path.basename(talk)}"`);
		const z = await fetchAt(APACHE, zip);
		await z.arrayBuffer();
		assert.equal(z.headers.get('content-disposition'), `attachment; filename="${path.basename(zip)}"`);
		const h = await fetchAt(APACHE, hashed);
		await h.arrayBuffer();
		assert.match(h.headers.get('cache-control'), /immutable/);

		for (const p of ['/media/', '/media/tmp/', '/media/talks/', '/media/ab/nothing.pdf']) {
			const r = await raw('GET', p);
			assert.equal(r.status, 404, `${p}: ${r.status}`);
			securityOnce(r.headers, p);
		}
	});

	test('/assets/site.css: CSS, a day\'s caching, same bytes', async () => {
		const { a, n } = await both('/assets/site.css');
		assert.equal(a.status, 200);
		assert.equal(a.headers.get('content-type'), 'text/css; charset=utf-8');
		assert.equal(a.headers.get('cache-control'), 'public, max-age=86400');
		assert.ok(a.body.length > 0 && a.body.equals(n.body), 'the stylesheets differ');
		securityOnce((await raw('GET', '/assets/site.css')).headers, 'site.css');
		// Files have their own, stricter policy, the same in both.
		for (const h of SECURITY)
			assert.equal(a.headers.get(h), n.headers.get(h), `site.css: ${h} differs from nginx's`);
		assert.doesNotMatch(n.headers.get('content-security-policy'), /script-src/);
	});

	test('/favicon.ico: the same icon, a day\'s caching', async () => {
		const { a, n } = await both('/favicon.ico');
		assert.equal(a.status, 200);
		assert.equal(a.headers.get('content-type'), 'image/x-icon');
		assert.equal(a.headers.get('cache-control'), 'public, max-age=86400');
		assert.ok(a.body.length > 0 && a.body.equals(n.body), 'the icons differ');
	});

	test('an admin logs in through Apache', async () => {
		const acct = account('apache');
		const origin = new URL(APACHE).origin;
		// Padded, within the log-in form's own limit (8 KB, programs.tsv).
		const body = new URLSearchParams({ name: acct.name, password: acct.password,
			pad: 'x'.repeat(4096) }).toString();
		const login = (o) => fetchAt(APACHE, '/admin/login', { method: 'POST', body,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: o } });

		// The Origin check compares with the Host Apache passes on: nginx's
		// origin is another site from here.
		const foreign = await login(new URL(BASE).origin);
		await foreign.arrayBuffer();
		assert.equal(foreign.status, 403, 'a log-in from another origin');

		const r = await login(origin);
		await r.arrayBuffer();
		assert.equal(r.status, 303, `log-in: ${r.status}`);
		const cookie = r.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
		assert.ok(cookie, 'no session cookie');
		const sid = cookie.slice(COOKIE.length + 1).split(';')[0];
		const home = await fetchAt(APACHE, '/admin/', { headers: { Cookie: `${COOKIE}=${sid}` } });
		const text = await home.text();
		assert.equal(home.status, 200, `/admin/ with the session: ${home.status}`);
		assert.match(text, /<form\b/i);
	});
});
