// `admin export`: the public site as static files.  The export of the test
// site, served by a plain nginx with deploy/nginx/export.conf on a free
// loopback port, answers every page byte for byte as the live site does
// and passes the public content checks (content.test.mjs run against it);
// a second export writes nothing; a changed tree is put right.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { BASE, VARDIR, ROOT, MAP_PAGES, REQUEST_TIMEOUT_MS, localLinks } from './lib.mjs';

const ADMIN = path.join(ROOT, 'cgi-bin/admin');
const START_MS = 10000;
const skip = !VARDIR ? 'VARDIR is not set (run through tests/e2e/run.sh)' :
	!fs.existsSync(ADMIN) ? 'cgi-bin/admin is not built' : false;

let tmp, dir, port, nginx, exportBase;

function exportSite(target = dir) {
	return execFileSync(ADMIN, ['export', '--db', path.join(VARDIR, 'site.db'), target],
		{ cwd: ROOT, env: { ...process.env, SITE_TEMPLATES: path.join(ROOT, 'templates') },
			encoding: 'utf8', timeout: 120000 });
}

function counts(out) {
	const m = /(\d+) pages, (\d+) files: (\d+) written, (\d+) unchanged, (\d+) removed/.exec(out);
	assert.ok(m, `no counts in: ${out}`);
	const [pages, files, written, unchanged, removed] = m.slice(1).map(Number);
	return { pages, files, written, unchanged, removed };
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
	});
}

