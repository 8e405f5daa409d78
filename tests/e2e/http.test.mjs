// HTTP behaviour of the site behind nginx: statuses, headers, validators,
// refusals of bad requests, the files nginx serves itself.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { get, getText, rawRequest, tags, pagesOnce, MAP_PAGES, YEAR, sql, statusSoon,
	VISIBLE_WITHIN_MS } from './lib.mjs';

const HTML_TYPE = /^text\/html;\s*charset=utf-8$/i;

// Security headers every response carries (fetch Headers or raw arrays).
function checkSecurity(h, what) {
	const one = (name) => {
		const v = typeof h.get === 'function' ? h.get(name) : (h[name] || []).join(', ');
		assert.ok(v, `${what}: no ${name}`);
		return v;
	};
	const csp = one('content-security-policy');
	// Two policies would be folded into one value joined by ", ".
	assert.ok(!csp.includes(','), `${what}: more than one CSP: ${csp}`);
	assert.ok(!csp.includes("'unsafe-inline'"), `${what}: CSP allows 'unsafe-inline': ${csp}`);
	assert.ok(!csp.includes("'unsafe-eval'"), `${what}: CSP allows 'unsafe-eval': ${csp}`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP without frame-ancestors 'none'`);
	assert.equal(one('x-content-type-options'), 'nosniff', `${what}: nosniff`);
	assert.match(one('referrer-policy'), /^[a-z-]+$/, `${what}: Referrer-Policy`);
}

describe('every page of the URL map', async () => {
	const pages = await pagesOnce();

	test('the crawl found the URL map and more', () => {
		assert.ok(pages.length >= MAP_PAGES.length, `only ${pages.length} pages`);
	});

	for (const p of pages) {
		test(`GET ${p.path}: 200, html, length, validators, security`, async () => {
			const res = await get(p.path);
			const body = Buffer.from(await res.arrayBuffer());
			assert.equal(res.status, 200, `${p.path} answered ${res.status}`);
			assert.match(res.headers.get('content-type') || '', HTML_TYPE);
			assert.equal(Number(res.headers.get('content-length')), body.length, 'Content-Length');
			assert.match(res.headers.get('etag') || '', /^(W\/)?"[^"]+"$/, 'ETag');
			const lm = res.headers.get('last-modified');
			assert.ok(lm && !Number.isNaN(Date.parse(lm)), `Last-Modified: ${lm}`);
			assert.equal(res.headers.get('set-cookie'), null, 'a public page sets a cookie');
			checkSecurity(res.headers, p.path);
			assert.match(body.toString('utf8'), /^<!DOCTYPE html>/i);
		});

		test(`conditional GET ${p.path}: 304 without a body`, async () => {
			const first = await get(p.path);
			await first.arrayBuffer();
			const etag = first.headers.get('etag');
			const res = await get(p.path, { headers: { 'If-None-Match': etag } });
			const body = await res.arrayBuffer();
			assert.equal(res.status, 304);
			assert.equal(body.byteLength, 0);
			assert.equal(res.headers.get('etag'), etag);
			checkSecurity(res.headers, `304 ${p.path}`);

			const ims = await get(p.path, { headers: { 'If-Modified-Since': first.headers.get('last-modified') } });
			await ims.arrayBuffer();
			assert.equal(ims.status, 304, 'If-Modified-Since with Last-Modified');

			const other = await get(p.path, { headers: { 'If-None-Match': '"not-this-one"' } });
			await other.arrayBuffer();
			assert.equal(other.status, 200, 'a different ETag gets the page');
		});

		test(`HEAD ${p.path}: the GET headers, no body`, async () => {
			const g = await get(p.path);
			await g.arrayBuffer();
			const raw = await rawRequest('HEAD', p.path);
			assert.equal(raw.status, 200);
			assert.equal(raw.body.length, 0, 'HEAD answered with a body');
			for (const h of ['content-type', 'content-length', 'etag', 'last-modified'])
				assert.equal((raw.headers[h] || [])[0], g.headers.get(h), h);
			checkSecurity(raw.headers, `HEAD ${p.path}`);
		});
	}
});

describe('not found', () => {
	const missing = ['/no-such-page', '/1999/', '/9999/', '/0000/', `/${YEAR}/nothing`, `/${YEAR}/press/fr`,
		`/${YEAR}/press/`, '/index.html', `/${YEAR}/gallery?page=0`, `/${YEAR}/gallery?page=abc`,
		`/${YEAR}/gallery?page=99999`, `/${YEAR}/gallery?page=01`,
		`/${YEAR}/gallery?page=%zz`];
	for (const p of missing) {
		test(`GET ${p}: 404 page in the layout`, async () => {
			const { res, text } = await getText(p);
			assert.equal(res.status, 404);
			assert.match(res.headers.get('content-type') || '', HTML_TYPE);
			assert.match(text, /^<!DOCTYPE html>/i);
			assert.equal(res.headers.get('set-cookie'), null);
			checkSecurity(res.headers, `404 ${p}`);
		});
	}

	test(`/${YEAR} redirects to /${YEAR}/`, async () => {
		const res = await get(`/${YEAR}`);
		await res.arrayBuffer();
		assert.equal(res.status, 301);
		assert.equal(new URL(res.headers.get('location'), res.url).pathname, `/${YEAR}/`);
		checkSecurity(res.headers, `301 /${YEAR}`);
	});

	test(`/${YEAR}/gallery?page=1 is the gallery's first page`, async () => {
		const res = await get(`/${YEAR}/gallery?page=1`);
		await res.arrayBuffer();
		assert.equal(res.status, 200);
	});
});

