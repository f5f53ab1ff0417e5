#!/usr/bin/env node
'use strict';
// Runs the integration suite (the node's execute() inside n8n-core, against the emulator) on the n8n-workflow
// and n8n-core of an n8n line, with that n8n's Node, instead of on the development pins. It needs only the line's
// library set (scripts/lib/runtime.js: n8n-core, n8n-workflow and what they resolve to, the versions the whole n8n
// ships; `npm run check:libs` proves it), not the whole n8n:
//   node scripts/test-on-n8n.js [--n8n=1|2] [jest arguments...]      (npm run test:n8n2 is --n8n=2)
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');

const runtime = require('./lib/runtime');

// --n8n is ours; every other argument goes to jest as it was given
const { values, tokens } = parseArgs({ options: { n8n: { type: 'string' } }, strict: false, tokens: true });
const ours = new Set(
	tokens
		.filter((t) => t.kind === 'option' && t.name === 'n8n')
		.flatMap((t) => (t.inlineValue === false ? [t.index, t.index + 1] : [t.index])),
);
const rest = process.argv.slice(2).filter((a, i) => !ours.has(i));
const line = runtime.libsOf(runtime.selectLine(values.n8n));
const rt = runtime.ensureRuntime(line);
const jest = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
process.stderr.write(`integration tests on ${rt.label} (n8n-workflow and n8n-core), Node from ${rt.nodeBin}\n`);
// n8n-core 2.x loads some modules with import(): jest needs VM modules for that.
const res = spawnSync(rt.nodeBin, ['--experimental-vm-modules', '--no-warnings', jest, '-c', 'jest.runtime.config.js', ...rest], {
	cwd: path.join(__dirname, '..'),
	stdio: 'inherit',
	env: { ...process.env, COMETAPI_N8N_LINE: line },
});
process.exit(res.status ?? 1);
