'use strict';
// CometAPI emulator: a real HTTP server on 127.0.0.1 that speaks CometAPI's routes for Google's Gemini image
// models. Plain CommonJS, node: built-ins only, Node 20 and Node 24.
//
//   const { startEmulator } = require('./emulator/server');
//   const emu = await startEmulator({ port: 0, apiKey: 'sk-emulator-test' });
//   ... emu.url, emu.requests, emu.reset(), emu.setDefaultScenario('thoughts'), await emu.close()
//
// This file is the server: its options and state, the public API, and what happens to every request before a
// route answers it (in-flight limit, recording, body reading, auth, size and Content-Type checks). The routes
// are in routes/, the answers in scenarios/. See README.md beside this file for routes, scenarios and directives.

const http = require('node:http');
const { parseDirectives, parseSpec, mergeDirectives } = require('./directives');
const { faultFor } = require('./faults');
const { analyseNative, analyseChat } = require('./analyse');
const { readBody, isJsonContentType, contentTypeMessage } = require('./body');
const { newRecord, keep, summarize } = require('./recording');
const { send } = require('./send');
const errors = require('./scenarios/errors');
const { serveFile } = require('./routes/files');
const { MODELS } = require('./routes/models');
const routes = {
	models: require('./routes/models'),
	native: require('./routes/native'),
	chat: require('./routes/chat'),
	control: require('./routes/control'),
};
const { noteRejected } = require('./routes/checks');

const DEFAULT_API_KEY = 'sk-emulator';
// The gateway CometAPI appears to run answers 413 past 32 MB.
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_RECORDED = 5000;
const API_ROUTES = ['models', 'native', 'stream', 'chat'];

/** Which route a request is for: { kind, family ('openai' | 'google', the auth rules), model }. */
function routeOf(method, path) {
	if (path.startsWith('/__emulator/')) return { kind: 'control' };
	if (path.startsWith('/files/') && method === 'GET') return { kind: 'file' };
	if (path === '/v1/models' && method === 'GET') return { kind: 'models', family: 'openai' };
	if (path === '/v1/chat/completions' && method === 'POST') return { kind: 'chat', family: 'openai' };
	const m = /^\/v1beta\/models\/([^/]+):(generateContent|streamGenerateContent)$/.exec(path);
	if (m && method === 'POST') {
		let model = m[1];
		try {
			model = decodeURIComponent(model);
		} catch {
			/* keep raw */
		}
		return { kind: m[2] === 'generateContent' ? 'native' : 'stream', family: 'google', model };
	}
	return { kind: 'notfound' };
}

/** The key a request carries and how: Authorization first; on Google's routes also x-goog-api-key or ?key=. */
function authOf(req, url, route, apiKey) {
	const h = req.headers;
	let key = null;
	let how = null;
	if (typeof h.authorization === 'string' && h.authorization.trim() !== '') {
		const v = h.authorization.trim();
		const m = /^Bearer\s+(.+)$/i.exec(v);
		key = m ? m[1].trim() : v;
		how = m ? 'bearer' : 'bare';
	} else if (route.family === 'google' && typeof h['x-goog-api-key'] === 'string' && h['x-goog-api-key'] !== '') {
		key = h['x-goog-api-key'].trim();
		how = 'x-goog-api-key';
	} else if (route.family === 'google' && url.searchParams.get('key')) {
		key = url.searchParams.get('key');
		how = 'query';
	}
	return { ok: key !== null && (apiKey === '*' || key === apiKey), how };
}

