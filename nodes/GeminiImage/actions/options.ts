/** The node's options: their allowed values and how a set of them is read for one item. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { unsupportedOptions } from '../api/models/supportedOptions';
import type { RetryPolicy } from '../api/retry';
import { DEFAULT_RETRY_POLICY } from '../api/retry';
import type { GenerationInput } from '../helpers/interfaces';
import type { AllowList } from '../helpers/addresses';
import { NOTHING_ALLOWED, parseAllowList } from '../helpers/addresses';
import { quote } from '../helpers/redact';
import { ASPECT_RATIOS, IMAGE_SIZES, LIMITS, tooLong } from './limits';
import { nodeVersion, readOptionValues, readToolChoices } from './parameters';
import { isToolRun } from './toolRun';

export { ASPECT_RATIOS, IMAGE_SIZES, LIMITS } from './limits';

/** What the options decide for one item, besides the generation fields. */
export interface ItemSettings {
	apiFormat: 'geminiNative' | 'openAiChat';
	streaming: boolean;
	numberOfImages: number;
	imageUrls: string[];
	/** Which addresses image URLs may reach: public ones only in a tool run and by default in version 2. */
	urlAccess: { publicOnly: boolean; allow: AllowList };
	binaryPropertyOutput: string;
	/** Version 2: output items keep the input item's fields (default); version 1 never did. Never in a tool run. */
	includeInputFields: boolean;
	/** Version 2: add imageUrl, n8n's signed link to the stored image (Add Image Link; always as a tool). */
	imageLink: boolean;
	maxInputBytes: number;
	timeoutMs: number;
	retry: RetryPolicy;
}

