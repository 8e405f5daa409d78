// A real press release through the admin form: the English release of the
// 2023 edition from the source text (../shared/content/ beside the
// repository, or $SITE_CONTENT), pasted as
// Markdown paragraphs, must come out on /2023/press whole - every paragraph,
// escaped, nothing lost - modulo the typographic quotes and dashes that
// smart punctuation makes.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { textOf, decodeEntities, ROOT, YEAR } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, live } from './admin-lib.mjs';

const CANDIDATES = [process.env.SITE_CONTENT, path.join(ROOT, '../shared/content')]
	.filter(Boolean);
const FILE = 'symposium-2023-source.txt';
const sourceDir = CANDIDATES.find((d) => fs.existsSync(path.join(d, FILE)));
const skip = skipReason() || (sourceDir ? null : `${FILE} not found in ${CANDIDATES.join(' or ')}`);

// The English release: from its title line through the Wiehler quote.
function release() {
	const lines = fs.readFileSync(path.join(sourceDir, FILE), 'utf8').split(/\r?\n/);
	const start = lines.findIndex((l) => l.startsWith('Better use of health data'));
	const end = lines.findIndex((l, i) => i > start && l.startsWith('Dr. Jens Wiehler'));
	assert.ok(start >= 0 && end > start, 'the release is not in the source text');
	const paras = lines.slice(start, end + 1).map((l) => l.trim()).filter(Boolean);
	return { title: paras[0], body: paras.slice(1) };
}

// Text as read: quotes, dashes and ellipses made plain, spaces collapsed.
function plain(s) {
	return s.replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"').replace(/[\u2018\u2019\u201a]/g, "'")
		.replace(/[\u2013\u2014]/g, '-').replace(/\u2026/g, '...').replace(/\u00a0/g, ' ')
		.replace(/--/g, '-').replace(/\s+/g, ' ').trim();
}

describe('admin: the 2023 English press release from the source text', { skip: skip || false }, () => {
	const admin = new Admin(skip ? null : account('source'));
	let original = null;

	after(async () => {
		if (original && admin.sid)
			await admin.upload(`/admin/${YEAR}/press/en`, original).catch(() => {});
	});

	test('uploaded through the form, every paragraph served intact and escaped', async () => {
		const { title, body } = release();
		assert.ok(body.length >= 5, `only ${body.length} paragraphs`);
		await admin.loginOk();
		const form = await admin.page(`/admin/${YEAR}/press/en`);
		original = formFields(form.html, `/admin/${YEAR}/press/en`);
		const r = await admin.upload(`/admin/${YEAR}/press/en`, withFields(original,
			{ title, released: '2023-12-06', body_md: body.join('\n\n') + '\n' }));
		assert.equal(r.status, 303, `${r.status} ${snippet(r.text)}`);
		assert.equal(r.location, `/admin/${YEAR}/press/en?done=published`);

		const { res, text } = await live(`/${YEAR}/press`, admin);
		assert.equal(res.status, 200);
		const h1 = /<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(text);
		assert.ok(h1 && plain(textOf(h1[1])) === plain(title), `title: ${h1 && textOf(h1[1])}`);
		// The served paragraphs, each compared whole with the source's.
		const raw = [...text.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => m[1]);
		const served = raw.map((h) => plain(decodeEntities(h.replace(/<[^>]*>/g, ''))));
		for (const p of body) {
			const i = served.indexOf(plain(p));
			assert.ok(i >= 0, `paragraph not served intact: "${p.slice(0, 100)}..."`);
			// Escaped: no markup inside, every & an entity.
			assert.ok(!/</.test(raw[i]), `markup inside a plain paragraph: ${raw[i].slice(0, 100)}`);
			assert.ok(!/&(?![a-z]+;|#[0-9]+;|#x[0-9a-f]+;)/i.test(raw[i]), `an unescaped & in: ${raw[i].slice(0, 100)}`);
		}
	});
});