class Emulator {
	constructor(opts = {}) {
		this.host = opts.host || '127.0.0.1';
		this.requestedPort = opts.port === undefined ? 0 : opts.port;
		this.apiKey = opts.apiKey === undefined ? DEFAULT_API_KEY : opts.apiKey;
		this.maxBodyBytes = opts.maxBodyBytes || DEFAULT_MAX_BODY_BYTES;
		this.maxRecorded = opts.maxRecorded || DEFAULT_MAX_RECORDED;
		// true: the retired ids too are unknown (503 model_not_found), as on a gateway that dropped its aliases
		this.knownModelsOnly = !!opts.knownModelsOnly;
		this.onRequest = typeof opts.onRequest === 'function' ? opts.onRequest : null;
		this.latencyMs = 0;
		this.maxInFlight = Infinity;
		this.defaultScenario = 'ok';
		this.defaultDirectives = parseSpec('ok');
		this.setConfig({
			latencyMs: opts.latencyMs || 0,
			maxInFlight: opts.maxInFlight === undefined ? Infinity : opts.maxInFlight,
			defaultScenario: opts.defaultScenario || opts.scenario || 'ok',
		});
		this.requests = [];
		// image files served on /files/ (routes/files.js): what was asked and how much went out
		this.files = [];
		// attempts per request identity (faults.js), pending timers (cleared by close())
		this.attempts = new Map();
		this.timers = new Set();
		this._seq = 0;
		this._inFlight = 0;
		this._sockets = new Set();
		this._resetStats();
		this.server = http.createServer((req, res) => this._handle(req, res));
		this.server.on('connection', (sock) => {
			this._sockets.add(sock);
			sock.on('close', () => this._sockets.delete(sock));
		});
		this.server.on('clientError', (err, sock) => {
			if (sock.writable) sock.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			else sock.destroy();
		});
	}

	listen() {
		return new Promise((resolve, reject) => {
			const onError = (e) => reject(e);
			this.server.once('error', onError);
			this.server.listen(this.requestedPort, this.host, () => {
				this.server.off('error', onError);
				this.port = this.server.address().port;
				const h = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host.includes(':') ? `[${this.host}]` : this.host;
				this.url = `http://${h}:${this.port}`;
				resolve(this);
			});
		});
	}

	// ---------------------------------------------------------------- public API
	reset() {
		this.requests.length = 0;
		this.files.length = 0;
		this.attempts.clear();
		this._resetStats();
	}

	setDefaultScenario(spec) {
		this.setConfig({ defaultScenario: spec });
	}

	get config() {
		return {
			defaultScenario: this.defaultScenario,
			latencyMs: this.latencyMs,
			maxInFlight: this.maxInFlight === Infinity ? null : this.maxInFlight,
			maxBodyBytes: this.maxBodyBytes,
		};
	}

	// {defaultScenario, latencyMs, maxInFlight}. Throws on bad values. maxInFlight: positive integer, or
	// null / 0 / Infinity / "Infinity" for unlimited.
	setConfig(cfg = {}) {
		if (cfg.defaultScenario !== undefined && cfg.defaultScenario !== null) {
			const d = parseSpec(cfg.defaultScenario);
			if (d.errors.length) throw new Error(d.errors.join('; '));
			this.defaultDirectives = d;
			this.defaultScenario = String(cfg.defaultScenario);
		}
		if (cfg.latencyMs !== undefined && cfg.latencyMs !== null) {
			const ms = Number(cfg.latencyMs);
			if (!Number.isFinite(ms) || ms < 0) throw new Error(`bad latencyMs ${cfg.latencyMs}`);
			this.latencyMs = ms;
		}
		if (cfg.maxInFlight !== undefined) {
			const v = cfg.maxInFlight;
			if (v === null || v === 0 || v === Infinity || v === 'Infinity' || v === 'unlimited') this.maxInFlight = Infinity;
			else {
				const n = Number(v);
				if (!Number.isInteger(n) || n < 0) throw new Error(`bad maxInFlight ${v}`);
				this.maxInFlight = n;
			}
		}
		return this.config;
	}

	stats() {
		return Object.assign({}, this._stats, {
			byStatus: Object.assign({}, this._stats.byStatus),
			byOutcome: Object.assign({}, this._stats.byOutcome),
			inFlight: this._inFlight,
		});
	}

	// requests without huge fields (what GET /__emulator/requests returns)
	requestSummaries(sinceId = 0) {
		return this.requests.filter((r) => r.id > sinceId).map((r) => Object.assign({}, r, { body: summarize(r.body) }));
	}

	close() {
		if (this._closePromise) return this._closePromise;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		this._closePromise = new Promise((resolve) => {
			this.server.close(() => resolve());
			for (const s of this._sockets) s.destroy();
			this._sockets.clear();
			if (typeof this.server.closeAllConnections === 'function') this.server.closeAllConnections();
		});
		return this._closePromise;
	}

	// ---------------------------------------------------------------- internals
	_resetStats() {
		this._stats = { total: 0, byStatus: {}, byOutcome: {}, rateLimited: 0, peakInFlight: this._inFlight || 0 };
	}

