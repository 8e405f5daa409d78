// Shared helpers of the admin end-to-end tests: an admin account, a client
// that keeps the session cookie and the CSRF token by hand, form bodies
// (urlencoded and multipart, also deliberately broken ones), the state of
// the database and the media directory before and after a request, and
// readers for the public pages the admin changes.
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { BASE, VARDIR, ROOT, REQUEST_TIMEOUT_MS, url, get, getBytes, tags, textOf, decodeEntities, sql } from './lib.mjs';

export const ORIGIN = new URL(BASE).origin;
export const COOKIE = '__Host-sid';
export const ADMIN_BIN = path.join(ROOT, 'cgi-bin/admin');
export const DB = VARDIR ? path.join(VARDIR, 'site.db') : '';
export const MEDIA = VARDIR ? path.join(VARDIR, 'media') : '';

// Limits of the route map (lib/upload.h, lib/form.h).
export const ADMIN_BODY_MAX = 256 * 1024 * 1024;
export const URLENCODED_MAX = 64 * 1024;
export const UPLOAD_IMAGE_MAX = 30 * 1000 * 1000;

// Why the admin tests cannot run at all, or null.
export function skipReason() {
	if (!VARDIR)
		return 'VARDIR is not set (run through tests/e2e/run.sh)';
	if (!fs.existsSync(ADMIN_BIN))
		return 'cgi-bin/admin is not built';
	return null;
}

// ---- the account ------------------------------------------------------------

// ADMIN_USER/ADMIN_PASSWORD from the harness, or an account of this test
// file made with `admin user add` (the password on stdin, never argv).
export function account(tag) {
	if (process.env.ADMIN_USER && process.env.ADMIN_PASSWORD)
		return { name: process.env.ADMIN_USER, password: process.env.ADMIN_PASSWORD };
	const name = `e2e-${tag}`;
	const password = crypto.randomBytes(18).toString('base64url');
	const run = (cmd) => execFileSync(ADMIN_BIN, ['user', cmd, name],
		{ input: `${password}\n`, cwd: ROOT, env: { ...process.env, SITE_DB: DB },
			timeout: 30000, stdio: ['pipe', 'pipe', 'pipe'] });
	try {
		run('add');
	} catch (e) {
		try {
			run('passwd');      // left from an earlier run on the same VARDIR
		} catch {
			throw new Error(`admin user add ${name} failed: ${e.stderr || e.message}`);
		}
	}
	return { name, password };
}

// ---- request bodies ---------------------------------------------------------

export function urlencoded(fields) {
	const p = new URLSearchParams();
	for (const [k, v] of pairs(fields))
		p.append(k, v);
	return { body: Buffer.from(p.toString()), type: 'application/x-www-form-urlencoded' };
}

function pairs(fields) {
	return Array.isArray(fields) ? fields : Object.entries(fields);
}

export function newBoundary() {
	return `----e2eBoundary${crypto.randomBytes(12).toString('hex')}`;
}

// A name or file name in a Content-Disposition header, escaped as browsers
// do (HTML's multipart/form-data encoding): " CR LF as %22 %0D %0A.
export function dispositionQuote(s) {
	return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

// multipart/form-data as a browser sends it.  fields: { name: value } or
// [[name, value]]; files: [{ name, filename, type, data }].
export function multipart(fields, files = [], boundary = newBoundary()) {
	const parts = [];
	for (const [k, v] of pairs(fields))
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${dispositionQuote(k)}"\r\n\r\n${v}\r\n`));
	for (const f of files) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${dispositionQuote(f.name)}"; ` +
			`filename="${dispositionQuote(f.filename)}"\r\nContent-Type: ${f.type || 'application/octet-stream'}\r\n\r\n`));
		parts.push(f.data, Buffer.from('\r\n'));
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

// ---- the client -------------------------------------------------------------

// One admin's browser, by hand: the session cookie, the CSRF token; of the
// test site, or of another site at `base`.
export class Admin {
	constructor(acct, base = BASE) {
		this.acct = acct;
		this.base = base;
		this.sid = null;
		this.csrf = null;
	}

