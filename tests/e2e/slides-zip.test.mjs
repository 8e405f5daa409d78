// All slides of an edition as one ZIP (lib/slides_zip.h, lib/links.h):
// the presentations page links it with its size, it downloads as a file
// under its name, holds every talk's PDF byte for byte in the talks'
// order, follows the talks (a trashed talk leaves it) and exists only
// while the edition is published.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getBytes, getText, tags, textOf, sql, YEAR, VARDIR } from './lib.mjs';
import { Admin, account, skipReason, publishForm, snippet, uniq, talksOf,
	live, status, waitStatus } from './admin-lib.mjs';
import { makePdf } from './fixtures/files.mjs';

const skip = skipReason();
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'slides-zip-'));

// The ZIP link of a presentations page: { href, text }, or null.
function zipLink(html) {
	const a = tags(html, 'a').find((t) => /\.zip$/.test(t.attrs.href || ''));
	if (!a)
		return null;
	return { href: a.attrs.href, text: textOf(html.slice(a.end, html.indexOf('</a>', a.end))).trim() };
}

// The entries `unzip -l` lists, in archive order.
function listed(file) {
	const out = execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
	return out.split('\n').map((l) => /^\s*\d+\s+\S+\s+\S+\s+(\S+\.pdf)$/.exec(l)).filter(Boolean).map((m) => m[1]);
}

async function download(href, name) {
	const { res, bytes } = await getBytes(href);
	assert.equal(res.status, 200, `GET ${href}: ${res.status}`);
	const file = path.join(TMP, name);
	fs.writeFileSync(file, bytes);
	return { res, file };
}

// Every talk with slides, in page order, is in the ZIP as NN-SLUG.pdf with
// the bytes of its /media/talks/YEAR-SLUG.pdf.
async function assertHoldsTalks(file, html, year) {
	const hrefs = talksOf(html).map((t) => t.href).filter(Boolean);
	const names = listed(file);
	assert.deepEqual(names, hrefs.map((h, i) =>
		`${String(i + 1).padStart(2, '0')}-${path.basename(h, '.pdf').slice(String(year).length + 1)}.pdf`));
	for (let i = 0; i < names.length; i++) {
		const inZip = execFileSync('unzip', ['-p', file, names[i]], { maxBuffer: 256 << 20 });
		const { res, bytes } = await getBytes(hrefs[i]);
		assert.equal(res.status, 200, `GET ${hrefs[i]}`);
		assert.ok(inZip.equals(bytes), `${names[i]} differs from ${hrefs[i]}`);
	}
	return names;
}

