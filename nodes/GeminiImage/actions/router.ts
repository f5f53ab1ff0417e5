/**
 * The item loop: checks every item first, then runs the requests with bounded concurrency and puts the
 * results back in input order. Continue On Fail turns an item's error into an error item; without it
 * the first failing item (by index) stops the run, as one-by-one processing would.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runPool } from '../helpers/pool';
import { getConnection } from '../transport';
import { generateImages } from './generate';
import * as imageToImage from './imageToImage.operation';
import { loadInputImages } from './loadInputImages';
import { readConcurrency } from './options';
import { toOutputItems } from './output';
import type { ItemPlan } from './plan';
import * as textToImage from './textToImage.operation';

const operations = { textToImage, imageToImage };
type Operation = keyof typeof operations;

function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: { error: string; description?: string } = { error: error.message };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description) json.description = description;
	return { json, pairedItem: { item: itemIndex } };
}

/** Anything unexpected (a storage error, a bug) still reaches the user as a node error naming the item. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	if (!(operation in operations)) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not known`);
	}
	const continueOnFail = this.continueOnFail();
	const results: Array<INodeExecutionData[] | Error> = new Array(items.length);

	// 1. Read and check every item before any request: a bad item 7 must not cost items 1-6's credit.
	const plans: Array<ItemPlan | undefined> = new Array(items.length);
	for (let i = 0; i < items.length; i++) {
		try {
			plans[i] = operations[operation].plan(this, i);
		} catch (error) {
			results[i] = asNodeError(this, error, i);
			if (!continueOnFail) throw results[i];
		}
	}

	// 2. Requests, several at once. Images are loaded per item just before its request, so memory
	// holds at most `concurrency` items' images.
	const connection = await getConnection(this);
	let firstFatal = Number.POSITIVE_INFINITY;
	const toRun = plans.flatMap((plan, i) => (plan ? [i] : []));
	await runPool(
		toRun.length,
		readConcurrency(this),
		async (n) => {
			const plan = plans[toRun[n]] as ItemPlan;
			const i = plan.itemIndex;
			try {
				plan.input.images = await loadInputImages(this, plan);
				const result = await generateImages(this, connection, plan.input, plan.settings, i);
				plan.input.images = [];
				results[i] = await toOutputItems(this, result, plan.input.model, i, plan.settings.binaryPropertyOutput);
			} catch (error) {
				plan.input.images = [];
				results[i] = asNodeError(this, error, i);
				if (!continueOnFail) firstFatal = Math.min(firstFatal, i);
			}
		},
		() => firstFatal !== Number.POSITIVE_INFINITY,
	);

	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const result = results[i];
		if (result instanceof Error) {
			if (!continueOnFail) throw result;
			output.push(errorItem(result, i));
		} else if (result) {
			output.push(...result);
		}
	}
	return [output];
}