	// In-flight accounting happens on arrival, before the body is read, like a gateway's concurrency limit.
	// Returns false when the request is one too many.
	_enter(res) {
		if (this._inFlight >= this.maxInFlight) return false;
		this._inFlight++;
		if (this._inFlight > this._stats.peakInFlight) this._stats.peakInFlight = this._inFlight;
		res.once('close', () => this._inFlight--);
		return true;
	}

	// Records the request; its duration, outcome and counts are filled in when its response closes.
	_recordRequest(req, res, url, route) {
		const started = process.hrtime.bigint();
		const rec = newRecord(++this._seq, req, url, route);
		keep(this.requests, rec, this.maxRecorded);
		this._stats.total++;
		res.once('close', () => {
			rec.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
			if (!rec.outcome) rec.outcome = res.writableFinished ? 'answered' : 'aborted';
			if (rec.status !== null) this._stats.byStatus[rec.status] = (this._stats.byStatus[rec.status] || 0) + 1;
			this._stats.byOutcome[rec.outcome] = (this._stats.byOutcome[rec.outcome] || 0) + 1;
			if (this.onRequest) {
				try {
					this.onRequest(rec);
				} catch {
					/* logging must not break the server */
				}
			}
		});
		return rec;
	}

	_handle(req, res) {
		const url = new URL(req.url, 'http://emulator.local');
		const route = routeOf(req.method, url.pathname);
		if (route.kind === 'file') return void serveFile(req, res, url, this).catch(() => res.destroy());
		const rejectForInFlight = API_ROUTES.includes(route.kind) && !this._enter(res);
		const rec = route.kind === 'control' ? null : this._recordRequest(req, res, url, route);
		readBody(req, this.maxBodyBytes, ({ raw, size, tooLarge }) => {
			if (rec) rec.rawBytes = size;
			Promise.resolve()
				.then(() => this._dispatch(req, res, url, route, rec, raw, { rejectForInFlight, tooLarge }))
				.catch((err) => {
					if (rec) rec.error = String((err && err.stack) || err);
					if (!res.headersSent && !res.destroyed) {
						send(this, res, rec, errors.googleError(500, 'INTERNAL', `emulator internal error: ${err && err.message}`), {});
					} else if (!res.destroyed) res.destroy();
				});
		});
	}

	async _dispatch(req, res, url, route, rec, raw, flags) {
		if (route.kind === 'control') return routes.control.handle(this, req, res, url, raw);
		if (route.kind === 'notfound') return send(this, res, rec, errors.notFoundPage(), {});
		const ctx = { requestId: errors.requestId(), model: route.model || null };
		if (flags.rejectForInFlight) {
			rec.scenario = 'max-in-flight';
			rec.outcome = 'rate-limited';
			noteRejected(rec, route, raw);
			this._stats.rateLimited++;
			return send(this, res, rec, errors.rateLimited(ctx, 1, 'rate limit exceeded: too many concurrent requests, please retry later'), {});
		}
		const auth = authOf(req, url, route, this.apiKey);
		rec.auth = auth.how;
		if (!auth.ok) {
			rec.outcome = 'unauthorized';
			return send(this, res, rec, errors.invalidToken(ctx), {});
		}
		if (flags.tooLarge) {
			rec.outcome = 'too-large';
			return send(this, res, rec, errors.tooLarge(ctx), {});
		}
		// A body not declared as JSON is not read as JSON (a gateway's JSON binding, Google's API).
		if (route.kind !== 'models' && raw && raw.length && !isJsonContentType(req.headers['content-type'])) {
			rec.outcome = 'invalid';
			const message = contentTypeMessage(req.headers['content-type']);
			return send(
				this,
				res,
				rec,
				route.kind === 'chat' ? errors.openaiError(400, message) : errors.googleError(400, 'INVALID_ARGUMENT', message),
				{},
			);
		}
		if (route.kind === 'models') return routes.models.handle(this, req, res, rec, ctx);
		if (route.kind === 'chat') return routes.chat.handle(this, req, res, rec, raw, ctx);
		return routes.native.handle(this, req, res, url, route, rec, raw, ctx);
	}
}

async function startEmulator(opts = {}) {
	const emu = new Emulator(opts);
	await emu.listen();
	return emu;
}

module.exports = {
	startEmulator,
	Emulator,
	MODELS,
	parseDirectives,
	parseSpec,
	mergeDirectives,
	faultFor,
	analyseNative,
	analyseChat,
	DEFAULT_API_KEY,
};
