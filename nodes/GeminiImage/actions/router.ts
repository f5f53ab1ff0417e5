/**
 * The item loop: checks every item first, then runs the requests with bounded concurrency and puts the
 * results back in input order. Continue On Fail turns an item's error into an error item; without it
 * the first failing item (by index) stops the run, as one-by-one processing would.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InputImage } from '../api/types';
import { runPool } from '../helpers/pool';
import { getConnection } from '../transport';
import { generateImages } from './generate';
import { RunNotes } from './hints';
import * as imageToImage from './imageToImage.operation';
import type { NodeError } from './itemErrors';
import { asNodeError, errorItem, listModelsInError } from './itemErrors';
import { loadInputImages } from './loadInputImages';
import { readConcurrency } from './options';
import { numberItemImages, toOutputItems } from './output';
import type { ItemPlan } from './plan';
import * as textToImage from './textToImage.operation';

const operations = { textToImage, imageToImage };
type Operation = keyof typeof operations;

/** One item's state while its requests run: images loaded once and shared by its requests. */
interface ItemRun {
	plan: ItemPlan;
	images?: Promise<InputImage[]>;
	pending: number;
	/** Output items per request, in request order (binaries already stored, so memory is freed). */
	outputs: INodeExecutionData[][];
	error?: NodeError;
}

function checkOperation(ctx: IExecuteFunctions): Operation {
	const operation = ctx.getNodeParameter('operation', 0) as string;
	if (operation in operations) return operation as Operation;
	// n8n offers "Custom API Call" on some versions' Operation lists; this node has no such operation.
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation === '__CUSTOM_API_CALL__' ? 'Custom API Call' : operation}" is not available in this node [item 0]`, {
		itemIndex: 0,
		description:
			'Pick Text to Image or Image to Image. For other CometAPI endpoints, use an HTTP Request node with the CometAPI credential (Authentication: Predefined Credential Type).',
	});
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = checkOperation(this);
	const continueOnFail = this.continueOnFail();
	const runs: Array<ItemRun | NodeError> = new Array(items.length);
	const notes = new RunNotes();

	// 1. Read and check every item before any request: a bad item 7 must not cost items 1-6's credit.
	for (let i = 0; i < items.length; i++) {
		try {
			const plan = operations[operation].plan(this, i);
			runs[i] = { plan, pending: plan.settings.numberOfImages, outputs: [] };
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
	await runPool(
		tasks.length,
		readConcurrency(this),
		async (n) => {
			const { run, request } = tasks[n];
			const { plan } = run;
			try {
				if (run.error) return;
				run.images ??= loadInputImages(this, plan);
				const input = { ...plan.input, images: await run.images };
				const result = await generateImages(this, connection, input, plan.settings, plan.itemIndex);
				notes.add(result, plan.input.model);
				const inputJson = plan.settings.includeInputFields ? items[plan.itemIndex].json : undefined;
				run.outputs[request] = await toOutputItems(this, result, plan.input.model, plan.itemIndex, plan.settings.binaryPropertyOutput, inputJson);
			} catch (error) {
				run.error ??= asNodeError(this, error, plan.itemIndex);
				if (!continueOnFail) stopped = true;
			} finally {
				if (--run.pending === 0) run.images = undefined;
			}
		},
		() => stopped,
	);

	// 3. Output in input order; an item's images stay together, in request order. An item with a failed
	// request is an error item as a whole, so pairing stays one answer per item.
	const errors = runs.map((run) => ('plan' in run ? run.error : run)).filter((e): e is NodeError => !!e);
	await listModelsInError(this, continueOnFail ? errors : errors.slice(0, 1));
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const run = runs[i];
		const error = 'plan' in run ? run.error : run;
		if (error) {
			if (!continueOnFail) throw error;
			output.push(errorItem(error, i));
			continue;
		}
		if ('plan' in run) output.push(...numberItemImages(run.outputs.flat(), i, run.plan.settings.binaryPropertyOutput));
	}
	const hints = notes.hints();
	if (hints.length) this.addExecutionHints(...hints);
	return [output];
}
