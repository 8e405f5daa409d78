// Shared helpers of the end-to-end tests: the site's address, requests
// (fetch, and a raw socket for request lines fetch would not send), a
// small HTML attribute reader, the page list and image/PDF facts.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

export const BASE = process.env.BASE_URL || 'http://127.0.0.1:8080';
export const VARDIR = process.env.VARDIR || '';
export const ROOT = process.env.SITE_ROOT || path.resolve(import.meta.dirname, '../..');
export const OUT = process.env.OUT_DIR || path.join(ROOT, 'tests/out');

export const REQUEST_TIMEOUT_MS = 10000;
export const CRAWL_MAX = 200;           // pages followed from / at most

// The URL map's public pages for the full demo edition (site.md).
export const YEAR = 2023;
export const MAP_PAGES = [
	'/', `/${YEAR}/`, '/imprint', '/privacy',
	`/${YEAR}/press`, `/de/${YEAR}/press`,
	`/${YEAR}/presentations`, `/${YEAR}/gallery`, `/${YEAR}/programme`,
	// The same pages in German (README.md, URL map: /de + the English path).
	'/de/', `/de/${YEAR}/`, '/de/imprint', '/de/privacy',
	`/de/${YEAR}/presentations`, `/de/${YEAR}/gallery`, `/de/${YEAR}/programme`,
];

// A loopback port free at this moment (another process may still take it:
// callers retry).
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

// The schema version this release's programs need: schema.sql says it.
export const SCHEMA_VERSION = Number(/PRAGMA\s+user_version\s*=\s*(\d+)/i
	.exec(fs.readFileSync(path.join(ROOT, 'schema.sql'), 'utf8'))[1]);

// Another site (a data directory of its own) served by deploy/site.sh.
export const SITE_SH = path.join(ROOT, 'deploy/site.sh');
export const SITE_START_TIMEOUT_MS = 30000;
const SITE_PORT_TRIES = 3;

// Start the site of dir on a free loopback port; its base URL.
export async function startSite(dir) {
	for (let i = 1; ; i++) {
		const port = await freePort();
		try {
			execFileSync('sh', [SITE_SH, 'start', dir, String(port)],
				{ cwd: ROOT, timeout: SITE_START_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
			return `http://127.0.0.1:${port}`;
		} catch (e) {
			if (i === SITE_PORT_TRIES)
				throw e;
		}
	}
}

export function stopSite(dir) {
	spawnSync('sh', [SITE_SH, 'stop', dir], { timeout: SITE_START_TIMEOUT_MS });
}

export function url(p) {
	return new URL(p, BASE).href;
}

// fetch without following redirects, bounded in time.
export async function get(p, init = {}) {
	return fetch(url(p), {
		redirect: 'manual',
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		...init,
	});
}

export async function getText(p, init) {
	const res = await get(p, init);
	return { res, text: await res.text() };
}

export async function getBytes(p) {
	const res = await get(p);
	return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

// One HTTP/1.1 request over a plain socket, exactly as given: target may hold
// bytes fetch would re-encode (raw invalid UTF-8, bare "%").  Returns
// { status, headers (lower-case names, arrays), body (Buffer) }.  base: another
// front end of the same site (apache.test.mjs).
export function rawRequest(method, target, extra = '', base = BASE) {
	const { hostname: HOST, port: PORT } = new URL(base);
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host: HOST, port: Number(PORT) });
		const chunks = [];
		sock.setTimeout(REQUEST_TIMEOUT_MS, () => {
			sock.destroy(new Error(`timeout: ${method} ${target.slice(0, 80)}`));
		});
		sock.on('connect', () => {
			const head = Buffer.concat([
				Buffer.from(`${method} `, 'latin1'),
				Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
				Buffer.from(` HTTP/1.1\r\nHost: ${HOST}:${PORT}\r\n` +
					`Connection: close\r\n${extra}\r\n`, 'latin1'),
			]);
			sock.write(head);
		});
		sock.on('data', (d) => chunks.push(d));
		sock.on('error', reject);
		sock.on('end', () => {
			try {
				resolve(parseResponse(Buffer.concat(chunks), method));
			} catch (e) {
				reject(e);
			}
		});
	});
}

function parseResponse(buf, method) {
	const end = buf.indexOf('\r\n\r\n');
	if (end < 0)
		throw new Error(`no complete response header: ${buf.toString('latin1').slice(0, 200)}`);
	const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
	if (!m)
		throw new Error(`bad status line: ${lines[0]}`);
	const headers = {};
	for (const line of lines.slice(1)) {
		const i = line.indexOf(':');
		const name = line.slice(0, i).trim().toLowerCase();
		(headers[name] ||= []).push(line.slice(i + 1).trim());
	}
	let body = buf.subarray(end + 4);
	if ((headers['transfer-encoding'] || []).some((v) => /chunked/i.test(v)))
		body = unchunk(body);
	return { status: Number(m[1]), headers, body, method };
}

function unchunk(b) {
	const parts = [];
	let i = 0;
	for (;;) {
		const eol = b.indexOf('\r\n', i);
		if (eol < 0)
			break;
		const n = parseInt(b.subarray(i, eol).toString('latin1'), 16);
		if (!n)
			break;
		parts.push(b.subarray(eol + 2, eol + 2 + n));
		i = eol + 2 + n + 2;
	}
	return Buffer.concat(parts);
}

