// Slides of an unpublished edition must not be reachable at their stable
// address: /media/talks/YEAR-SLUG.pdf takes its slug from the title, so it
// can be guessed.  The link exists only while the edition is published and
// the talk is not in the trash; the admin itself uses the hashed file.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getBytes, tags, sql } from './lib.mjs';
import { Admin, account, skipReason, formFields, withFields, snippet, uniq, MEDIA } from './admin-lib.mjs';
import { makePdf, sha256 } from './fixtures/files.mjs';

const skip = skipReason();

describe('admin: slides of an unpublished edition stay private', { skip: skip || false }, () => {
	const admin = new Admin(skip ? null : account('unpublished'));
	// A year of its own after every existing one (the run's VARDIR may
	// already hold editions other files made).
	const year = skip ? 0 : Number(sql('SELECT max(year) FROM edition;').trim()) + 1;
	const tag = uniq('');
	const first = makePdf(2, `E2E private ${tag}`);
	const second = makePdf(3, `E2E private again ${tag}`);
	const state = { deleted: false };

	const stable = () => `/media/talks/${year}-${state.slug}.pdf`;
	const onDisk = () => {
		try {
			fs.lstatSync(path.join(MEDIA, 'talks', `${year}-${state.slug}.pdf`));
			return true;
		} catch (e) {
			if (e.code === 'ENOENT')
				return false;
			throw e;
		}
	};

	async function expectPrivate(what) {
		assert.equal(onDisk(), false, `${what}: media/talks/${year}-${state.slug}.pdf exists`);
		const r = await getBytes(stable());
		assert.equal(r.res.status, 404, `${what}: GET ${stable()} is ${r.res.status}`);
	}

	async function expectPublic(pdf, what) {
		const r = await getBytes(stable());
		assert.equal(r.res.status, 200, `${what}: GET ${stable()} is ${r.res.status}`);
		assert.equal(r.res.headers.get('content-type'), 'application/pdf', what);
		assert.ok(r.bytes.equals(pdf), `${what}: not the uploaded bytes`);
	}

	// The edition form as it stands, with published set or cleared.
	async function publish(on) {
		const form = await admin.page(`/admin/${year}/`);
		const fields = formFields(form.html, `/admin/${year}/`).filter(([k]) => k !== 'published');
		const r = await admin.post(`/admin/${year}/`, on ? withFields(fields, { published: '1' }) : fields);
		assert.equal(r.status, 303, `${on ? 'publish' : 'unpublish'}: ${r.status} ${snippet(r.text)}`);
		const now = sql(`SELECT published FROM edition WHERE year = ${year};`).trim();
		assert.equal(now, on ? '1' : '0', 'edition.published');
	}

	async function trash(action) {
		const where = action === 'delete' ? `/admin/${year}/presentations?done=deleted&undo=presentation-${state.id}`
			: '/admin/trash?done=restored';
		const p = action === 'delete' ? `/admin/${year}/presentations/${state.id}/delete`
			: `/admin/trash/presentation/${state.id}/restore`;
		const r = await admin.post(p, {});
		assert.equal(r.status, 303, `${action}: ${r.status} ${snippet(r.text)}`);
		assert.equal(r.location, where);
		state.deleted = action === 'delete';
	}

	before(async () => {
		await admin.loginOk();
		await admin.ensureCsrf();
	});

	after(async () => {
		// Leave the edition unpublished and its talk in the trash.
		if (!admin.sid || !state.id)
			return;
		if (!state.deleted)
			await admin.post(`/admin/${year}/presentations/${state.id}/delete`, {}).catch(() => {});
		const form = await admin.get(`/admin/${year}/`);
		if (form.status === 200)
			await admin.post(`/admin/${year}/`, formFields(form.text, `/admin/${year}/`)
				.filter(([k]) => k !== 'published')).catch(() => {});
	});

	test('upload to an unpublished edition: stored by hash, no stable link', async () => {
		const ed = await admin.post('/admin/editions/new', { year: String(year), title: `E2E private ${tag}` });
		assert.equal(ed.status, 303, `new edition: ${ed.status} ${snippet(ed.text)}`);
		const r = await admin.upload(`/admin/${year}/presentations`,
			{ title: `Unannounced results ${tag}`, speakers: 'Dr. Erika Mustermann' },
			[{ name: 'file', filename: 'private.pdf', type: 'application/pdf', data: first }]);
		assert.equal(r.status, 303, `upload: ${r.status} ${snippet(r.text)}`);
		const row = sql(`SELECT p.id, p.slug FROM presentation p JOIN edition e ON e.id = p.edition_id ` +
			`WHERE e.year = ${year};`).trim();
		assert.match(row, /^\d+\|[a-z0-9-]+$/, `no presentation row: ${row}`);
		[state.id, state.slug] = row.split('|');
		await expectPrivate('after the upload');
		assert.equal((await getBytes(`/${year}/presentations`)).res.status, 404, 'the public list of an unpublished edition');

		// The admin's own link is the stored file through /admin/media/; the
		// hashed public address does not answer while the edition is
		// unpublished (its file lies in the private store).
		const h = sha256(first);
		const list = await admin.page(`/admin/${year}/presentations`);
		const hrefs = tags(list.html, 'a').map((a) => a.attrs.href);
		assert.ok(hrefs.includes(`/admin/media/${h.slice(0, 2)}/${h}.pdf`), `no link to the stored file: ${hrefs.join(' ')}`);
		assert.ok(!hrefs.includes(stable()), 'the admin list links the stable address');
		const own = await admin.request('GET', `/admin/media/${h.slice(0, 2)}/${h}.pdf`);
		assert.equal(own.status, 200, 'the admin reads the stored file');
		const dl = await getBytes(`/media/${h.slice(0, 2)}/${h}.pdf`);
		assert.equal(dl.res.status, 404, 'the hashed public address of an unpublished edition\'s slides');
	});

	test('replacing the PDF while unpublished makes no link either', async () => {
		assert.ok(state.id, 'needs the uploaded talk');
		const r = await admin.upload(`/admin/${year}/presentations/${state.id}`,
			{ title: `Unannounced results ${tag}`, speakers: 'Dr. Erika Mustermann' },
			[{ name: 'file', filename: 'private-2.pdf', type: 'application/pdf', data: second }]);
		assert.equal(r.status, 303, `replace: ${r.status} ${snippet(r.text)}`);
		await expectPrivate('after the replacement');
		const h = sha256(second);
		const edit = await admin.page(`/admin/${year}/presentations/${state.id}`);
		assert.ok(tags(edit.html, 'a').some((a) => a.attrs.href === `/admin/media/${h.slice(0, 2)}/${h}.pdf`),
			'the edit form does not link the new stored file');
	});

	test('publish: the stable link answers with the current slides; unpublish: 404 again', async () => {
		assert.ok(state.id, 'needs the uploaded talk');
		await publish(true);
		await expectPublic(second, 'after publishing');
		await publish(false);
		await expectPrivate('after unpublishing');
		// Saving an unpublished edition again changes nothing.
		await publish(false);
		await expectPrivate('after saving it unpublished');
	});

	test('trash and restore follow the edition: no link while unpublished, back once published', async () => {
		assert.ok(state.id, 'needs the uploaded talk');
		await trash('delete');
		await expectPrivate('deleted while unpublished');
		await trash('restore');
		await expectPrivate('restored while unpublished');
		await publish(true);
		await expectPublic(second, 'published after the restore');
		await trash('delete');
		await expectPrivate('deleted while published');
		await trash('restore');
		await expectPublic(second, 'restored while published');
		await publish(false);
		await expectPrivate('unpublished at the end');
	});
});
