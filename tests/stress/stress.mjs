// The kill -9 rounds of make stress (see run.sh).  Each round starts a
// slide upload and an edition save at once and kills one admin worker
// (SIGKILL) at a random moment while they run; the supervisor starts a new
// one, which reconciles the media tree (lib/links.h).  Afterwards the
// admin program is restarted once (no request in flight: the orphan sweep
// runs) and the site is checked:
//   integrity   PRAGMA integrity_check
//   lost        uploads that got their 303 but whose row or file is gone
//   orphans     stored files (media/ or private/) no media row names
//   dead links  talk links that point at nothing, or that the rule wants
//               and that are missing, or that exist against it
// The figures are printed; the exit status is 0 only when all are clean.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { sql, VARDIR } from '../e2e/lib.mjs';
import { Admin, account, formFields, withFields, MEDIA, stopAdmin, startAdmin } from '../e2e/admin-lib.mjs';
import { makePdf } from '../e2e/fixtures/files.mjs';

const ROUNDS = Number(process.env.STRESS_ROUNDS || 200);
const DEADLINE = Date.now() + 1000 * Number(process.env.STRESS_SECONDS || 900);
const KILL_MAX_MS = 150;          // the kill falls within this after the requests start
const PRIVATE = path.join(VARDIR, 'private');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The admin supervisor's live workers (its children).
function workers() {
	const sup = Number(fs.readFileSync(path.join(VARDIR, 'run', 'admin.pid'), 'utf8').trim());
	const out = [];
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d))
			continue;
		try {
			const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === sup)
				out.push(Number(d));
		} catch { /* gone meanwhile */ }
	}
	return out;
}

async function tryReq(f) {
	try {
		return await f();
	} catch (e) {
		return { status: 0, error: e.message };
	}
}

const admin = new Admin(account('stress'));
const year = Number(sql('SELECT max(year) FROM edition;').trim()) + 1;
const acked = [];                 // { title, sha }
let rounds = 0, kills = 0, uploads = 0, saves = 0, saved = 0;

async function login() {
	for (let i = 0; i < 50; i++) {
		const r = await tryReq(() => admin.login());
		if (r.status === 303) {
			admin.csrf = null;
			const p = await tryReq(() => admin.page('/admin/'));
			if (p.status === 200)
				return;
		}
		await sleep(200);
	}
	throw new Error('cannot log in');
}

async function save() {
	const form = await tryReq(() => admin.page(`/admin/${year}/`));
	if (form.status !== 200)
		return form;
	const fields = formFields(form.html, `/admin/${year}/`).filter(([k]) => k !== 'published');
	return tryReq(() => admin.post(`/admin/${year}/`, Math.random() < 0.5 ? withFields(fields, { published: '1' }) : fields));
}

async function upload(n) {
	const title = `Stress ${n} ${crypto.randomBytes(3).toString('hex')}`;
	const pdf = makePdf(1 + (n % 3), title);
	const r = await tryReq(() => admin.upload(`/admin/${year}/presentations`,
		{ title, speakers: 'Dr. Stress' }, [{ name: 'file', filename: 's.pdf', type: 'application/pdf', data: pdf }]));
	if (r.status === 303)
		acked.push({ title, sha: crypto.createHash('sha256').update(pdf).digest('hex') });
	return r;
}

async function round(n) {
	const ws = workers();
	const victim = ws[Math.floor(Math.random() * ws.length)];
	const killer = sleep(Math.random() * KILL_MAX_MS).then(() => {
		try {
			process.kill(victim, 'SIGKILL');
			kills++;
		} catch { /* ended already */ }
	});
	const [u, s] = await Promise.all([upload(n), save(), killer]);
	uploads++;
	saves++;
	if (s.status === 303)
		saved++;
	// A session or token lost with a worker's answer: log in again.
	if (u.status === 303 || s.status === 303 || u.status === 0)
		return;
	if ((await tryReq(() => admin.get('/admin/'))).status !== 200)
		await login();
}

function storedFiles(dir) {
	const out = [];
	for (const a of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
		if (!/^[0-9a-f]{2}$/.test(a))
			continue;
		for (const b of fs.readdirSync(path.join(dir, a)))
			if (!b.startsWith('.'))
				out.push(`${a}/${b}`);
	}
	return out;
}

