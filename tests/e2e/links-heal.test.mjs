// A crash between a commit and the media tree (issue: the slide link of a
// talk answered 404 until a later save).  The admin reconciles the media
// tree with the database whenever a worker starts (lib/links.h), so the
// worker the supervisor starts after the crash heals it.
//
// Two ways to reach that state: the database changed while the admin is
// stopped (what a crash right after COMMIT leaves: rows committed, files
// untouched), and a worker really dying there - the admin started with
// SITE_TEST_CRASH_AFTER_COMMIT, a fault point that exits the worker right
// after db_commit, before the files are reconciled.  A fault point rather
// than a debugger breakpoint: deterministic, and no ptrace rights needed on
// a CI machine.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getBytes, sql } from './lib.mjs';
import { Admin, account, skipReason, formFields, withFields, snippet, uniq, MEDIA, stopAdmin, startAdmin, status, waitStatus } from './admin-lib.mjs';
import { makePdf } from './fixtures/files.mjs';

const skip = skipReason();

describe('links: a crash between commit and the media tree heals', { skip: skip || false }, () => {
	const admin = new Admin(skip ? null : account('heal'));
	const year = skip ? 0 : Number(sql('SELECT max(year) FROM edition;').trim()) + 1;
	const tag = uniq('');
	const pdf = makePdf(2, `E2E heal ${tag}`);
	const state = {};
	const stable = () => `/media/talks/${year}-${state.slug}.pdf`;

	async function publishForm(on) {
		const form = await admin.page(`/admin/${year}/`);
		const fields = formFields(form.html, `/admin/${year}/`).filter(([k]) => k !== 'published');
		return admin.post(`/admin/${year}/`, on ? withFields(fields, { published: '1' }) : fields);
	}

	before(async () => {
		await admin.loginOk();
		await admin.ensureCsrf();
		const ed = await admin.post('/admin/editions/new', { year: String(year), title: `E2E heal ${tag}` });
		assert.equal(ed.status, 303, `new edition: ${ed.status} ${snippet(ed.text)}`);
		const r = await admin.upload(`/admin/${year}/presentations`,
			{ title: `Healing links ${tag}`, speakers: 'Dr. Erika Mustermann' },
			[{ name: 'file', filename: 'heal.pdf', type: 'application/pdf', data: pdf }]);
		assert.equal(r.status, 303, `upload: ${r.status} ${snippet(r.text)}`);
		state.slug = sql(`SELECT p.slug FROM presentation p JOIN edition e ON e.id = p.edition_id ` +
			`WHERE e.year = ${year};`).trim();
		assert.match(state.slug, /^[a-z0-9-]+$/);
	});

	after(async () => {
		// Whatever happened: the site's own admin back, the edition private.
		if (skip)
			return;
		await stopAdmin().catch(() => {});
		sql(`UPDATE edition SET published = 0 WHERE year = ${year};`);
		await startAdmin();
	});

	test('a commit whose links were never made is healed when the admin starts', async () => {
		assert.equal(await status(stable()), 404, 'unpublished: no link yet');
		await stopAdmin();
		// The state a crash right after COMMIT leaves: the row says
		// published, the media tree does not know.
		sql(`UPDATE edition SET published = 1 WHERE year = ${year};`);
		assert.equal(fs.existsSync(path.join(MEDIA, 'talks', `${year}-${state.slug}.pdf`)), false);
		assert.equal(await status(stable()), 404, 'dead link before the admin starts');
		await startAdmin();
		await waitStatus(stable(), 200, 'after the admin started');
		const got = await getBytes(stable());
		assert.ok(got.bytes.equals(pdf), 'the link serves the uploaded slides');

		await stopAdmin();
		sql(`UPDATE edition SET published = 0 WHERE year = ${year};`);
		assert.equal(await status(stable()), 200, 'a stale link before the admin starts');
		await startAdmin();
		await waitStatus(stable(), 404, 'unpublished, after the admin started');
	});

	test('a worker killed right after the commit: the next worker makes the link', async () => {
		await stopAdmin();
		await startAdmin({ SITE_TEST_CRASH_AFTER_COMMIT: '1' });
		await admin.ensureCsrf();
		const r = await publishForm(true);
		// The worker died at the fault point: nginx has no answer for it.
		assert.equal(r.status, 502, `publish with the fault point: ${r.status} ${snippet(r.text)}`);
		assert.equal(sql(`SELECT published FROM edition WHERE year = ${year};`).trim(), '1',
			'the commit happened');
		await waitStatus(stable(), 200, 'after the worker was restarted');

		// And back: the talk into the trash, the worker dies again.
		const id = sql(`SELECT p.id FROM presentation p JOIN edition e ON e.id = p.edition_id ` +
			`WHERE e.year = ${year};`).trim();
		const del = await admin.post(`/admin/${year}/presentations/${id}/delete`, {});
		assert.equal(del.status, 502, `delete with the fault point: ${del.status}`);
		assert.notEqual(sql(`SELECT deleted_at FROM presentation WHERE id = ${id};`).trim(), '');
		await waitStatus(stable(), 404, 'trashed, after the worker was restarted');
	});
});
