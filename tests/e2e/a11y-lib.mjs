// Accessibility checks a page in Chromium gets beyond axe: the contrast of
// text computed from the browser's own colours (axe reports text over
// backgrounds it cannot resolve as "incomplete", so white-on-white passed it
// unnoticed), and the page's width at a phone's viewport.
import fs from 'node:fs';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const AXE = fs.readFileSync(path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js'), 'utf8');
// WCAG 2.1 SC 1.4.3: 4.5:1 for text of normal size.
export const CONTRAST_MIN = 4.5;
export const PHONE = 375;

// axe-core (WCAG 2.0/2.1 A and AA rules), injected through the DevTools
// protocol (not subject to the page's CSP): every violation, whatever its
// impact.
export async function axeViolations(page) {
	await page.evaluate(`${AXE}\n;undefined`);
	const res = await page.evaluate(() => window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
		resultTypes: ['violations'],
	}));
	return res.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// Contrast of every visible link and button inside the elements `selector`
// matches: the text colour over the effective background, found by walking
// up the ancestors and compositing their background colours (alpha
// included) down to the white canvas.  An ancestor with a background image
// cannot be resolved and is reported as such, never passed.  Returns
// [{ what, ratio, fg, bg }] sorted by ratio, lowest first.
export async function contrasts(page, selector) {
	return page.evaluate((sel) => {
		const parse = (c) => {
			const m = /rgba?\(([^)]+)\)/.exec(c);
			if (!m)
				return null;
			const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
			return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
		};
		const over = (top, under) => ({
			r: top.r * top.a + under.r * (1 - top.a),
			g: top.g * top.a + under.g * (1 - top.a),
			b: top.b * top.a + under.b * (1 - top.a),
			a: 1,
		});
		const lum = ({ r, g, b }) => {
			const ch = (v) => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
			};
			return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
		};
		const background = (el) => {
			const layers = [];
			for (let e = el; e; e = e.parentElement) {
				const cs = getComputedStyle(e);
				if (cs.backgroundImage !== 'none')
					return { image: `${e.tagName.toLowerCase()}.${e.className}` };
				const c = parse(cs.backgroundColor);
				if (c && c.a > 0)
					layers.push(c);
				if (c && c.a === 1)
					break;
			}
			let bg = { r: 255, g: 255, b: 255, a: 1 };
			for (const l of layers.reverse())
				bg = over(l, bg);
			return { bg };
		};
		const visible = (el) => {
			const r = el.getBoundingClientRect();
			const cs = getComputedStyle(el);
			return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && Number(cs.opacity) > 0;
		};
		const out = [];
		for (const root of document.querySelectorAll(sel))
			for (const el of root.querySelectorAll('a, button, input[type="submit"]')) {
				if (!visible(el) || el.disabled || !el.textContent.trim() && el.tagName !== 'INPUT')
					continue;
				const what = `${el.tagName.toLowerCase()} "${(el.textContent || el.value).trim().replace(/\s+/g, ' ')}"`;
				const { bg, image } = background(el);
				if (image) {
					out.push({ what, ratio: 0, fg: '', bg: `background image on ${image}` });
					continue;
				}
				const fg = over(parse(getComputedStyle(el).color), bg);
				const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
				out.push({ what, ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
					fg: getComputedStyle(el).color, bg: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})` });
			}
		return out.sort((a, b) => a.ratio - b.ratio);
	}, selector);
}

// Elements wider than the viewport: the page's own scroll width, and the
// elements whose right edge lies beyond it (the first few, for the message).
export async function overflow(page) {
	return page.evaluate(() => {
		const vw = document.documentElement.clientWidth;
		const sw = document.documentElement.scrollWidth;
		const wide = [];
		if (sw > vw)
			for (const el of document.body.querySelectorAll('*')) {
				const r = el.getBoundingClientRect();
				if (r.right > vw + 0.5 && wide.length < 5)
					wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (right ${Math.round(r.right)})`);
			}
		return { viewport: vw, scrollWidth: sw, wide };
	});
}

// Chromium with one page at 1280 px whose console errors and uncaught
// exceptions are collected in `errors`.
export async function openBrowser(errors, { timeout = 15000, width = 1280 } = {}) {
	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60000 });
	const context = await browser.newContext({ viewport: { width, height: 900 } });
	const page = await context.newPage();
	page.setDefaultTimeout(timeout);
	page.on('console', (m) => {
		if (m.type() === 'error')
			errors.push(`${page.url()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
	return { browser, context, page };
}
