#!/usr/bin/env node
// n8n's own package scanner (@n8n/scan-community-package, the check behind verification), run locally on what it
// would scan after publishing: the source (package.json, nodes/, credentials/) and the packed tarball's JS and
// package.json. Online it also needs npm provenance, which only the publish workflow can give (RELEASING.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cometapi-scan-'));
try {
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
	);
	const unpacked = path.join(work, 'package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(work, packed[0].filename), '-C', unpacked, '--strip-components=1']);

	let failed = false;
	for (const [what, dir, patterns] of [
		['source (package.json, nodes/, credentials/)', root, SOURCE_FILE_PATTERNS],
		[`tarball ${packed[0].filename} (JS and package.json)`, unpacked, ['**/*.js', 'package.json']],
	]) {
		const result = await analyzePackage(dir, patterns);
		console.log(`${result.passed ? '✔' : '✘'} n8n scanner, ${what}${result.message ? `: ${result.message}` : ''}`);
		if (!result.passed) {
			failed = true;
			if (result.details) console.log(result.details);
		}
	}
	process.exitCode = failed ? 1 : 0;
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