describe('an unpublished edition', () => {
	// 2021: a full edition that is not the newest, so / keeps answering.
	const year = 2021;
	const paths = [`/${year}/`, `/${year}/press`, `/de/${year}/press`, `/${year}/presentations`, `/${year}/gallery`];
	test(`${year}: published, then 404 everywhere once unpublished, then back`, async () => {
		for (const p of [`/${year}/`, `/${year}/presentations`]) {
			const before = await get(p);
			await before.arrayBuffer();
			assert.equal(before.status, 200, `${p} before`);
		}
		sql(`UPDATE edition SET published = 0 WHERE year = ${year};`);
		try {
			for (const p of paths)
				assert.equal(await statusSoon(p, 404), 404, `${p} of an unpublished edition`);
			const until = Date.now() + VISIBLE_WITHIN_MS;
			let text;
			while ((text = (await getText('/')).text).includes(`href="/${year}/"`) &&
			       Date.now() < until)
				await new Promise((r) => setTimeout(r, 100));
			assert.ok(!text.includes(`href="/${year}/"`), `/ still links /${year}/`);
		} finally {
			sql(`UPDATE edition SET published = 1 WHERE year = ${year};`);
		}
		assert.equal(await statusSoon(`/${year}/`, 200), 200, `/${year}/ after publishing again`);
	});
});

