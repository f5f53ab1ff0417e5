/**
 * The item loop: checks every item first, then runs the requests with bounded concurrency and puts the
 * results back in input order. Continue On Fail turns an item's error into an error item; without it
 * the first failing item (by index) stops the run, as one-by-one processing would.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { InputImage } from '../helpers/interfaces';
import { quote } from '../helpers/redact';
import { getConnection, NotSent } from '../transport';
import { limiterFor } from '../transport/limiter';
import type { NodeError } from './errors';
import { asNodeError, errorItem, itemError, listModelsInError } from './errors';
import * as imageToImage from './image/imageToImage.operation';
import * as refineImage from './image/refineImage.operation';
import * as textToImage from './image/textToImage.operation';
import { loadInputImages } from './input';
import type { ItemPlan } from './item';
import { generateImages, runMode } from './item';
import type { RunMode } from './options';
import { LIMITS, readConcurrency } from './options';
import type { ToolImageInfo } from './output';
import { addConversation, addImageLinks, asToolItems, numberItemImages, RunNotes, toolFacts, toOutputItems } from './output';

const operations = { textToImage, imageToImage, refineImage };
type Operation = keyof typeof operations;

/**
 * Runs `task(i)` for i = 0..count-1 with at most `limit` running at once, starting them in index order.
 * Once `stop()` says so, no new task starts (running ones finish). No timers: n8n's scanner bans them.
 */
export async function runPool(
	count: number,
	limit: number,
	task: (index: number) => Promise<void>,
	stop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && !stop()) {
			const index = next++;
			await task(index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker);
	await Promise.all(workers);
}

/** One item's state while its requests run: images loaded once and shared by its requests. */
interface ItemRun {
	plan: ItemPlan;
	images?: Promise<InputImage[]>;
	pending: number;
	/** Output items per request, in request order (binaries already stored, so memory is freed). */
	outputs: INodeExecutionData[][];
	/** As a tool: what the answer says of each image, per request (output.ts toolFacts). */
	facts: ToolImageInfo[][];
	error?: NodeError;
	/** Requests of this item that failed (the first one's error is `error`). */
	failed: number;
}

/**
 * Number of Images > 1 and some requests failed: the images made are kept (and paid for). The error says
 * how many there are and where they went: before the error item with Continue On Fail, nowhere without.
 */
function notePartial(run: ItemRun, made: number, continueOnFail: boolean): void {
	const requested = run.plan.settings.numberOfImages;
	if (!run.error || requested < 2) return;
	const where = continueOnFail
		? made > 0
			? `the other ${made} are in the output, before this error item.`
			: 'none was made.'
		: `${made} were made but are not in the output, because the node stops at an error: set On Error to "Continue" in the node's settings to keep them.`;
	const error = run.error as { description?: string | null };
	error.description = `${run.failed} of the ${requested} images of this item failed; ${where}${error.description ? ` ${error.description}` : ''}`;
}