function check() {
	const integrity = sql('PRAGMA integrity_check;').trim();
	const rows = new Map(sql('SELECT path, sha256, bytes FROM media;').trim().split('\n').filter(Boolean)
		.map((l) => { const [p, h, b] = l.split('|'); return [p, { sha: h, bytes: Number(b) }]; }));
	const where = (rel) => [path.join(MEDIA, rel), path.join(PRIVATE, rel)].find((f) => fs.existsSync(f));
	let lost = 0;
	for (const a of acked) {
		const row = sql(`SELECT m.path || '|' || m.sha256 FROM presentation t JOIN media m ON m.id = t.media_id ` +
			`WHERE t.title = '${a.title}';`).trim();
		const [rel, sha] = row.split('|');
		const f = rel && where(rel);
		if (!row || sha !== a.sha || !f ||
		    crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex') !== a.sha) {
			console.log(`stress: lost upload "${a.title}" (${row || 'no row'})`);
			lost++;
		}
	}
	const files = [...storedFiles(MEDIA), ...storedFiles(PRIVATE)];
	const orphans = files.filter((rel) => !rows.has(rel));
	for (const o of orphans)
		console.log(`stress: orphan ${o}`);
	// The talk-link rule, from the database, against media/talks/.
	const want = new Map(sql(`SELECT e.year || '-' || t.slug || '.pdf', m.path FROM presentation t ` +
		`JOIN edition e ON e.id = t.edition_id JOIN media m ON m.id = t.media_id ` +
		`WHERE t.deleted_at IS NULL AND e.published = 1;`).trim().split('\n').filter(Boolean).map((l) => l.split('|')));
	const talks = path.join(MEDIA, 'talks');
	const listed = fs.existsSync(talks) ? fs.readdirSync(talks) : [];
	const all = listed.filter((n) => !n.startsWith('.'));
	// A link or ZIP being made (".new-PID-NAME") by a worker that was killed
	// is removed when the worker is reaped.
	const stray = listed.filter((n) => n.startsWith('.new-'));
	// Each published edition with slides has its ZIP of them (a file, not a
	// link: lib/slides_zip.h), and no other edition has one.
	const zips = new Set([...want.keys()].map((n) => `${n.slice(0, 4)}-slides.zip`));
	const have = all.filter((n) => !n.endsWith('-slides.zip'));
	let dead = 0;
	for (const n of all.filter((x) => x.endsWith('-slides.zip')))
		if (!zips.delete(n)) {
			console.log(`stress: stale slides ZIP talks/${n}`);
			dead++;
		}
	for (const n of zips) {
		console.log(`stress: missing slides ZIP talks/${n}`);
		dead++;
	}
	for (const n of stray) {
		console.log(`stress: a killed worker's temp file talks/${n}`);
		dead++;
	}
	for (const n of have) {
		let target = null;
		try {
			target = fs.readlinkSync(path.join(talks, n));
		} catch { /* not a link */ }
		if (!want.has(n) || target !== `../${want.get(n)}` || !fs.existsSync(path.join(talks, n))) {
			console.log(`stress: dead or stale link talks/${n} -> ${target}`);
			dead++;
		}
	}
	for (const n of want.keys())
		if (!have.includes(n)) {
			console.log(`stress: missing link talks/${n}`);
			dead++;
		}
	return { integrity, lost, orphans: orphans.length, dead, files: files.length };
}

await login();
const ed = await admin.post('/admin/editions/new', { year: String(year), title: 'Stress edition' });
if (ed.status !== 303)
	throw new Error(`new edition: ${ed.status}`);
const t0 = Date.now();
for (let n = 1; n <= ROUNDS && Date.now() < DEADLINE; n++) {
	await round(n);
	rounds = n;
}
const seconds = ((Date.now() - t0) / 1000).toFixed(1);
// Let the last killed worker come back, then one clean start of the admin.
await sleep(1000);
await stopAdmin();
await startAdmin();
await sleep(1500);
const r = check();
console.log(`stress: rounds ${rounds} (${seconds} s), workers killed ${kills}, uploads ${uploads} ` +
	`(acknowledged ${acked.length}), saves ${saves} (acknowledged ${saved})`);
console.log(`stress: integrity ${r.integrity}, acknowledged uploads lost ${r.lost}, ` +
	`orphans ${r.orphans} (of ${r.files} stored files), dead links ${r.dead}`);
process.exit(r.integrity === 'ok' && r.lost === 0 && r.orphans === 0 && r.dead === 0 && rounds === ROUNDS ? 0 : 1);
