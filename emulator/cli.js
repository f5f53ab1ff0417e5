#!/usr/bin/env node
'use strict';
const { parseArgs: parseCliArgs } = require('node:util');
// Standalone CometAPI emulator.
//   node emulator/cli.js --port 8787 --host 127.0.0.1 --key sk-emulator --latency 0 --scenario ok
// Prints `CometAPI emulator listening on http://HOST:PORT` on stdout once listening, one short line per
// request on stderr (unless --quiet), and exits cleanly on SIGINT/SIGTERM.

const { startEmulator, DEFAULT_API_KEY } = require('./server');

const HELP = `Usage: node emulator/cli.js [options]

  --port <n>            port to listen on (default 8787; 0 picks a free one)
  --host <addr>         address to bind (default 127.0.0.1)
  --key <key>           the API key clients must send (default ${DEFAULT_API_KEY}; "*" accepts any key)
  --latency <ms>        delay before every answer (default 0)
  --scenario <spec>     default scenario, e.g. ok, thoughts, "ok latency=200" (default ok)
  --max-in-flight <n>   answer 429 + Retry-After: 1 above n concurrent requests (default unlimited)
  --max-body <bytes>    answer 413 above this request size (default 100 MB)
  --quiet               no per-request log lines
  --help                this text
`;

function parseArgs(argv) {
	// node:util's parser (strict: unknown options and missing values are errors).
	const { values } = parseCliArgs({
		args: argv,
		options: {
			port: { type: 'string', short: 'p', default: '8787' },
			host: { type: 'string', default: '127.0.0.1' },
			key: { type: 'string', default: DEFAULT_API_KEY },
			latency: { type: 'string', default: '0' },
			scenario: { type: 'string', default: 'ok' },
			'max-in-flight': { type: 'string' },
			'max-body': { type: 'string' },
			quiet: { type: 'boolean', short: 'q', default: false },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	const out = {
		port: Number(values.port),
		host: values.host,
		key: values.key,
		latency: Number(values.latency),
		scenario: values.scenario,
		maxInFlight: values['max-in-flight'],
		maxBody: values['max-body'] === undefined ? undefined : Number(values['max-body']),
		quiet: values.quiet,
		help: values.help,
	};
	if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error(`bad --port ${out.port}`);
	if (!Number.isFinite(out.latency) || out.latency < 0) throw new Error(`bad --latency ${out.latency}`);
	return out;
}

function logLine(rec) {
	const status = rec.status !== null ? rec.status : rec.outcome || '-';
	const extra = rec.outcome && !['answered'].includes(rec.outcome) && rec.status !== null ? ` (${rec.outcome})` : '';
	const attempt = rec.attempt && rec.attempt > 1 ? ` #${rec.attempt}` : '';
	return `${rec.method} ${rec.path} ${rec.scenario || '-'}${attempt} ${status}${extra} ${Math.round(rec.durationMs || 0)}ms`;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${e.message}\n\n${HELP}`);
		process.exit(2);
	}
	if (args.help) {
		process.stdout.write(HELP);
		return;
	}
	const emu = await startEmulator({
		port: args.port,
		host: args.host,
		apiKey: args.key,
		latencyMs: args.latency,
		defaultScenario: args.scenario,
		maxInFlight: args.maxInFlight === undefined ? undefined : args.maxInFlight === 'Infinity' ? Infinity : Number(args.maxInFlight),
		maxBodyBytes: args.maxBody,
		onRequest: args.quiet ? null : (rec) => process.stderr.write(`${logLine(rec)}\n`),
	});
	process.stdout.write(`CometAPI emulator listening on ${emu.url}\n`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		emu.close().then(() => process.exit(0));
		setTimeout(() => process.exit(0), 2000).unref();
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((e) => {
		process.stderr.write(`emulator failed to start: ${(e && e.message) || e}\n`);
		process.exit(1);
	});
}

module.exports = { parseArgs, logLine };