// ---- HTML -------------------------------------------------------------

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
	ndash: '\u2013', mdash: '\u2014', shy: '' };

export function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, e) => {
		if (e[0] === '#')
			return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ?
				parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return ENTITIES[e.toLowerCase()] ?? all;
	});
}

// The visible text of a page, whitespace collapsed (no scripts, no styles).
export function textOf(html) {
	return decodeEntities(html
		.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' '))
		.replace(/\s+/g, ' ');
}

// Every start tag <name ...>: [{ attrs, index, end }], attribute values
// entity-decoded, names lower-case.  Enough for the site's own markup.
export function tags(html, name) {
	const out = [];
	const re = new RegExp(`<${name}\\b((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'gi');
	for (let m; (m = re.exec(html));) {
		const attrs = {};
		const are = /([^\s=\/]+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
		for (let a; (a = are.exec(m[1]));)
			attrs[a[1].toLowerCase()] = decodeEntities(a[3] ?? a[4] ?? a[5] ?? '');
		out.push({ attrs, index: m.index, end: m.index + m[0].length });
	}
	return out;
}

// Same-origin paths of every <a href> in html (fragments dropped).
export function localLinks(html, from) {
	const out = [];
	for (const { attrs } of tags(html, 'a')) {
		if (!attrs.href)
			continue;
		const u = new URL(attrs.href, url(from));
		if (u.origin !== new URL(BASE).origin)
			continue;
		out.push(u.pathname + u.search);
	}
	return out;
}

// Pages: the URL map's pages plus every same-origin page linked from them,
// breadth first (files under /media/ and /assets/ are not pages).
export async function crawl() {
	const seen = new Set(MAP_PAGES);
	const queue = [...MAP_PAGES];
	const pages = [];
	while (queue.length && pages.length < CRAWL_MAX) {
		const p = queue.shift();
		const { res, text } = await getText(p);
		pages.push({ path: p, status: res.status, type: res.headers.get('content-type'), html: text });
		if (res.status !== 200 || !/text\/html/.test(res.headers.get('content-type') || ''))
			continue;
		for (const l of localLinks(text, p)) {
			// Calendar files (.ics) are not pages: programme.test.mjs reads them.
			if (/^\/(media|assets)\//.test(l) || /\.ics$/.test(l) || l.startsWith('/admin') || seen.has(l))
				continue;
			seen.add(l);
			queue.push(l);
		}
	}
	return pages;
}

let crawled;
export function pagesOnce() {
	crawled ||= crawl();
	return crawled;
}

// ---- files --------------------------------------------------------------

// Width and height of a JPEG, PNG or WebP image from its header bytes.
export function imageSize(b) {
	if (b[0] === 0x89 && b.toString('latin1', 1, 4) === 'PNG')
		return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
	if (b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
		return webpSize(b);
	if (b[0] === 0xff && b[1] === 0xd8)
		return jpegSize(b);
	throw new Error('not a JPEG, PNG or WebP image');
}

function jpegSize(b) {
	let i = 2;
	while (i + 9 < b.length) {
		if (b[i] !== 0xff) { i++; continue; }
		const marker = b[i + 1];
		if (marker === 0xff) { i++; continue; }
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
		const len = b.readUInt16BE(i + 2);
		// SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
			return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
		i += 2 + len;
	}
	throw new Error('JPEG without a frame header');
}

function webpSize(b) {
	const kind = b.toString('latin1', 12, 16);
	if (kind === 'VP8 ')
		return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
	if (kind === 'VP8L') {
		const v = b.readUInt32LE(21);
		return { width: (v & 0x3fff) + 1, height: ((v >> 14) & 0x3fff) + 1 };
	}
	if (kind === 'VP8X')
		return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
	throw new Error(`WebP chunk ${kind}`);
}

// A PDF's page count, as poppler's pdfinfo reads it.
export function pdfPages(bytes) {
	const dir = fs.mkdtempSync(path.join(OUT, 'pdf-'));
	try {
		const f = path.join(dir, 'x.pdf');
		fs.writeFileSync(f, bytes);
		const info = execFileSync('pdfinfo', [f], { encoding: 'utf8', timeout: 20000 });
		const m = /^Pages:\s+(\d+)/m.exec(info);
		if (!m)
			throw new Error(`pdfinfo printed no page count:\n${info}`);
		return Number(m[1]);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

// nginx's microcache keeps a public page for a second (symposium.conf); a
// change must show within that, plus a render.
export const VISIBLE_WITHIN_MS = 3000;

// The status of p once it is `want`, or the last one seen within
// VISIBLE_WITHIN_MS.
export async function statusSoon(p, want) {
	const until = Date.now() + VISIBLE_WITHIN_MS;
	for (;;) {
		const res = await get(p);
		await res.arrayBuffer();
		if (res.status === want || Date.now() > until)
			return res.status;
		await new Promise((r) => setTimeout(r, 100));
	}
}

// Runs SQL against the site's database (the sqlite3 shell; the programs
// keep it open read-only and see the change through data_version).
export function sql(statement) {
	if (!VARDIR)
		throw new Error('VARDIR is not set');
	return execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(VARDIR, 'site.db'), statement],
		{ encoding: 'utf8', timeout: 20000 });
}
