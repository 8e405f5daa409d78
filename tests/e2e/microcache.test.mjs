// A made-up session cookie does not buy a way around nginx's microcache
// (deploy/nginx/symposium-http.conf, README.md "Microcache"): requests with a
// __Host-sid cookie skip the cache only within a shared budget (BYPASS_RATE
// a second plus a burst); a flood of them is answered from the cache.  The
// first release sent every such request to the program (X-Cache-Status
// BYPASS for all of them).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, YEAR } from './lib.mjs';
import { Admin, account, skipReason, COOKIE } from './admin-lib.mjs';

const PAGE = `/${YEAR}/`;
const FLOOD = 300;                  // requests with a made-up cookie
const PARALLEL = 16;
// deploy/site.sh's default BYPASS_RATE and gen.sh's BYPASS_BURST.
const RATE = 20, BURST = 40;
const REFILL_MS = Math.ceil((BURST / RATE) * 1000) + 500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function flood(cookie) {
	const seen = { statuses: new Map(), cache: new Map(), bodies: new Set() };
	let next = 0;
	const t0 = Date.now();
	const worker = async () => {
		while (next < FLOOD) {
			next++;
			const res = await get(PAGE, { headers: { Cookie: cookie } });
			const body = await res.text();
			const xc = res.headers.get('x-cache-status') || '(none)';
			seen.statuses.set(res.status, (seen.statuses.get(res.status) || 0) + 1);
			seen.cache.set(xc, (seen.cache.get(xc) || 0) + 1);
			seen.bodies.add(`${res.headers.get('etag')} ${body.length}`);
		}
	};
	await Promise.all(Array.from({ length: PARALLEL }, worker));
	return { ...seen, ms: Date.now() - t0 };
}

describe('the microcache and made-up session cookies', () => {
	after(() => sleep(REFILL_MS));  // leave the budget full for the next file

	test(`${FLOOD} requests with a made-up ${COOKIE} are answered from the cache`, async () => {
		await get(PAGE).then((r) => r.text());     // the page is in the cache
		const r = await flood(`${COOKIE}=made-up-${Date.now()}`);
		const summary = JSON.stringify({ cache: [...r.cache], ms: r.ms });
		assert.deepEqual([...r.statuses.keys()], [200], `statuses ${JSON.stringify([...r.statuses])}`);
		const bypassed = r.cache.get('BYPASS') || 0;
		// The budget: the burst, plus what refills while the flood runs.
		const allowed = BURST + 1 + Math.ceil((r.ms / 1000) * RATE);
		assert.ok(bypassed <= allowed, `${bypassed} of ${FLOOD} skipped the cache (at most ${allowed}): ${summary}`);
		assert.ok((r.cache.get('HIT') || 0) >= FLOOD / 2, `fewer than half were cache hits: ${summary}`);
		assert.equal(r.bodies.size, 1, `the answers differ: ${[...r.bodies].join(', ')}`);
	});

	test('the admin area is never in the cache, with or without a cookie', async () => {
		// Its locations turn the cache off (deploy/gen.sh): no verdict at all.
		for (const headers of [{}, { Cookie: `${COOKIE}=x` }]) {
			for (let i = 0; i < 2; i++) {
				const res = await get('/admin/login', { headers });
				await res.text();
				assert.equal(res.status, 200);
				assert.equal(res.headers.get('x-cache-status'), null,
					`/admin/login: X-Cache-Status ${res.headers.get('x-cache-status')}`);
				assert.equal(res.headers.get('x-frame-options'), 'DENY');
			}
		}
	});

	test('the same page without a cookie and with the cookie is the same page', async () => {
		const a = await get(PAGE);
		const b = await get(PAGE, { headers: { Cookie: `${COOKIE}=x` } });
		assert.equal(await a.text(), await b.text());
		assert.equal(a.headers.get('etag'), b.headers.get('etag'));
	});

	test('with the budget left, an admin\'s real session still skips the cache', { skip: skipReason() || false }, async () => {
		await sleep(REFILL_MS);
		const admin = new Admin(account('microcache'));
		await admin.loginOk();
		const res = await get(PAGE, { headers: admin.cookieHeader() });
		await res.text();
		assert.equal(res.headers.get('x-cache-status'), 'BYPASS');
	});
});