describe('methods', () => {
	for (const p of ['/', `/${YEAR}/`, `/${YEAR}/press`, `/${YEAR}/presentations`, `/${YEAR}/gallery`, '/imprint']) {
		for (const method of ['POST', 'PUT', 'DELETE']) {
			test(`${method} ${p}: 405 with Allow`, async () => {
				const res = await get(p, { method, body: method === 'DELETE' ? undefined : 'a=1',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
				await res.arrayBuffer();
				assert.equal(res.status, 405);
				const allow = (res.headers.get('allow') || '').split(/\s*,\s*/);
				assert.ok(allow.includes('GET') && allow.includes('HEAD'), `Allow: ${allow}`);
				assert.ok(!allow.includes(method), `Allow lists ${method}`);
				checkSecurity(res.headers, `405 ${method} ${p}`);
			});
		}
	}
});

describe('bad requests', () => {
	const bad = [
		['/%zz', 'not hex'],
		['/%00', 'NUL'],
		['/%C0%AF', 'overlong UTF-8 for "/"'],
		['/%ff%fe', 'invalid UTF-8, encoded'],
		[Buffer.from([0x2f, 0xff, 0xfe, 0x61]), 'invalid UTF-8, raw bytes'],
		[`/${YEAR}/press%`, 'a bare %'],
	];
	for (const [target, why] of bad) {
		test(`400 for ${why}`, async () => {
			const res = await rawRequest('GET', target);
			assert.equal(res.status, 400, `${why}: ${res.status}`);
			checkSecurity(res.headers, `400 ${why}`);
		});
	}

	// Between the programs' HTTP_URI_MAX (2048) and nginx's request line
	// buffer (8k): the program refuses it.  Past nginx's buffer, nginx does.
	for (const n of [3000, 7000, 20000]) {
		test(`414 for a ${n}-byte URI`, async () => {
			const target = '/' + 'a'.repeat(n - 1);
			const res = await rawRequest('GET', target);
			assert.equal(res.status, 414);
			checkSecurity(res.headers, `414 (${n})`);
		});
	}

	test('a long URI within HTTP_PATH_MAX (1024) is an ordinary 404', async () => {
		const res = await rawRequest('GET', '/' + 'a'.repeat(1000));
		assert.equal(res.status, 404);
	});

	test('the workers keep serving after bad requests', async () => {
		for (let i = 0; i < 20; i++) {
			await rawRequest('GET', '/%zz');
			await rawRequest('GET', '/' + 'b'.repeat(3000));
			await rawRequest('POST', '/', 'Content-Length: 5\r\n\r\nhello');
		}
		for (const p of MAP_PAGES) {
			const res = await get(p);
			await res.arrayBuffer();
			assert.equal(res.status, 200, `${p} after bad requests`);
		}
	});

	test('a body over the public limit is refused before the program', async () => {
		const res = await get('/', { method: 'POST', body: 'x'.repeat(64 * 1024) });
		await res.arrayBuffer();
		assert.equal(res.status, 413);
		checkSecurity(res.headers, '413');
	});
});

describe('files nginx serves', async () => {
	const pres = (await getText(`/${YEAR}/presentations`)).text;
	const gallery = (await getText(`/${YEAR}/gallery`)).text;
	const home = (await getText(`/${YEAR}/`)).text;
	const pdf = tags(pres, 'a').map((a) => a.attrs.href).find((h) => /^\/media\/.*\.pdf$/.test(h || ''));
	const img = tags(gallery, 'img').map((i) => i.attrs.src).find((s) => /^\/media\//.test(s || ''));
	const css = tags(home, 'link').filter((l) => l.attrs.rel === 'stylesheet').map((l) => l.attrs.href)[0];

	const cases = [
		[pdf, /^application\/pdf$/, 'the slides'],
		[img, /^image\/jpeg$/, 'a thumbnail'],
		[css, /^text\/css(;\s*charset=utf-8)?$/i, 'the stylesheet'],
		['/favicon.ico', /^image\/x-icon$/, 'the icon every client asks for'],
	];
	for (const [p, type, what] of cases) {
		test(`${what} (${p}): 200, ${type.source}, nosniff`, async () => {
			assert.ok(p, `no link to ${what} found`);
			const res = await get(p);
			const body = await res.arrayBuffer();
			assert.equal(res.status, 200);
			assert.match(res.headers.get('content-type') || '', type);
			assert.equal(Number(res.headers.get('content-length')), body.byteLength);
			assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
			assert.match(res.headers.get('content-security-policy') || '', /frame-ancestors 'none'/);
			assert.match(res.headers.get('cache-control') || '', /max-age=\d+/);
			assert.ok(res.headers.get('etag'), 'ETag');
		});
	}

	test('/favicon.ico is an ICO file of PNG images', async () => {
		const b = Buffer.from(await (await get('/favicon.ico')).arrayBuffer());
		assert.deepEqual([...b.subarray(0, 4)], [0, 0, 1, 0], 'ICONDIR of type 1');
		const count = b.readUInt16LE(4);
		assert.ok(count >= 1);
		for (let i = 0; i < count; i++) {
			const size = b.readUInt32LE(6 + 16 * i + 8), off = b.readUInt32LE(6 + 16 * i + 12);
			assert.ok(off + size <= b.length, `image ${i} lies outside the file`);
			assert.equal(b.subarray(off + 1, off + 4).toString('latin1'), 'PNG', `image ${i} is no PNG`);
		}
	});

	test('hashed media are immutable', async () => {
		assert.ok(img);
		const res = await get(img);
		await res.arrayBuffer();
		if (/^\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\./.test(img))
			assert.match(res.headers.get('cache-control') || '', /immutable/);
		else
			assert.fail(`thumbnail not content-addressed: ${img}`);
	});

	test('slides under their stable name open inline with their file name', async () => {
		assert.ok(pdf);
		const m = /^\/media\/talks\/([0-9]{4}-[a-z0-9-]+\.pdf)$/.exec(pdf);
		assert.ok(m, `slides link is not /media/talks/YEAR-SLUG.pdf: ${pdf}`);
		const res = await get(pdf);
		await res.arrayBuffer();
		assert.equal(res.headers.get('content-disposition'), `inline; filename="${m[1]}"`);
		assert.doesNotMatch(res.headers.get('cache-control') || '', /immutable/);
	});

	for (const p of ['/media/', '/media/tmp/', '/media/tmp/x', '/media/talks/', '/assets/nope.css', '/media/../site.db']) {
		test(`GET ${p}: not served`, async () => {
			const res = await rawRequest('GET', p);
			assert.ok(res.status === 404 || res.status === 400, `${p}: ${res.status}`);
			checkSecurity(res.headers, `${res.status} ${p}`);
		});
	}
});
