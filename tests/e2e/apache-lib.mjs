// Apache httpd in front of the running site, for the files that compare it
// with nginx: `deploy/site.sh apache-start` on a free loopback port, the
// same programs and VARDIR as the nginx at BASE_URL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { VARDIR, ROOT, freePort } from './lib.mjs';

const SITE_SH = path.join(ROOT, 'deploy/site.sh');
const START_TIMEOUT_MS = 30000;     // site.sh waits up to 10 s for an answer
const STOP_TIMEOUT_MS = 15000;      // and up to 5 s for Apache to end
const PORT_TRIES = 3;

// Why the Apache tests cannot run here, or null.
export function apacheSkipReason() {
	if (!VARDIR)
		return 'VARDIR is not set (run through tests/e2e/run.sh)';
	try {
		// /usr/sbin, where Debian puts it, is not on every user's PATH.
		execFileSync('sh', ['-c', 'command -v apache2 || test -x /usr/sbin/apache2'], { stdio: 'ignore' });
	} catch {
		return 'apache2 is not installed (Debian package apache2)';
	}
	return null;
}

function siteSh(args, timeout) {
	return execFileSync('sh', [SITE_SH, ...args], { cwd: ROOT, timeout, encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'] });
}

// Starts Apache; resolves its base URL.
export async function startApache() {
	let last;
	for (let i = 0; i < PORT_TRIES; i++) {
		const port = await freePort();
		try {
			siteSh(['apache-start', VARDIR, String(port)], START_TIMEOUT_MS);
			return `http://127.0.0.1:${port}`;
		} catch (e) {
			last = e;
		}
	}
	throw new Error(`site.sh apache-start failed: ${last.stderr || last.message}`);
}

export function stopApache() {
	siteSh(['apache-stop', VARDIR], STOP_TIMEOUT_MS);
	const pidf = path.join(VARDIR, 'run/apache.pid');
	assert.ok(!fs.existsSync(pidf), 'apache.pid left behind');
}