function checkOperation(ctx: IExecuteFunctions, run: RunMode): Operation {
	const operation = ctx.getNodeParameter('operation', 0) as string;
	if (operation === 'refineImage' && !run.version2) {
		throw itemError(
			ctx,
			0,
			'Refine Image needs node version 2',
			'Add a new Gemini Image node (version 2) for Refine Image; version 1 nodes have Text to Image and Image to Image.',
		);
	}
	if (operation in operations) return operation as Operation;
	// n8n offers "Custom API Call" on some versions' Operation lists; this node has no such operation.
	throw itemError(
		ctx,
		0,
		`The operation ${quote(operation === '__CUSTOM_API_CALL__' ? 'Custom API Call' : operation)} is not available in this node`,
		'Pick Text to Image or Image to Image. For other CometAPI endpoints, use an HTTP Request node with the CometAPI credential (Authentication: Predefined Credential Type).',
	);
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// Version 2 keeps the conversation on its items; as an AI Agent's tool it answers with a summary and a link.
	const mode = runMode(this);
	const { version2, tool } = mode;
	const operation = checkOperation(this, mode);
	const continueOnFail = this.continueOnFail();
	const runs: Array<ItemRun | NodeError> = new Array(items.length);
	const notes = new RunNotes();

	// 1. Read and check every item before any request: a bad item 7 must not cost items 1-6's credit.
	for (let i = 0; i < items.length; i++) {
		try {
			const plan = operations[operation].plan(this, i, mode);
			runs[i] = { plan, pending: plan.settings.numberOfImages, outputs: [], facts: [], failed: 0 };
			if (plan.droppedTurns) notes.trimmed(i, plan.droppedTurns);
		} catch (error) {
			runs[i] = asNodeError(this, error, i);
			if (!continueOnFail) throw runs[i];
		}
	}

	// 2. The requests: one per image wanted, several at once, started in item order. An item's images
	// are loaded just before its first request and dropped after its last, so memory holds the images
	// of at most `concurrency` items.
	const tasks = runs.flatMap((run) =>
		'plan' in run ? Array.from({ length: run.plan.settings.numberOfImages }, (_, request) => ({ run, request })) : [],
	);
	const connection = await getConnection(this);
	let stopped = false;
	// Version 2: one limiter per account in this process; requests still queued there are not sent once the run stops.
	const halt = new AbortController();
	const cancel = this.getExecutionCancelSignal?.();
	const stopOnCancel = () => halt.abort();
	cancel?.addEventListener('abort', stopOnCancel, { once: true });
	const account = `${this.getNode().credentials?.cometApi?.id ?? ''} ${connection.baseUrl}`;
	const queue = version2 ? { limiter: limiterFor(account, LIMITS.v2MaxConcurrency), queueSignal: halt.signal } : undefined;
	// Removed after the run: a loop runs the node many times in one execution, all on the execution's one signal.
	try {
		await runPool(
			tasks.length,
			readConcurrency(this, mode),
			async (n) => {
				const { run, request } = tasks[n];
				const { plan } = run;
				try {
					// With Continue On Fail the item's other requests still run: their images are kept.
					if (run.error && !continueOnFail) return;
					run.images ??= loadInputImages(this, plan);
					const input = { ...plan.input, images: await run.images };
					const result = await generateImages(this, connection, input, plan.settings, plan.itemIndex, queue);
					notes.add(result, plan.input.model);
					const inputJson = plan.settings.includeInputFields ? items[plan.itemIndex].json : undefined;
					const outputs = await toOutputItems(
						this,
						result,
						plan.input.model,
						plan.itemIndex,
						plan.settings.binaryPropertyOutput,
						inputJson,
					);
					if (version2 && !tool) addConversation(outputs, result, plan, plan.conversationItem ?? items[plan.itemIndex]);
					if (tool) run.facts[request] = toolFacts(result, plan.input.model);
					run.outputs[request] = outputs;
				} catch (error) {
					if (error instanceof NotSent && !cancel?.aborted) return;
					run.error ??= asNodeError(this, error, plan.itemIndex);
					run.failed++;
					if (!continueOnFail) {
						stopped = true;
						halt.abort();
					}
				} finally {
					if (--run.pending === 0) run.images = undefined;
				}
			},
			() => stopped,
		);
	} finally {
		cancel?.removeEventListener('abort', stopOnCancel);
	}

	// 3. Output in input order; an item's images stay together, in request order. An item with a failed
	// request ends with one error item, after the images its other requests made.
	const errors = runs.map((run) => ('plan' in run ? run.error : run)).filter((e): e is NodeError => !!e);
	await listModelsInError(this, continueOnFail ? errors : errors.slice(0, 1));
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const run = runs[i];
		const made = 'plan' in run ? run.outputs.flat() : [];
		if ('plan' in run) notePartial(run, made.length, continueOnFail);
		const error = 'plan' in run ? run.error : run;
		if (error && !continueOnFail) throw error;
		if ('plan' in run) {
			const { binaryPropertyOutput, imageLink } = run.plan.settings;
			const itemOutputs = numberItemImages(made, i, binaryPropertyOutput);
			if (tool) asToolItems(this, itemOutputs, run.facts.flat(), binaryPropertyOutput);
			else if (imageLink) addImageLinks(this, itemOutputs, binaryPropertyOutput);
			output.push(...itemOutputs);
		}
		if (error) output.push(errorItem(error, i));
	}
	const hints = notes.hints();
	// n8n 1.85's context for tools has no addExecutionHints.
	if (hints.length && typeof this.addExecutionHints === 'function') this.addExecutionHints(...hints);
	return [output];
}