	cookieHeader() {
		return this.sid ? { Cookie: `${COOKIE}=${this.sid}` } : {};
	}

	// Any request; returns { res, status, location (path), text, cookies }.
	// opts: body, type, headers, origin (null: none), site (Sec-Fetch-Site),
	// cookie (false: none).
	async request(method, p, opts = {}) {
		const headers = { ...(opts.cookie === false ? {} : this.cookieHeader()), ...(opts.headers || {}) };
		const origin = opts.origin === undefined ? new URL(this.base).origin : opts.origin;
		if (origin !== null && method !== 'GET' && method !== 'HEAD')
			headers.Origin = origin;
		if (opts.site)
			headers['Sec-Fetch-Site'] = opts.site;
		if (opts.type)
			headers['Content-Type'] = opts.type;
		const res = await fetch(new URL(p, this.base).href, { method, headers, body: opts.body, redirect: 'manual',
			signal: AbortSignal.timeout(opts.timeout || REQUEST_TIMEOUT_MS) });
		const text = method === 'HEAD' ? '' : await res.text();
		const loc = res.headers.get('location');
		return { res, status: res.status, text, location: loc && locationPath(loc),
			cookies: res.headers.getSetCookie() };
	}

	async get(p) {
		return this.request('GET', p);
	}

	// GET that must answer 200; remembers the CSRF token of its forms.
	async page(p) {
		const r = await this.get(p);
		assert.equal(r.status, 200, `GET ${p}: ${r.status} ${snippet(r.text)}`);
		const token = csrfOf(r.text);
		if (token)
			this.csrf = token;
		return { ...r, html: r.text, words: textOf(r.text) };
	}

	async ensureCsrf() {
		if (!this.csrf)
			await this.page('/admin/');
		assert.ok(this.csrf, 'no csrf field on /admin/');
		return this.csrf;
	}

	// A POST of a form, csrf added unless the fields carry one already or
	// opts.csrf === false.
	async post(p, fields = {}, opts = {}) {
		const list = pairs(fields);
		if (opts.csrf !== false && !list.some(([k]) => k === 'csrf'))
			list.unshift(['csrf', await this.ensureCsrf()]);
		const { body, type } = urlencoded(list);
		return this.request('POST', p, { body, type, ...opts });
	}

	async upload(p, fields = {}, files = [], opts = {}) {
		const list = pairs(fields);
		if (opts.csrf !== false && !list.some(([k]) => k === 'csrf'))
			list.unshift(['csrf', await this.ensureCsrf()]);
		const { body, type } = multipart(list, files);
		return this.request('POST', p, { body, type, ...opts });
	}

	// POST /admin/login; on 303 keeps the new session cookie.
	async login(name = this.acct.name, password = this.acct.password, opts = {}) {
		const { body, type } = urlencoded({ name, password });
		const r = await this.request('POST', '/admin/login', { body, type, ...opts });
		if (r.status === 303) {
			const c = parseSetCookie(r.cookies.find((s) => s.startsWith(`${COOKIE}=`)) || '');
			assert.ok(c && c.value, `login: no ${COOKIE} cookie in ${JSON.stringify(r.cookies)}`);
			this.sid = c.value;
			this.csrf = null;
		}
		return r;
	}

	async loginOk() {
		const r = await this.login();
		assert.equal(r.status, 303, `log-in as ${this.acct.name}: ${r.status} ${snippet(r.text)}`);
		return r;
	}
}

// Log in through the form in a browser page (playwright-core), landing on
// the dashboard.
export async function browserLogin(page, acct) {
	await page.goto(`${BASE}/admin/login`);
	await page.fill('input[name="name"]', acct.name);
	await page.fill('input[name="password"]', acct.password);
	await Promise.all([page.waitForURL(`${BASE}/admin/`), page.click('form[action="/admin/login"] [type="submit"]')]);
}

