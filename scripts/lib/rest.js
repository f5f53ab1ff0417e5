'use strict';
// HTTP to a running n8n: a small fetch wrapper, the editor's REST API with a session (what the browser does),
// and webhook calls.
const path = require('node:path');

const { SANDBOX_OWNER } = require('./constants');
const { redact, seconds, sleep } = require('./process');
const runtime = require('./runtime');

const BROWSER_ID = 'n8n-nodes-cometapi-scripts';

/** fetch with a timeout; resolves {status, headers (lower-case names; set-cookie as a list), body (Buffer), json}. */
async function request(method, url, { headers = {}, body, timeoutMs = 60000 } = {}) {
	const h = { ...headers };
	let payload = body;
	if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
		payload = JSON.stringify(body);
		h['content-type'] = h['content-type'] || 'application/json';
	}
	let res;
	try {
		res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
	} catch (e) {
		if (e.name === 'TimeoutError') throw new Error(`${method} ${url} timed out after ${timeoutMs} ms`);
		throw e.cause || e;
	}
	const buf = Buffer.from(await res.arrayBuffer());
	const out = {};
	res.headers.forEach((v, k) => (out[k] = v));
	const cookies = res.headers.getSetCookie();
	if (cookies.length) out['set-cookie'] = cookies;
	let json;
	if (/json/.test(out['content-type'] || '')) {
		try {
			json = JSON.parse(buf.toString('utf8'));
		} catch {
			/* not JSON after all */
		}
	}
	return { status: res.status, headers: out, body: buf, json };
}

/** n8n stores execution data with `flatted` (JSON with references); use the copy n8n itself ships. */
function loadFlatted(rt) {
	return require(path.join(rt.dir, 'node_modules', 'flatted'));
}

/** The editor's REST API with a session cookie (what the browser does). */
class RestClient {
	/** @param rt the runtime (scripts/lib/runtime.js paths) of the n8n behind baseUrl */
	constructor(baseUrl, rt) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		this.rt = rt || runtime.paths();
		this.cookie = null;
	}

	async call(method, p, body, { expect } = {}) {
		const headers = { 'browser-id': BROWSER_ID };
		if (this.cookie) headers.cookie = this.cookie;
		const res = await request(method, `${this.baseUrl}/rest${p}`, { headers, body });
		const setCookie = res.headers['set-cookie'];
		if (setCookie) {
			const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
			if (auth) this.cookie = auth;
		}
		if (expect && res.status !== expect) {
			throw new Error(`${method} /rest${p}: HTTP ${res.status} ${redact(res.body.toString('utf8').slice(0, 500))}`);
		}
		return res;
	}

	/** Sets up the owner account (first run) or logs in with it (owner already there). */
	async setupOwnerOrLogin(owner = SANDBOX_OWNER) {
		const setup = await this.call('POST', '/owner/setup', owner);
		if (setup.status === 200) return 'created';
		const login = await this.call('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		if (login.status === 200) return 'logged-in';
		throw new Error(
			`owner setup answered HTTP ${setup.status} and login HTTP ${login.status}: ${login.body.toString('utf8').slice(0, 300)}`,
		);
	}

	/** Activates (publishes) a workflow in a running n8n; its webhooks register at once. */
	async activateWorkflow(id) {
		const wf = await this.call('GET', `/workflows/${id}`, undefined, { expect: 200 });
		const data = wf.json.data || wf.json;
		if (data.active && data.activeVersionId === data.versionId) return data;
		const res = await this.call('POST', `/workflows/${id}/activate`, { versionId: data.versionId }, { expect: 200 });
		return res.json.data || res.json;
	}

	/**
	 * What the editor's "Execute workflow" button does: POST /rest/workflows/:id/run from a trigger. n8n 2.x
	 * runs the saved workflow; n8n 1.x wants the workflow in the body (the editor sends what it shows).
	 * Resolves the execution id.
	 */
	async startManualRun(id, triggerName) {
		const body = { triggerToStartFrom: { name: triggerName } };
		if (this.rt && this.rt.line === '1') {
			const wf = await this.call('GET', `/workflows/${id}`, undefined, { expect: 200 });
			body.workflowData = wf.json.data || wf.json;
		}
		const started = await this.call('POST', `/workflows/${id}/run`, body, { expect: 200 });
		const executionId = (started.json.data || started.json).executionId;
		if (!executionId) throw new Error(`POST /rest/workflows/${id}/run gave no executionId: ${started.body.toString('utf8').slice(0, 300)}`);
		return String(executionId);
	}

	/**
	 * GET /rest/executions/:id with the run data parsed (n8n stores it "flatted": parsed with the runtime's
	 * own `flatted`). Resolves the execution ({status, finished, startedAt, stoppedAt, data, ...}) or null.
	 */
	async getExecution(executionId) {
		const res = await this.call('GET', `/executions/${executionId}`);
		if (res.status !== 200) return null;
		const ex = res.json.data || res.json;
		if (!ex || typeof ex !== 'object') return null;
		const data = typeof ex.data === 'string' ? loadFlatted(this.rt).parse(ex.data) : ex.data;
		return { ...ex, data };
	}

	/** Waits until an execution has ended (any status but new/running/waiting); resolves it. */
	async waitForExecution(executionId, { timeoutMs = 300000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const res = await this.call('GET', `/executions/${executionId}`);
			const ex = res.status === 200 ? res.json.data || res.json : null;
			if (ex && ex.status && !['new', 'running', 'waiting', 'unknown'].includes(ex.status)) return this.getExecution(executionId);
			await sleep(300);
		}
		throw new Error(`execution ${executionId} did not finish within ${seconds(timeoutMs)}`);
	}

	/** The editor's "Stop" button on a running execution: POST /rest/executions/:id/stop (same in 1.x and 2.x). */
	async stopExecution(executionId) {
		const res = await this.call('POST', `/executions/${executionId}/stop`, {}, { expect: 200 });
		return res.json.data || res.json;
	}

	/**
	 * "Execute workflow" and wait for the end. Resolves {id, status, execution} where
	 * execution.data.resultData.runData is the plain run data.
	 */
	async runWorkflowManually(id, triggerName, { timeoutMs = 300000 } = {}) {
		const executionId = await this.startManualRun(id, triggerName);
		const execution = await this.waitForExecution(executionId, { timeoutMs });
		return { id: executionId, status: execution.status, execution };
	}

	/** The editor's "Test" button on a saved credential; `data` overrides stored fields (like the edit dialog). */
	async testCredential(cred, data) {
		const res = await this.call('POST', '/credentials/test', {
			credentials: { id: cred.id, name: cred.name, type: cred.type, data: data || {} },
		});
		if (res.status !== 200) throw new Error(`POST /rest/credentials/test: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
		return res.json.data || res.json; // {status: 'OK' | 'Error', message}
	}
}

/** Calls a webhook, retrying briefly on the 404 n8n gives while it is still registering webhooks. */
async function callWebhook(url, { method = 'POST', body, headers, timeoutMs = 120000, retryForMs = 15000 } = {}) {
	const deadline = Date.now() + retryForMs;
	for (;;) {
		const res = await request(method, url, { body, headers, timeoutMs });
		if (res.status !== 404 || Date.now() > deadline) return res;
		await sleep(300);
	}
}

module.exports = { request, RestClient, callWebhook, loadFlatted };
