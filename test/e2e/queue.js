'use strict';
// Queue mode, n8n's own way to scale out: redis-server, `n8n worker` and `n8n start` sharing the user folder
// (SQLite works while they share it). A webhook workflow must run on the worker and answer with the bytes n8n
// stored. Binary data: the line's queue-mode default in 2.x (`database`); `filesystem` in 1.x, whose webhook
// answers a JSON dump instead of the bytes in `default` and `database` modes (an n8n 1.x bug, running-n8n.md).
// The limits part (limits.js) starts a second worker the same way, runs first and stops it before the checks
// above (a second worker would take some of their executions).

const path = require('node:path');

const L = require('../../scripts/lib');
const H = require('./harness');
const W = require('./workflows');
const { requestFor } = require('./modes');
const C = require('./conversation');
const LIM = require('./limits');

/** wants(key): whether --only asked for it ('queue': the checks above; 'limits': two workers under a limit). */
async function runQueue(ctx, wants) {
	const { emu, rt, home } = ctx;
	const redisBin = L.ensureRedisServer((m) => console.log(`  ${m}`));
	if (!redisBin) throw new Error('redis-server is not installed and cannot be installed (not root): set E2E_SKIP_QUEUE=1 to skip');
	const redisPort = await L.freePort();
	const redis = await L.startRedis(redisBin, redisPort, H.logsDir(rt));
	console.log(`  redis-server on 127.0.0.1:${redisPort}`);
	const port = await L.freePort();
	const queue = { port: redisPort };
	const binaryMode = rt.line === '1' ? 'filesystem' : undefined;
	const common = { rt, queue, binaryMode };
	// WEBHOOK_URL: the worker signs image links (the AI Agent tool's) with the main instance's address
	const startWorker = async (logName) =>
		L.startWorker({
			env: L.n8nEnv(home, {
				...common,
				brokerPort: await L.freePort(),
				extra: { QUEUE_HEALTH_CHECK_PORT: String(await L.freePort()), WEBHOOK_URL: `http://127.0.0.1:${port}/` },
			}),
			logFile: path.join(H.logsDir(rt), logName),
			concurrency: LIM.WORKER_CONCURRENCY,
		});
	const workerReady = (w) => w.waitForLog(/n8n worker is now ready/, 180000);
	const mainEnv = L.n8nEnv(home, { ...common, brokerPort: await L.freePort(), port });
	const started = Date.now();
	const worker = await startWorker('queue-worker.log');
	const main = L.startN8n({ env: mainEnv, logFile: path.join(H.logsDir(rt), 'queue-main.log') });
	// limits (limits.js): a second worker, started the same way and at the same time (booting it later costs more)
	let second = wants('limits') ? await startWorker('queue-worker-2.log') : null;
	try {
		await Promise.all([main.waitReady(), workerReady(worker), second && workerReady(second)]);
		const bootMs = Date.now() - started;
		H.time(`n8n start + ${second ? 'two n8n workers' : 'n8n worker'} boot (queue mode)`, bootMs);
		console.log(
			`  n8n main (queue mode) ready at ${main.url} in ${L.seconds(main.readyMs)}, ${second ? 'workers' : 'worker'} ready in ${L.seconds(bootMs)}`,
		);
		const rest = new L.RestClient(main.url, rt);
		await rest.setupOwnerOrLogin();
		if (second) {
			await H.phase('limits: two workers under an account limit (limits.js)', () => LIM.runQueue(ctx, rest, main, [worker, second]));
			// the checks below watch one worker's log
			await second.stop();
			second = null;
		}
		if (wants('queue')) await oneWorker(ctx, rest, main, worker);
	} finally {
		const t = Date.now();
		await main.stop();
		await worker.stop();
		if (second) await second.stop();
		await redis.stop();
		H.time('queue mode shutdown', Date.now() - t);
	}
}

/** The checks with one worker: the webhook's bytes, the conversations and the agent (conversation.js). */
async function oneWorker(ctx, rest, main, worker) {
	const { emu, rt, home } = ctx;
	const binaryMode = rt.line === '1' ? 'filesystem' : undefined;
	const storedIn = binaryMode || 'database';
	await H.test(
		`queue mode: a webhook workflow runs on the worker and answers with the image bytes n8n stored (${storedIn} mode)`,
		async () => {
			emu.reset();
			await rest.activateWorkflow(ctx.webhookId);
			const workerMark = worker.log.length;
			const mainMark = main.log.length;
			const t = Date.now();
			const res = await L.callWebhook(`${main.url}/webhook/e2e-gemini-image`, { body: { prompt: W.PROMPTS.queue } });
			console.log(`    webhook answered in ${Date.now() - t} ms`);
			H.eq(res.status, 200, `webhook status (${res.body.toString('utf8').slice(0, 200)})`);
			const sent = requestFor(emu, W.PROMPTS.queue).imagesSent[0];
			H.eq(res.headers['content-type'], sent.mimeType, 'content-type');
			H.eq(L.sha256(res.body), sent.sha256, 'sha256 of the webhook response body vs sent by the emulator');
			H.eq(Number(res.headers['x-image-width']), sent.width, 'x-image-width');
			H.eq(Number(res.headers['x-image-file-size']), sent.bytes, 'x-image-file-size');
			const m = await worker.waitForLog(/Worker started execution (\d+)/, 10000, workerMark);
			await worker.waitForLog(new RegExp(`Worker finished execution ${m[1]}\\b`), 30000, workerMark);
			await main.waitForLog(new RegExp(`Enqueued execution ${m[1]}\\b`), 10000, mainMark);
			H.assert(!/Worker started execution/.test(main.log), 'the main process must not run executions itself');
			// the worker's execution data points at the same bytes, stored the way this mode stores them
			const ex = await rest.waitForExecution(m[1], { timeoutMs: 30000 });
			const item = (L.nodeItems(ex, 'Gemini Image') || [])[0];
			H.assert(item && item.binary && item.binary.data, `execution ${m[1]} has no output image`);
			const bin = item.binary.data;
			if (storedIn === 'database') H.assert(/^database:/.test(bin.id || ''), `binary id ${bin.id} is not database`);
			if (storedIn === 'filesystem') H.assert(/^filesystem-v2:/.test(bin.id || ''), `binary id ${bin.id} is not filesystem-v2`);
			H.eq(L.sha256(L.readStoredBinary(home, bin, rt).bytes), sent.sha256, `sha256 of the bytes the worker stored (${bin.id})`);
		},
	);
	await C.runQueue(ctx, rest, main, worker);
}

module.exports = { runQueue };
