'use strict';
// A real browser for the editor tests: Debian's Chromium (installed with apt-get when missing and we are root),
// driven by playwright-core, which never downloads a browser of its own. Headless, with Chromium's background
// networking off: without those flags it keeps dialling Google's hosts in the background.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { aptInstall } = require('./process');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function findChromium() {
	return CANDIDATES.find((p) => fs.existsSync(p)) || null;
}

/** Debian's chromium, installed when missing (apt-get; needs root). Returns its path or null. */
function ensureChromium(log = (m) => process.stderr.write(`${m}\n`)) {
	return findChromium() || (aptInstall('chromium', log) ? findChromium() : null);
}

function chromiumVersion(bin) {
	const res = spawnSync(bin, ['--version'], { encoding: 'utf8' });
	return (res.stdout || '').trim().split('\n')[0];
}

/**
 * Headless Chromium with a new, empty profile (removed by close()). Resolves {context, page, close}.
 * opts: executablePath, viewport.
 */
async function launchChromium({ executablePath, viewport = { width: 1440, height: 900 } } = {}) {
	const { chromium } = require('playwright-core');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cometapi-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: executablePath || findChromium(),
		headless: true,
		args: FLAGS,
		viewport,
	});
	const page = context.pages()[0] || (await context.newPage());
	return {
		context,
		page,
		close: async () => {
			await context.close().catch(() => {});
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

module.exports = { FLAGS, findChromium, ensureChromium, chromiumVersion, launchChromium };