describe('the slides of an edition as one ZIP', () => {
	after(() => fs.rmSync(TMP, { recursive: true, force: true }));

	test(`/${YEAR}/presentations links the ZIP; it downloads with every talk's PDF`, async () => {
		const { res, text } = await getText(`/${YEAR}/presentations`);
		assert.equal(res.status, 200);
		const link = zipLink(text);
		assert.ok(link, 'no ZIP link');
		assert.equal(link.href, `/media/talks/${YEAR}-slides.zip`);
		const z = await download(link.href, 'site.zip');
		assert.equal(z.res.headers.get('content-type'), 'application/zip');
		assert.equal(z.res.headers.get('content-disposition'), `attachment; filename="${YEAR}-slides.zip"`);
		assert.equal(z.res.headers.get('cache-control'), 'public, max-age=600');
		assert.equal(z.res.headers.get('x-content-type-options'), 'nosniff');
		const mb = fs.statSync(z.file).size / 1e6;
		assert.match(link.text, /^All slides \(ZIP, [0-9.]+ (KB|MB|bytes)\)$/);
		if (/MB/.test(link.text))
			assert.equal(link.text, `All slides (ZIP, ${mb.toFixed(1)} MB)`);
		const names = await assertHoldsTalks(z.file, text, YEAR);
		assert.ok(names.length > 0, 'the ZIP lists no PDF');
	});

	describe('follows the talks of an edition', { skip: skip || false }, () => {
		const admin = new Admin(skip ? null : account('slideszip'));
		const year = skip ? 0 : Number(sql('SELECT max(year) FROM edition;').trim()) + 1;
		const tag = uniq('');
		const zipUrl = `/media/talks/${year}-slides.zip`;
		const talks = [];

		async function publish(on) {
			const r = await publishForm(admin, year, on);
			assert.equal(r.status, 303, `publish ${on}: ${r.status} ${snippet(r.text)}`);
		}

		before(async () => {
			await admin.loginOk();
			await admin.ensureCsrf();
			const ed = await admin.post('/admin/editions/new', { year: String(year), title: `E2E slides ZIP ${tag}` });
			assert.equal(ed.status, 303, `new edition: ${ed.status} ${snippet(ed.text)}`);
			for (const n of [1, 2]) {
				const r = await admin.upload(`/admin/${year}/presentations`,
					{ title: `Zipped talk ${n} ${tag}`, speakers: 'Dr. Erika Mustermann' },
					[{ name: 'file', filename: 't.pdf', type: 'application/pdf', data: makePdf(n, `zip ${n} ${tag}`) }]);
				assert.equal(r.status, 303, `talk ${n}: ${r.status} ${snippet(r.text)}`);
			}
			talks.push(...sql(`SELECT t.id FROM presentation t JOIN edition e ON e.id = t.edition_id ` +
				`WHERE e.year = ${year} ORDER BY t.position, t.id;`).trim().split('\n'));
		});

		after(async () => {
			if (admin.sid && year)
				await publish(false).catch(() => {});
		});

		test('an unpublished edition has no ZIP', async () => {
			assert.equal(await status(zipUrl), 404);
			assert.equal(sql(`SELECT count(*) FROM edition WHERE year = ${year} AND published = 0;`).trim(), '1');
		});

		test('published: both talks; one trashed: only the other; unpublished: gone', async () => {
			await publish(true);
			let page = await live(`/${year}/presentations`, admin);
			assert.equal(zipLink(page.text)?.href, zipUrl);
			let z = await download(zipUrl, 'two.zip');
			assert.equal((await assertHoldsTalks(z.file, page.text, year)).length, 2);

			const del = await admin.post(`/admin/${year}/presentations/${talks[0]}/delete`, {});
			assert.equal(del.status, 303, `trash: ${del.status} ${snippet(del.text)}`);
			page = await live(`/${year}/presentations`, admin);
			z = await download(zipUrl, 'one.zip');
			const names = await assertHoldsTalks(z.file, page.text, year);
			assert.equal(names.length, 1);
			assert.match(names[0], /^01-zipped-talk-2-/);

			await publish(false);
			await waitStatus(zipUrl, 404, 'the ZIP of an unpublished edition');
		});

		// Every change to the edition reconciles its files; the ZIP is
		// rewritten only when its talks' slides change (its comment says
		// what it holds), not for an edit that leaves them as they are.
		test('an edit that leaves the slides alone does not rewrite the ZIP; a talk change does', async () => {
			const file = path.join(VARDIR, 'media', 'talks', `${year}-slides.zip`);
			const inode = () => fs.statSync(file).ino;
			await publish(true);
			const first = inode();
			await publish(true);                                 // the edition saved again
			const edit = await admin.post(`/admin/${year}/presentations/${talks[1]}`,
				{ title: `Zipped talk 2 ${tag}`, speakers: 'Dr. Erika Mustermann, Prof. Max Muster' });
			assert.equal(edit.status, 303, `talk edit: ${edit.status} ${snippet(edit.text)}`);
			assert.equal(inode(), first, 'the ZIP was rewritten for edits that leave its slides alone');
			const back = await admin.post(`/admin/trash/presentation/${talks[0]}/restore`, {});
			assert.equal(back.status, 303, `restore: ${back.status} ${snippet(back.text)}`);
			assert.notEqual(inode(), first, 'a talk back from the trash: the ZIP is rebuilt');
			const page = await live(`/${year}/presentations`, admin);
			const z = await download(zipUrl, 'again.zip');
			assert.equal((await assertHoldsTalks(z.file, page.text, year)).length, 2);
		});
	});
});