export interface ReadOptions {
	generation: Partial<GenerationInput>;
	settings: ItemSettings;
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** `value` if the list has it; else an error that names the item and shows (the start of) the value as it was typed. */
function oneOf(ctx: IExecuteFunctions, itemIndex: number, label: string, value: string, typed: unknown, allowed: string[]): string {
	if (allowed.includes(value)) return value;
	throw new NodeOperationError(ctx.getNode(), `${label} ${quote(typed)} is not supported [item ${itemIndex}]`, {
		itemIndex,
		description: `Use one of ${allowed.join(', ')}, or leave it empty for the model's default.`,
	});
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number, model: string): ReadOptions {
	// Version 2 as a tool: what the AI model chose (aspect ratio, size, number of images) wins over the options.
	const version2 = nodeVersion(ctx) >= 2;
	const tool = version2 && isToolRun(ctx);
	const options = { ...readOptionValues(ctx, itemIndex), ...(tool ? readToolChoices(ctx, itemIndex) : {}) };
	const generation: Partial<GenerationInput> = {};

	const aspectRatio = String(options.aspectRatio ?? '').trim();
	if (aspectRatio) generation.aspectRatio = oneOf(ctx, itemIndex, 'Aspect Ratio', aspectRatio, aspectRatio, ASPECT_RATIOS);

	// Users type "2k" in expressions; the API only takes an uppercase K.
	const imageSize = String(options.imageSize ?? '')
		.trim()
		.toUpperCase();
	if (imageSize) generation.imageSize = oneOf(ctx, itemIndex, 'Image Size', imageSize, options.imageSize, IMAGE_SIZES);

	if (options.responseModalities !== undefined) {
		generation.responseModalities = options.responseModalities === 'IMAGE' ? ['IMAGE'] : ['TEXT', 'IMAGE'];
	}
	const systemInstruction = String(options.systemInstruction ?? '').trim();
	if (systemInstruction.length > LIMITS.maxSystemInstructionChars) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${tooLong('System Instruction', systemInstruction.length, LIMITS.maxSystemInstructionChars)} [item ${itemIndex}]`,
			{ itemIndex, description: 'Nothing was sent. Shorten the System Instruction option to the rules the model should follow.' },
		);
	}
	if (systemInstruction) generation.systemInstruction = systemInstruction;
	for (const key of ['temperature', 'topP', 'seed'] as const) {
		if (options[key] === undefined || options[key] === '' || options[key] === null) continue;
		const value = Number(options[key]);
		if (!Number.isFinite(value)) {
			throw new NodeOperationError(ctx.getNode(), `Option ${key} must be a number, got ${quote(options[key])} [item ${itemIndex}]`, {
				itemIndex,
				description: 'Check the expression that sets it.',
			});
		}
		generation[key] = key === 'seed' ? Math.trunc(value) : value;
	}
	const safety = ((options.safetySettings as IDataObject | undefined)?.values ?? []) as IDataObject[];
	generation.safetySettings = safety.map((s) => ({ category: String(s.category), threshold: String(s.threshold) }));
	if (options.googleSearch === true) generation.googleSearch = true;

	const problems = unsupportedOptions({ model, ...generation });
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), `${problems[0]} [item ${itemIndex}]`, {
			itemIndex,
			description:
				'The model would reject the request, so nothing was sent. If the model has gained the feature since, use its new name by ID.',
		});
	}

	const binaryPropertyOutput = String(options.binaryPropertyOutput ?? 'data').trim() || 'data';
	const maxInputMb = Number(options.maxInputMb ?? LIMITS.defaultMaxInputMb);
	const timeoutSeconds = Number(options.timeout ?? LIMITS.defaultTimeoutSeconds);
	const maxRetries = Number(options.maxRetries ?? LIMITS.defaultMaxRetries);

	const urlAccess = readUrlAccess(ctx, itemIndex, options, version2);
	const numberOfImages = clamp(Math.floor(Number(options.numberOfImages ?? 1)) || 1, 1, LIMITS.maxNumberOfImages);
	return {
		generation,
		settings: {
			apiFormat: options.apiFormat === 'openAiChat' ? 'openAiChat' : 'geminiNative',
			streaming: options.streaming === true,
			numberOfImages,
			// Only Image to Image reads image URLs (its plan sets them): a version 1 Text to Image whose Options still
			// hold some from an earlier operation must not download and send them.
			imageUrls: [],
			urlAccess,
			binaryPropertyOutput,
			includeInputFields: version2 && !tool && options.includeInputFields !== false,
			imageLink: tool || (version2 && options.imageLink === true),
			maxInputBytes: Math.round((maxInputMb > 0 ? maxInputMb : LIMITS.defaultMaxInputMb) * 1024 * 1024),
			timeoutMs: Math.round((timeoutSeconds > 0 ? timeoutSeconds : LIMITS.defaultTimeoutSeconds) * 1000),
			retry: { ...DEFAULT_RETRY_POLICY, maxRetries: clamp(Math.floor(maxRetries) || 0, 0, 10) },
		},
	};
}

/**
 * An AI model (and whoever writes in front of it) chooses a tool's URLs, so a tool run of any version fetches
 * public addresses only; a version 2 node does by default, as its URLs often come from item JSON that a
 * webhook caller wrote. Version 1 outside a tool fetches any address, as it always did.
 */
function readUrlAccess(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, version2: boolean): ItemSettings['urlAccess'] {
	const tool = isToolRun(ctx);
	if (!version2) return { publicOnly: tool, allow: NOTHING_ALLOWED };
	const { allow, invalid } = parseAllowList(String(options.allowedPrivateHosts ?? ''));
	if (invalid.length) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Allowed Private Hosts has ${quote(invalid[0])}, which is neither a host name nor an address range [item ${itemIndex}]`,
			{
				itemIndex,
				description:
					'List host names (*.example.com for its subdomains), IP addresses or ranges such as 192.168.1.0/24, separated by commas.',
			},
		);
	}
	return { publicOnly: tool || options.imageUrlAccess !== 'any', allow };
}

/** Concurrency is one value for the whole run (read from the first item). */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = readOptionValues(ctx, 0);
	const value = Math.floor(Number(options.concurrency ?? LIMITS.defaultConcurrency));
	return clamp(Number.isFinite(value) ? value : LIMITS.defaultConcurrency, 1, LIMITS.maxConcurrency);
}
