'use strict';
// GET/POST /__emulator/...: the control API (no key needed): recorded requests, config, reset, stats, health,
// the scenario names.

const names = require('../scenarios/names');

function handle(emu, req, res, url, raw) {
	const path = url.pathname;
	const json = (status, obj) => {
		const buf = Buffer.from(JSON.stringify(obj), 'utf8');
		res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(buf.length) });
		res.end(buf);
	};
	try {
		if (path === '/__emulator/requests' && req.method === 'GET') {
			return json(200, emu.requestSummaries(Number(url.searchParams.get('since')) || 0));
		}
		if (path === '/__emulator/reset' && req.method === 'POST') {
			emu.reset();
			return json(200, { ok: true });
		}
		if (path === '/__emulator/config' && req.method === 'GET') return json(200, emu.config);
		if (path === '/__emulator/config' && req.method === 'POST') {
			let cfg = {};
			if (raw && raw.length) cfg = JSON.parse(raw.toString('utf8'));
			return json(200, Object.assign({ ok: true }, emu.setConfig(cfg)));
		}
		if (path === '/__emulator/stats' && req.method === 'GET') return json(200, emu.stats());
		if (path === '/__emulator/health' && req.method === 'GET') return json(200, { ok: true, url: emu.url });
		if (path === '/__emulator/scenarios' && req.method === 'GET') {
			return json(200, {
				native: names.NATIVE_SCENARIOS,
				chat: names.CHAT_SCENARIOS,
				directives: [
					'latency=<ms>',
					'drip=<ms>',
					'ping=<ms>',
					'fail=<status>x<n>',
					'retryafter=<s>',
					'reset=<n>',
					'hang=<n>',
					'truncate=<n>',
					'cut=<n>',
					'streamerror=<status>x<n>',
					'nostream',
					'size=<N>MB|<bytes>',
					'scenario=<name>',
				],
			});
		}
		return json(404, { error: { message: `unknown control endpoint ${req.method} ${path}` } });
	} catch (e) {
		return json(400, { ok: false, error: { message: String(e && e.message) } });
	}
}

module.exports = { handle };