// POST an edition's admin form with published on or off (the other
// fields as the form has them); the response.
export async function publishForm(admin, year, on) {
	const form = await admin.page(`/admin/${year}/`);
	const fields = formFields(form.html, `/admin/${year}/`).filter(([k]) => k !== 'published');
	return admin.post(`/admin/${year}/`, on ? withFields(fields, { published: '1' }) : fields);
}

export function locationPath(loc) {
	const u = new URL(loc, BASE);
	return u.origin === ORIGIN ? u.pathname + u.search : loc;
}

export function snippet(text, n = 300) {
	return textOf(text || '').trim().slice(0, n);
}

export function csrfOf(html) {
	const i = tags(html, 'input').find((t) => t.attrs.name === 'csrf');
	return i ? i.attrs.value : null;
}

// "name=value; A; B=c" -> { name, value, attrs: { a: true, b: 'c' } } with
// lower-case attribute names.
export function parseSetCookie(s) {
	if (!s)
		return null;
	const [pair, ...rest] = s.split(';');
	const eq = pair.indexOf('=');
	const attrs = {};
	for (const a of rest) {
		const i = a.indexOf('=');
		const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
		attrs[k] = i < 0 ? true : a.slice(i + 1).trim();
	}
	return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

// ---- forms on a page --------------------------------------------------------

// The fields a browser would send for the <form> whose action is `action`
// (or the first form with method post): text inputs, hidden ones, checked
// boxes, textareas, selected options.  Files and buttons are left out.
export function formFields(html, action) {
	const forms = [...html.matchAll(/<form\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/form>/gi)];
	const pick = forms.find((m) => {
		const a = tags(`<form${m[1]}>`, 'form')[0].attrs;
		return action ? new URL(a.action || '', url('/x')).pathname === action
			: (a.method || '').toLowerCase() === 'post';
	});
	assert.ok(pick, `no form with action ${action}`);
	const inner = pick[2];
	const out = [];
	for (const { attrs } of tags(inner, 'input')) {
		const type = (attrs.type || 'text').toLowerCase();
		if (!attrs.name || ['file', 'submit', 'button', 'reset', 'image'].includes(type))
			continue;
		if ((type === 'checkbox' || type === 'radio') && !('checked' in attrs))
			continue;
		out.push([attrs.name, attrs.value ?? (type === 'checkbox' ? 'on' : '')]);
	}
	for (const m of inner.matchAll(/<textarea\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/textarea>/gi)) {
		const a = tags(`<textarea${m[1]}>`, 'textarea')[0].attrs;
		// HTML drops one newline right after <textarea>.
		if (a.name)
			out.push([a.name, decodeEntities(m[2].replace(/^\r?\n/, ''))]);
	}
	for (const m of inner.matchAll(/<select\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/select>/gi)) {
		const a = tags(`<select${m[1]}>`, 'select')[0].attrs;
		const opts = tags(m[2], 'option');
		const sel = opts.find((o) => 'selected' in o.attrs) || opts[0];
		if (a.name && sel)
			out.push([a.name, sel.attrs.value ?? '']);
	}
	return out;
}

// Every form's action path on a page.
export function formActions(html) {
	return tags(html, 'form').map((f) => new URL(f.attrs.action || '', url('/x')).pathname);
}

// Replace (or add) fields in a list of pairs.
export function withFields(list, changes) {
	const out = list.filter(([k]) => !(k in changes));
	for (const [k, v] of Object.entries(changes))
		if (v !== undefined && v !== null)
			out.push([k, v]);
	return out;
}

// ---- state: rows and files --------------------------------------------------

export const TABLES = ['presentation', 'photo', 'photo_draft', 'media', 'video', 'press', 'edition', 'audit', 'admin'];

export function dbState() {
	const q = TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(', ');
	const row = sql(`SELECT ${q}, (SELECT changed_at FROM site WHERE id = 1), ` +
		'(SELECT count(*) FROM session);').trim().split('|');
	const out = {};
	TABLES.forEach((t, i) => { out[t] = Number(row[i]); });
	out.changed_at = Number(row[TABLES.length]);
	out.sessions = Number(row[TABLES.length + 1]);
	return out;
}

// Every file, directory and symlink under dir: "rel (size)" / "rel -> target".
export function tree(dir, rel = '') {
	const out = [];
	let entries;
	try {
		entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
	} catch {
		return out;
	}
	for (const e of entries) {
		const r = rel ? `${rel}/${e.name}` : e.name;
		const full = path.join(dir, r);
		if (e.isSymbolicLink())
			out.push(`${r} -> ${fs.readlinkSync(full)}`);
		else if (e.isDirectory())
			out.push(`${r}/`, ...tree(dir, r));
		else
			out.push(`${r} (${fs.statSync(full).size})`);
	}
	return out.sort();
}

// VARDIR outside what changes on its own (logs, sockets, nginx's buffers,
// SQLite's journal files).
export function varTree() {
	return tree(VARDIR).filter((f) => !/^(log|run|nginx)\//.test(f) && !/^site\.db(-wal|-shm|-journal)? /.test(f)
		&& !/^(log|run|nginx)\/$/.test(f));
}

export function snapshot() {
	return { db: dbState(), media: tree(MEDIA), vardir: varTree() };
}

export function tmpFiles() {
	return tree(path.join(MEDIA, 'tmp'));
}

// Nothing changed since `before`: rows, changed_at, media files, VARDIR.
export function assertUnchanged(before, what) {
	const now = snapshot();
	const { sessions: s1, ...db1 } = before.db;
	const { sessions: s2, ...db2 } = now.db;
	assert.deepEqual(db2, db1, `${what}: the database changed`);
	assert.deepEqual(now.media, before.media, `${what}: files under media/ changed`);
	assert.deepEqual(now.vardir, before.vardir, `${what}: files in VARDIR changed`);
	assert.deepEqual(tmpFiles(), [], `${what}: media/tmp is not empty`);
	return now;
}

// The site and the admin still answer after a bad request.
export async function assertAlive(admin, what) {
	const pub = await get('/');
	await pub.arrayBuffer();
	assert.equal(pub.status, 200, `${what}: GET / then answered ${pub.status}`);
	const a = await admin.get('/admin/');
	assert.equal(a.status, 200, `${what}: GET /admin/ then answered ${a.status}`);
}

// ---- raw requests -----------------------------------------------------------

// A request written to a socket exactly as given (head without the final
// CRLF CRLF, which is added), optionally half-closing after the body.
// Resolves { status (0: closed without an answer), headers, text }.
export function rawExchange(head, body = Buffer.alloc(0), { halfClose = false, timeout = REQUEST_TIMEOUT_MS } = {}) {
	const { hostname, port } = new URL(BASE);
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host: hostname, port: Number(port) });
		const chunks = [];
		let done = false;
		const finish = () => {
			if (done)
				return;
			done = true;
			const buf = Buffer.concat(chunks);
			const end = buf.indexOf('\r\n\r\n');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf.toString('latin1', 0, 20));
			resolve({ status: m ? Number(m[1]) : 0, head: buf.subarray(0, Math.max(end, 0)).toString('latin1'),
				text: end < 0 ? '' : buf.subarray(end + 4).toString('utf8') });
		};
		sock.setTimeout(timeout, () => { sock.destroy(); finish(); });
		sock.on('connect', () => {
			sock.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]));
			if (halfClose)
				sock.end();
		});
		sock.on('data', (d) => {
			chunks.push(d);
			// A whole answer with a Content-Length: done, without waiting for
			// the server's lingering close.
			const buf = Buffer.concat(chunks);
			const end = buf.indexOf('\r\n\r\n');
			const cl = end < 0 ? null : /\r\ncontent-length:\s*(\d+)/i.exec(buf.toString('latin1', 0, end));
			if (cl && buf.length >= end + 4 + Number(cl[1])) {
				finish();
				sock.destroy();
			}
		});
		sock.on('error', (e) => (chunks.length ? finish() : e.code === 'ECONNRESET' ? finish() : reject(e)));
		sock.on('close', finish);
	});
}