// nginx with nothing but the export snippet, everything in tmp.
async function startNginx() {
	port = await freePort();
	const conf = path.join(tmp, 'conf');
	fs.mkdirSync(path.join(conf, 'log'), { recursive: true });
	for (const f of ['export.conf', 'export-headers.conf'])
		fs.writeFileSync(path.join(conf, f), fs.readFileSync(path.join(ROOT, 'deploy/nginx', f), 'utf8')
			.replaceAll('@EXPORT@', dir).replaceAll('@CONF@', conf));
	fs.writeFileSync(path.join(conf, 'nginx.conf'), `
${process.getuid() === 0 ? 'user root;' : ''}
daemon off;
pid ${conf}/nginx.pid;
error_log ${conf}/log/error.log warn;
events { worker_connections 64; }
http {
	access_log ${conf}/log/access.log;
	client_body_temp_path ${conf}/body;
	server { listen 127.0.0.1:${port}; include ${conf}/export.conf; }
}
`);
	nginx = spawn('nginx', ['-p', conf, '-c', path.join(conf, 'nginx.conf')], { stdio: 'ignore' });
	exportBase = `http://127.0.0.1:${port}`;
	const until = Date.now() + START_MS;
	for (;;) {
		try {
			await fetch(`${exportBase}/`, { signal: AbortSignal.timeout(1000) });
			return;
		} catch (e) {
			if (Date.now() > until)
				throw new Error(`nginx did not answer on ${exportBase}: ${e.message}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}

// Where two bodies part, as a line of each: a failure says what differs.
function firstDiff(a, b) {
	let i = 0;
	while (i < a.length && i < b.length && a[i] === b[i])
		i++;
	const line = (buf) => {
		const s = buf.lastIndexOf(10, i - 1) + 1;
		const e = buf.indexOf(10, i);
		return JSON.stringify(buf.subarray(s, e < 0 ? buf.length : e).toString('utf8').slice(0, 300));
	};
	return `byte ${i}, export ${line(a)}, live ${line(b)}`;
}

async function fetchBoth(p) {
	const opts = () => ({ redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
	const [a, b] = await Promise.all([fetch(new URL(p, BASE), opts()), fetch(new URL(p, exportBase), opts())]);
	return { live: { status: a.status, body: Buffer.from(await a.arrayBuffer()), type: a.headers.get('content-type'),
			cached: a.headers.get('x-cache-status') },
		exp: { status: b.status, body: Buffer.from(await b.arrayBuffer()), type: b.headers.get('content-type'),
			cache: b.headers.get('cache-control') } };
}

// A page of both, compared once more after a fresh export when they
// differ: nginx's microcache may answer with a copy up to a second old
// (README.md, "microcache"), and a page that changed since the export is
// no fault of it.  The first difference is printed all the same, so a
// cause can be found; a difference that stays fails the test.
async function settled(p) {
	const first = await fetchBoth(p);
	if (first.exp.status === first.live.status && first.exp.body.equals(first.live.body))
		return first;
	console.error(`export e2e: ${p} differed once (nginx's cache: ${first.live.cached}): ` +
		firstDiff(first.exp.body, first.live.body));
	exportSite();
	await new Promise((r) => setTimeout(r, 1100));
	return fetchBoth(p);
}

describe('admin export', { skip }, () => {
	before(async () => {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'symposium-export-'));
		fs.chmodSync(tmp, 0o755);
		dir = path.join(tmp, 'site');
		const first = counts(exportSite());
		assert.ok(first.pages >= MAP_PAGES.length, `${first.pages} pages`);
		assert.equal(first.written, first.files);
		await startNginx();
	});

	after(() => {
		if (nginx)
			nginx.kill('SIGQUIT');
		if (tmp)
			fs.rmSync(tmp, { recursive: true, force: true });
	});

	test('every page reached from the URL map is the live page, byte for byte', async () => {
		const seen = new Set(MAP_PAGES);
		const queue = [...MAP_PAGES];
		let n = 0;
		while (queue.length) {
			const p = queue.shift();
			const { live, exp } = await settled(p);
			assert.equal(exp.status, live.status, `${p}: status`);
			assert.ok(exp.body.equals(live.body), `${p}: the export's bytes differ from the live page (nginx's cache: ${live.cached}): ${firstDiff(exp.body, live.body)}`);
			assert.equal(exp.type, live.type, `${p}: Content-Type`);
			n++;
			if (live.status !== 200 || !/text\/html/.test(live.type || ''))
				continue;
			for (const l of localLinks(live.body.toString('utf8'), p)) {
				// The search answers what a visitor types: the one page a
				// static copy cannot hold (README, static export).
				if (l.startsWith('/admin') || /^(\/de)?\/search/.test(l) || seen.has(l))
					continue;
				seen.add(l);
				queue.push(l);
			}
		}
		assert.ok(n > MAP_PAGES.length, `${n} addresses compared`);
	});

	test('the 404 page, the /YEAR redirect and a malformed gallery page as live', async () => {
		for (const p of ['/no/such/page', '/1999/', '/2023/gallery?page=0', '/2023/gallery?page=99']) {
			const { live, exp } = await fetchBoth(p);
			assert.equal(exp.status, 404, p);
			assert.equal(live.status, 404, p);
			if (p === '/no/such/page')
				assert.ok(exp.body.equals(live.body), '404 page body');
		}
		const { live, exp } = await fetchBoth('/2023');
		assert.equal(exp.status, 301);
		assert.equal(live.status, 301);
	});

	test('caching: pages a minute, stored files a year and immutable', async () => {
		const page = await fetch(`${exportBase}/2023/gallery`);
		assert.equal(page.headers.get('cache-control'), 'public, max-age=60');
		assert.ok(page.headers.get('etag'), 'no ETag');
		assert.match(page.headers.get('content-security-policy') || '', /default-src 'none'/);
		const html = await page.text();
		const img = /"(\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.jpg)"/.exec(html);
		assert.ok(img, 'no stored image on /2023/gallery');
		const file = await fetch(`${exportBase}${img[1]}`);
		assert.equal(file.status, 200);
		assert.equal(file.headers.get('cache-control'), 'public, max-age=31536000, immutable');
	});

	test('content.test.mjs passes against the export', () => {
		// A run of its own (not a subtest of this one: NODE_TEST_CONTEXT off).
		const env = { ...process.env, BASE_URL: exportBase };
		delete env.NODE_TEST_CONTEXT;
		const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'tests/e2e/content.test.mjs'],
			{ cwd: ROOT, env, encoding: 'utf8', timeout: 300000 });
		assert.equal(r.status, 0, `content checks failed against the export:\n${r.stdout.slice(-3000)}\n${r.stderr}`);
		assert.match(r.stdout, /# pass [1-9]/);
		assert.match(r.stdout, /# fail 0/);
	});

	test('a second export writes nothing; a changed tree is put right', () => {
		const again = counts(exportSite());
		assert.equal(again.written, 0);
		assert.equal(again.removed, 0);
		assert.equal(again.unchanged, again.files);
		fs.writeFileSync(path.join(dir, '2023', 'index.html'), 'edited by hand');
		fs.writeFileSync(path.join(dir, 'stray.html'), 'left over');
		const fixed = counts(exportSite());
		assert.equal(fixed.written, 1);
		assert.equal(fixed.removed, 1);
		assert.ok(!fs.existsSync(path.join(dir, 'stray.html')));
	});

	test('a directory that is not an export is refused, untouched', () => {
		const other = path.join(tmp, 'other');
		fs.mkdirSync(other);
		fs.writeFileSync(path.join(other, 'keep.txt'), 'mine');
		assert.throws(() => exportSite(other), /not empty/);
		assert.deepEqual(fs.readdirSync(other), ['keep.txt']);
	});
});
