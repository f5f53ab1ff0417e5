#!/usr/bin/env node
'use strict';
// Standalone CometAPI emulator.
//   node test/emulator/cli.js --port 8787 --host 127.0.0.1 --key sk-emulator --latency 0 --scenario ok
// Prints `CometAPI emulator listening on http://HOST:PORT` on stdout once listening, one short line per
// request on stderr (unless --quiet), and exits cleanly on SIGINT/SIGTERM.

const { startEmulator, DEFAULT_API_KEY } = require('./server');

const HELP = `Usage: node test/emulator/cli.js [options]

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
	const out = { port: 8787, host: '127.0.0.1', key: DEFAULT_API_KEY, latency: 0, scenario: 'ok', maxInFlight: undefined, maxBody: undefined, quiet: false };
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		const next = () => {
			if (value !== undefined) return value;
			if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
			return argv[++i];
		};
		switch (arg) {
			case '--port':
			case '-p':
				out.port = Number(next());
				break;
			case '--host':
				out.host = next();
				break;
			case '--key':
				out.key = next();
				break;
			case '--latency':
				out.latency = Number(next());
				break;
			case '--scenario':
				out.scenario = next();
				break;
			case '--max-in-flight':
				out.maxInFlight = next();
				break;
			case '--max-body':
				out.maxBody = Number(next());
				break;
			case '--quiet':
			case '-q':
				out.quiet = true;
				break;
			case '--help':
			case '-h':
				out.help = true;
				break;
			default:
				throw new Error(`unknown option ${arg}`);
		}
	}
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