export function hostHeader() {
	const { host } = new URL(BASE);
	return host;
}

// ---- public pages -----------------------------------------------------------

// How long an anonymous visitor may still get a page from before a change:
// nginx keeps public pages for 1 s (symposium.conf, "FastCGI microcache"),
// plus a refresh; the admin's own requests bypass it.
export const MICROCACHE_MAX_MS = 3000;

// A public page as the logged-in admin's browser gets it: the session
// cookie makes nginx bypass its microcache, so the answer is the program's
// own, and must already show a change committed before (the render cache
// drops on PRAGMA data_version).
export async function live(p, admin) {
	const headers = admin && admin.sid ? { Cookie: `${COOKIE}=${admin.sid}` } : {};
	const res = await get(p, { headers });
	const text = await res.text();
	const xc = res.headers.get('x-cache-status');
	if (headers.Cookie)
		assert.ok(!xc || xc === 'BYPASS', `${p}: X-Cache-Status ${xc} for a request with the admin cookie`);
	return { res, text };
}

// A public page as an anonymous visitor gets it, asked again until ok(res,
// text) holds, for at most MICROCACHE_MAX_MS.  Returns the wait in ms.
export async function eventually(p, ok, what) {
	const t0 = Date.now();
	for (;;) {
		const res = await get(p);
		const text = await res.text();
		if (ok(res, text))
			return Date.now() - t0;
		assert.ok(Date.now() - t0 < MICROCACHE_MAX_MS,
			`${what}: an anonymous GET ${p} still shows the old page after ${MICROCACHE_MAX_MS} ms`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

// The talks on /YEAR/presentations, in order: { title, speakers,
// affiliation, href, label }.
export function talksOf(html) {
	const out = [];
	for (const m of html.matchAll(/<li class="talk"[^>]*>([\s\S]*?)<\/li>/g)) {
		const li = m[1];
		const part = (cls) => {
			const x = new RegExp(`class="${cls}"[^>]*>([\\s\\S]*?)</(h3|p)>`).exec(li);
			return x ? textOf(x[1]).trim() : '';
		};
		const a = tags(li, 'a').find((t) => /\.pdf$/.test(t.attrs.href || ''));
		// The link's visible text, without the part only screen readers get.
		const label = a ? textOf(li.slice(a.end, li.indexOf('</a>', a.end))
			.replace(/<span class="vh">[\s\S]*?<\/span>/g, '')).trim() : '';
		out.push({ title: part('talk-title'), speakers: part('talk-speakers'),
			affiliation: part('talk-affiliation'), href: a ? a.attrs.href : '', label });
	}
	return out;
}

// Every gallery photo of an edition across its pages: { src, width,
// height, alt, href, caption } in order.
export async function galleryOf(year, admin) {
	const out = [];
	for (let page = 1; page < 50; page++) {
		const { res, text: html } = await live(page === 1 ? `/${year}/gallery` : `/${year}/gallery?page=${page}`, admin);
		if (res.status === 404 && page > 1)
			break;
		assert.equal(res.status, 200, `/${year}/gallery page ${page}: ${res.status}`);
		for (const m of html.matchAll(/<figure\b[^>]*>([\s\S]*?)<\/figure>/g)) {
			const img = tags(m[1], 'img')[0];
			const a = tags(m[1], 'a')[0];
			const cap = /<figcaption[^>]*>([\s\S]*?)<\/figcaption>/.exec(m[1]);
			if (img)
				out.push({ ...img.attrs, href: a && a.attrs.href, caption: cap ? textOf(cap[1]).trim() : '' });
		}
		if (!/rel="next"/.test(html))
			break;
	}
	return out;
}

// A year no edition has, from `from` on (for an edition a test makes).
export function freeYear(from) {
	const taken = new Set(sql('SELECT year FROM edition;').split('\n').filter(Boolean).map(Number));
	for (let y = from; y < from + 100; y++)
		if (!taken.has(y))
			return y;
	throw new Error(`no free year from ${from}`);
}

export function uniq(tag) {
	return `${tag}${crypto.randomBytes(3).toString('hex')}`;
}

// Photos into an edition's gallery the way the admin's script does it: each
// file on its own request (201), then all described in one submit.  files:
// [{ filename, data }], texts: [{ alt, caption, credit, decorative, alt_de,
// caption_de }] in the same order.  Returns the new photos' ids, in that order.
export async function addPhotos(admin, year, files, texts = []) {
	const drafts = [];
	for (const f of files) {
		const r = await admin.upload(`/admin/${year}/photos`, { one: '1' },
			[{ name: 'file', filename: f.filename, type: 'image/jpeg', data: f.data }], { timeout: 60000 });
		assert.equal(r.status, 201, `upload ${f.filename}: ${r.status} ${snippet(r.text)}`);
		const id = sql(`SELECT max(d.id) FROM photo_draft d JOIN edition e ON e.id = d.edition_id
			WHERE e.year = ${year} AND d.name = '${f.filename.replace(/'/g, "''")}';`).trim();
		assert.match(id, /^\d+$/, `no draft for ${f.filename}`);
		drafts.push(id);
	}
	const thumbs = drafts.map((id) => sql(`SELECT thumb_id FROM photo_draft WHERE id = ${id};`).trim());
	const fields = [];
	drafts.forEach((id, i) => {
		const t = texts[i] || { alt: `Photo ${files[i].filename}` };
		fields.push(['id', id], [`alt_${id}`, t.alt || ''], [`caption_${id}`, t.caption || ''],
			[`credit_${id}`, t.credit || ''], [`alt_de_${id}`, t.alt_de || ''],
			[`caption_de_${id}`, t.caption_de || '']);
		if (t.decorative)
			fields.push([`decorative_${id}`, '1']);
	});
	const r = await admin.post(`/admin/${year}/photos/describe`, fields);
	assert.equal(r.status, 303, `describe: ${r.status} ${snippet(r.text)}`);
	return thumbs.map((t) => sql(`SELECT max(id) FROM photo WHERE thumb_id = ${t};`).trim());
}

// ---- the admin program itself ---------------------------------------------

const HEAL_WAIT_MS = 15000;       // the supervisor's restart back-off is at most 5 s
const RUN = VARDIR ? path.join(VARDIR, 'run') : '';

// The site's admin program (started by deploy/site.sh) stopped, and started
// again on the same socket, with extra environment when asked - for the
// tests of what a start or a crash does.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

// The site's admin program (started by deploy/site.sh): stop it, and start
// it again on the same socket, with extra environment when asked.
export async function stopAdmin() {
	const pidFile = path.join(RUN, 'admin.pid');
	const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
	if (pid && alive(pid)) {
		process.kill(pid, 'SIGTERM');
		for (let i = 0; i < 100 && alive(pid); i++)
			await sleep(50);
	}
	assert.ok(!alive(pid), `admin ${pid} did not stop`);
}

export async function startAdmin(env = {}) {
	const sock = path.join(RUN, 'admin.sock');
	fs.rmSync(sock, { force: true });
	const log = fs.openSync(path.join(VARDIR, 'log', 'admin.log'), 'a');
	const child = spawn(ADMIN_BIN, ['--listen', sock, '--workers', '1', '--db', DB,
		'--templates', path.join(ROOT, 'templates')],
	{ cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', log, log] });
	fs.closeSync(log);
	child.unref();
	fs.writeFileSync(path.join(RUN, 'admin.pid'), `${child.pid}\n`);
	for (let i = 0; i < 100 && !fs.existsSync(sock); i++)
		await sleep(50);
	assert.ok(fs.existsSync(sock), 'the admin did not open its socket');
}

export async function status(p) {
	return (await getBytes(p)).res.status;
}

// Polls until GET p answers want (the restarted worker reconciles first).
export async function waitStatus(p, want, what) {
	const until = Date.now() + HEAL_WAIT_MS;
	let s;
	while ((s = await status(p)) !== want && Date.now() < until)
		await sleep(100);
	assert.equal(s, want, `${what}: GET ${p} answers ${s}, not ${want}`);
}

