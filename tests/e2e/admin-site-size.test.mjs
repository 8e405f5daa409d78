// The site settings carry six Markdown texts (background, imprint, privacy,
// each in English and German): their address takes a body of 448 KB
// (deploy/programs.tsv, ADMIN_SITE_FORM_MAX), sent as multipart, each text
// up to 64 KB (ADMIN_SITE_TEXT_MAX).  A save with ~150 KB of text goes
// through; a text over its limit gets 422 with the form kept; a body over
// the address's limit gets the web server's readable 413; in Chromium the
// form is not sent at all and stays as typed.  Each refusal changes
// nothing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BASE, sql } from './lib.mjs';
import { Admin, account, skipReason, snippet, formFields, withFields, snapshot,
	assertUnchanged, assertAlive, browserLogin } from './admin-lib.mjs';
import { CHROMIUM, openBrowser } from './a11y-lib.mjs';

const SITE = '/admin/site';
const TEXTS = ['background_md', 'background_de_md', 'imprint_md', 'imprint_de_md',
	'privacy_md', 'privacy_de_md'];
const TEXT_MAX = 64 * 1024;          // ADMIN_SITE_TEXT_MAX (MD_INPUT_MAX)
const BODY_MAX = 448 * 1024;         // ADMIN_SITE_FORM_MAX, programs.tsv

// Markdown of exactly n bytes (UTF-8): prose with umlauts, commas and line
// breaks, what percent-encoding would have tripled; it ends in no space
// (the program trims).
function prose(n, tag) {
	const para = `Für die Tagung ${tag}: Daten, Modelle & Ergebnisse (siehe oben). ` +
		'Übersicht über die Beiträge; *wichtig* ist: alle Zeiten in Berliner Zeit.\n';
	const chars = [];
	let bytes = 0;
	for (let i = 0; ; i = (i + 1) % para.length) {
		const l = Buffer.byteLength(para[i]);
		if (bytes + l > n)
			break;
		chars.push(para[i]);
		bytes += l;
	}
	while (bytes < n) {             // an umlaut did not fit: fill with ASCII
		chars.push('x');
		bytes++;
	}
	if (/\s/.test(chars[chars.length - 1]))
		chars[chars.length - 1] = '.';
	return chars.join('');
}

// The texts and their HTML, to be put back afterwards (other tests read
// the imprint and privacy pages).
const COLUMNS = TEXTS.flatMap((t) => [t, t.replace(/_md$/, '_html')]);
const keepTexts = () => sql(`SELECT ${COLUMNS.map((t) => `hex(${t})`).join(', ')} FROM site WHERE id = 1;`).trim();
function putBack(kept) {
	if (!kept)
		return;
	const vals = kept.split('|');
	sql(`UPDATE site SET ${COLUMNS.map((t, i) => `${t} = CAST(X'${vals[i]}' AS TEXT)`).join(', ')} WHERE id = 1;`);
}

const skip = skipReason();

