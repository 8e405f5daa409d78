// Every page, the 404 page included, is valid HTML by the Nu Html Checker
// (the vnu.jar shipped in the vnu-jar package, run once over all pages).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pagesOnce, getText, OUT } from './lib.mjs';

const VNU_JAR = path.join(import.meta.dirname, 'node_modules/vnu-jar/build/dist/vnu.jar');
const VNU_TIMEOUT_MS = 180000;

function fileName(p) {
	return (p.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'root') + '.html';
}

describe('Nu Html Checker', async () => {
	const dir = path.join(OUT, 'html');
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });

	const pages = (await pagesOnce()).filter((p) => p.status === 200);
	const missing = await getText('/no-such-page');
	const de404 = await getText('/de/2019/press');
	const all = [...pages.map((p) => ({ path: p.path, html: p.html })),
		{ path: '/no-such-page', html: missing.text }];
	if (de404.res.status === 404)       // a missing translation, if the demo has one
		all.push({ path: '/de/2019/press', html: de404.text });
	for (const p of all) {
		p.file = path.join(dir, fileName(p.path));
		fs.writeFileSync(p.file, p.html);
	}

	// vnu prints its JSON report on stderr and exits 1 when it found errors.
	let report;
	try {
		const r = await promisify(execFile)('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json',
			...all.map((p) => p.file)], { timeout: VNU_TIMEOUT_MS, maxBuffer: 64 << 20 });
		report = r.stderr;
	} catch (e) {
		if (!e.stderr || !e.stderr.trim().startsWith('{'))
			throw e;
		report = e.stderr;
	}
	const messages = JSON.parse(report).messages;

	test('the checker read every page', () => {
		assert.ok(all.length > 8, `${all.length} pages`);
		const fatal = messages.filter((m) => m.type === 'non-document-error');
		assert.deepEqual(fatal, []);
	});

	for (const p of all) {
		test(`valid HTML: ${p.path}`, () => {
			const mine = messages.filter((m) => m.url && decodeURIComponent(new URL(m.url).pathname) === p.file);
			const errs = mine.filter((m) => m.type === 'error' || m.subType === 'fatal')
				.map((m) => `line ${m.lastLine}: ${m.message} [${(m.extract || '').trim()}]`);
			assert.deepEqual(errs, [], `${p.path} (${p.file})`);
		});
	}
});