describe('site settings: the size of six long texts', { skip: skip || false }, () => {
	const admin = new Admin(skip ? null : account('sitesize'));
	let saved = '';

	before(async () => {
		await admin.loginOk();
		saved = keepTexts();
	});

	after(() => putBack(saved));

	async function form() {
		const r = await admin.page(SITE);
		assert.match(r.html, /<form[^>]*action="\/admin\/site"[^>]*enctype="multipart\/form-data"/,
			'the form is not sent as multipart');
		assert.match(r.html, new RegExp(`data-max-bytes="${BODY_MAX}"`));
		return formFields(r.html, SITE);
	}

	test('~150 KB of text in six fields is saved, as sent', async () => {
		const texts = Object.fromEntries(TEXTS.map((t, i) => [t, prose(25 * 1024 + i, `T${i}`)]));
		const fields = withFields(await form(), texts);
		const r = await admin.upload(SITE, fields);
		assert.equal(r.status, 303, `save: ${r.status} ${snippet(r.text)}`);
		for (const t of TEXTS) {
			const len = Number(sql(`SELECT length(CAST(${t} AS BLOB)) FROM site WHERE id = 1;`).trim());
			assert.equal(len, Buffer.byteLength(texts[t]), `${t}: stored ${len} bytes`);
		}
		const total = TEXTS.reduce((n, t) => n + Buffer.byteLength(texts[t]), 0);
		assert.ok(total > 150 * 1024, `only ${total} bytes of text`);
		const page = await fetch(`${BASE}/de/imprint`);
		assert.equal(page.status, 200);
		assert.match(await page.text(), /Tagung T3/, 'the German imprint is not on its page');
	});

	test('all six texts at their limit fit the form', async () => {
		const texts = Object.fromEntries(TEXTS.map((t) => [t, prose(TEXT_MAX, 'max')]));
		const r = await admin.upload(SITE, withFields(await form(), texts));
		assert.equal(r.status, 303, `save: ${r.status} ${snippet(r.text)}`);
	});

	test('a text over its limit: 422 naming it, every text kept in the form, nothing saved', async () => {
		const fields = withFields(await form(), {
			imprint_md: prose(TEXT_MAX + 10, 'long'), privacy_de_md: 'Datenschutz kept 7781',
		});
		const before = snapshot();
		const site = sql('SELECT imprint_md, privacy_de_md FROM site WHERE id = 1;');
		const r = await admin.upload(SITE, fields);
		assert.equal(r.status, 422, `${r.status} ${snippet(r.text)}`);
		assert.match(r.text, /Nothing was saved/);
		const why = /<label for="imprint_md">[^<]*<span class="field-error">([^<]*)</.exec(r.text);
		assert.ok(why, 'the imprint is not marked');
		assert.match(why[1], /64 KiB|65536/, 'the message does not name the limit');
		const again = formFields(r.text, SITE);
		const value = (k) => (again.find(([n]) => n === k) || [])[1];
		assert.equal(value('imprint_md'), prose(TEXT_MAX + 10, 'long'), 'the long text is not kept');
		assert.equal(value('privacy_de_md'), 'Datenschutz kept 7781', 'another text is not kept');
		assertUnchanged(before, 'a text over its limit');
		assert.equal(sql('SELECT imprint_md, privacy_de_md FROM site WHERE id = 1;'), site);
		await assertAlive(admin, 'a text over its limit');
	});

	test('a body over 448 KB: the readable 413, nothing saved', async () => {
		const fields = withFields(await form(), { imprint_md: prose(BODY_MAX, 'huge') });
		const before = snapshot();
		const r = await admin.upload(SITE, fields);
		assert.equal(r.status, 413, `${r.status} ${snippet(r.text)}`);
		assert.match(r.text, /larger than the 448 KB this address takes/);
		assert.match(r.text, /nothing was sent or saved/);
		assertUnchanged(before, 'a body over the limit');
		await assertAlive(admin, 'a body over the limit');
	});

	test('other admin forms keep their 64 KB', async () => {
		const r = await admin.upload('/admin/people', { new_name: 'x'.repeat(70 * 1024) });
		assert.equal(r.status, 413, `${r.status} ${snippet(r.text)}`);
		assert.match(r.text, /larger than the 64 KB/);
	});
});

const browserSkip = skip || (fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing`);

describe('site settings over the limit in Chromium', { skip: browserSkip || false }, () => {
	const acct = browserSkip ? null : account('sitesizebrowser');
	let browser, page, saved = '';
	const consoleErrors = [];

	before(async () => {
		saved = keepTexts();
		({ browser, page } = await openBrowser(consoleErrors));
		await browserLogin(page, acct);
	});

	after(async () => {
		await browser?.close();
		putBack(saved);
	});

	test('the form is not sent, says why, and keeps the text', async () => {
		await page.goto(`${BASE}${SITE}`);
		const before = snapshot();
		const huge = prose(BODY_MAX, 'browser');
		// (fill() types it: far too slow for 448 KB)
		await page.locator('#privacy_md').evaluate((el, text) => { el.value = text; }, huge);
		const posts = [];
		page.on('request', (q) => q.method() === 'POST' && posts.push(q.url()));
		await page.click('form[action="/admin/site"] button[type="submit"]');
		const note = page.locator('#form-limit');
		await note.waitFor({ state: 'visible' });
		assert.match(await note.innerText(), /Not saved: the texts together are \d+ KB, more than the 448 KB/);
		assert.equal(new URL(page.url()).pathname, SITE);
		assert.deepEqual(posts, [], 'the form was sent');
		assert.equal((await page.locator('#privacy_md').inputValue()).length, huge.length, 'the text is gone');
		assertUnchanged(before, 'the browser over the limit');
		// Shortened, the same form saves.
		await page.locator('#privacy_md').evaluate((el, text) => { el.value = text; }, prose(30 * 1024, 'browser'));
		await Promise.all([page.waitForURL(/done=saved/), page.click('form[action="/admin/site"] button[type="submit"]')]);
		assert.deepEqual(consoleErrors, []);
	});
});
