/**
 * Every option and request setting: its definition and how it is read for an item. Internal names, types,
 * defaults and values are a contract with saved workflows: never change them, only labels and help.
 * Version 1 has them all in one Options collection; version 2 in Options (what to make, and the output)
 * and Request Settings (how to talk to the API).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { EXTREME_RATIO_MODELS, EXTREME_RATIOS, SIZE_512_MODELS, unsupportedOptions } from '../helpers/models';
import type { RetryPolicy } from '../transport/index';
import { DEFAULT_RETRY_POLICY } from '../transport/index';
import type { GenerationInput } from '../helpers/interfaces';
import type { AllowList } from '../helpers/addresses';
import { NOTHING_ALLOWED, parseAllowList } from '../helpers/addresses';
import { quote } from '../helpers/redact';
import { itemError } from './errors';

const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:4', '4:1', '1:8', '8:1'];
const IMAGE_SIZES = ['512', '1K', '2K', '4K'];

export const LIMITS = {
	maxInputImages: 14,
	defaultMaxInputMb: 20,
	/** The panel's maximum, also applied to what an expression gives (n8n checks it only in the panel). */
	maxInputMb: 100,
	defaultMaxRetries: DEFAULT_RETRY_POLICY.maxRetries,
	defaultTimeoutSeconds: 300,
	/**
	 * The panel's maximum, also applied to what an expression gives: past Node's timer limit (2^31 ms) a timer
	 * fires at once, so every attempt would end as soon as it was sent, and be retried.
	 */
	maxTimeoutSeconds: 3600,
	defaultConcurrency: 8,
	maxConcurrency: 16,
	/**
	 * Version 2: Concurrency is a ceiling, the shared limiter finds the account's level below it. 32 lets a
	 * generous account run fast; 64, as each request in flight holds its images in memory (up to 20 MB in, a
	 * few MB out), keeps a 4K run within what a small instance holds. Also the most a process sends one account.
	 */
	v2DefaultConcurrency: 32,
	v2MaxConcurrency: 64,
	/** Version 2: how long one request may keep being refused (429, 503 overload) before it fails. */
	maxRateLimitWaitMs: DEFAULT_RETRY_POLICY.maxRateLimitWaitMs,
	maxNumberOfImages: 8,
	/**
	 * Text, in characters, checked before any request. A token is about 4 characters, and the smallest input
	 * window of the Gemini image models is 32,768 tokens (gemini-2.5-flash-image; Gemini 3 image models take
	 * more): a prompt and a system instruction at their limits (about 8,000 tokens each) still leave room for
	 * 14 input images. Real prompts are a few hundred characters.
	 */
	maxPromptChars: 32_000,
	maxSystemInstructionChars: 32_000,
	/** A prompt an AI model writes for the tool: a description of one image, never a document. */
	maxToolPromptChars: 8_000,
	/**
	 * Include Input Fields copies the input item's JSON into each output item; past this nesting the copy
	 * (and n8n's own JSON handling after the node) runs out of stack. Real items nest a few levels.
	 */
	maxInputJsonDepth: 1000,
	/** Model IDs are short (gemini-3.1-flash-image); the ID goes into the request's path. */
	maxModelIdChars: 200,
};

/** What a tool may be asked for at most per call: each image is a paid request. */
export const MAX_TOOL_IMAGES = 4;

/** "Prompt is too long" and its kin: the size found, the limit, and what to do. */
export function tooLong(label: string, length: number, max: number): string {
	return `${label} is too long: ${length.toLocaleString('en-US')} characters, at most ${max.toLocaleString('en-US')}`;
}

/** Shows a parameter only on the given node versions (n8n's `@version` display option). */
export function onVersions(versions: number[], property: INodeProperties): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), '@version': versions };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

const ratioLabel = (r: string) => (EXTREME_RATIOS.includes(r) ? `${r} (${EXTREME_RATIO_MODELS} only)` : r);
const sizeLabel = (s: string) => (s === '512' ? `512 (${SIZE_512_MODELS} only)` : s);

const aspectRatio: INodeProperties = {
	displayName: 'Aspect Ratio',
	name: 'aspectRatio',
	type: 'options',
	default: '',
	description: `Shape of the image. Model Default is square (1:1) for a new image; Gemini 3 Pro Image editing an image keeps its shape. The four narrowest ratios need ${EXTREME_RATIO_MODELS}.`,
	options: [{ name: 'Model Default', value: '' }, ...ASPECT_RATIOS.map((r) => ({ name: ratioLabel(r), value: r }))],
};

const googleSearch: INodeProperties = {
	displayName: 'Google Search Grounding (Gemini 3 Models)',
	name: 'googleSearch',
	type: 'boolean',
	default: false,
	description:
		'Whether the model may search Google for up-to-date facts (weather, news, scores) before drawing. Gemini 3 image models only; the sources come back in the output JSON.',
};

const imageSize: INodeProperties = {
	displayName: 'Image Size',
	name: 'imageSize',
	type: 'options',
	default: '',
	description:
		'Resolution of the image. Model Default is 1K (1024 px on the long side at 1:1). Gemini 2.5 Flash Image and Nano Banana 2 Lite make 1K only: leave Model Default.',
	options: [{ name: 'Model Default', value: '' }, ...IMAGE_SIZES.map((s) => ({ name: sizeLabel(s), value: s }))],
};

/** Version 1 only: version 2 asks for image URLs under Input Images. */
const imageUrlsOption: INodeProperties = {
	displayName: 'Input Image URLs',
	name: 'imageUrls',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://example.com/cat.png',
	description:
		'Images to download and send after the binary fields, separated by commas or new lines. Clear Input Binary Fields to use URLs only.',
	displayOptions: { show: { '/operation': ['imageToImage'] } },
};

const conversationNode: INodeProperties = {
	displayName: 'Conversation From Node',
	name: 'conversationNode',
	type: 'string',
	default: '',
	placeholder: 'e.g. Current Image',
	description:
		'Refine Image: the name of the node whose output item holds the conversation, when a node in between replaced the item (a Form page or Wait node of a review loop). That node must pass on the Gemini Image output unchanged, e.g. the Gemini Image node itself or a No Operation node after it. Empty: the input item.',
	displayOptions: { show: { '/operation': ['refineImage'] } },
};

const imageLink: INodeProperties = {
	displayName: 'Add Image Link',
	name: 'imageLink',
	type: 'boolean',
	default: false,
	description:
		"Whether to add imageUrl, a link to the stored image that opens without logging in for one day, to show it in a form, a chat or an email, or to send it by URL. Anyone with the link can open the image. Needs n8n 1.90 or later and binary data that is not kept in memory. As an AI Agent's tool the node always adds it.",
};

const includeInputFields: INodeProperties = {
	displayName: 'Include Input Fields',
	name: 'includeInputFields',
	type: 'boolean',
	default: true,
	description:
		"Whether each output item keeps the fields of the input item it came from (e.g. a product's sku and title). Where a name is the same, the image's field (model, text, mimeType...) wins.",
};

const numberOfImages: INodeProperties = {
	displayName: 'Number of Images',
	name: 'numberOfImages',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 1, maxValue: LIMITS.maxNumberOfImages },
	description: `How many images to make for each item (1 to ${LIMITS.maxNumberOfImages}, default 1). The model makes one per request, so this sends that many requests; each image is its own output item.`,
};

const binaryPropertyOutput: INodeProperties = {
	displayName: 'Put Output in Field',
	name: 'binaryPropertyOutput',
	type: 'string',
	default: 'data',
	hint: 'The name of the output field to put the image in',
	description: 'Default: data',
};

const responseModalities: INodeProperties = {
	displayName: 'Response Content',
	name: 'responseModalities',
	type: 'options',
	default: 'TEXT_IMAGE',
	description:
		'Whether the model may also answer with text next to the image. Image and Text is also what the model does when this option is not added.',
	options: [
		{ name: 'Image and Text', value: 'TEXT_IMAGE' },
		{ name: 'Image Only', value: 'IMAGE' },
	],
};

const safetySettings: INodeProperties = {
	displayName: 'Safety Settings',
	name: 'safetySettings',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Safety Setting',
	description: "How strictly Google's filter blocks each kind of content. Categories not listed keep Google's default.",
	options: [
		{
			displayName: 'Setting',
			name: 'values',
			values: [
				{
					displayName: 'Category',
					name: 'category',
					type: 'options',
					default: 'HARM_CATEGORY_HARASSMENT',
					options: [
						{ name: 'Civic Integrity', value: 'HARM_CATEGORY_CIVIC_INTEGRITY' },
						{ name: 'Dangerous Content', value: 'HARM_CATEGORY_DANGEROUS_CONTENT' },
						{ name: 'Harassment', value: 'HARM_CATEGORY_HARASSMENT' },
						{ name: 'Hate Speech', value: 'HARM_CATEGORY_HATE_SPEECH' },
						{ name: 'Sexually Explicit', value: 'HARM_CATEGORY_SEXUALLY_EXPLICIT' },
					],
				},
				{
					displayName: 'Threshold',
					name: 'threshold',
					type: 'options',
					default: 'BLOCK_MEDIUM_AND_ABOVE',
					options: [
						{ name: 'Block Low and Above', value: 'BLOCK_LOW_AND_ABOVE' },
						{ name: 'Block Medium and Above', value: 'BLOCK_MEDIUM_AND_ABOVE' },
						{ name: 'Block None', value: 'BLOCK_NONE' },
						{ name: 'Block Only High', value: 'BLOCK_ONLY_HIGH' },
						{ name: 'Off', value: 'OFF' },
					],
				},
			],
		},
	],
};

const seed: INodeProperties = {
	displayName: 'Seed',
	name: 'seed',
	type: 'number',
	default: 0,
	description:
		'A fixed number makes results more repeatable for the same prompt (not guaranteed). Sent only when this option is added; 0 is a seed like any other.',
};

const systemInstruction: INodeProperties = {
	displayName: 'System Instruction',
	name: 'systemInstruction',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	placeholder: 'e.g. You are a product photographer. White background, soft light.',
	description: 'Standing instructions for the model, applied to every prompt',
};

const temperature: INodeProperties = {
	displayName: 'Temperature',
	name: 'temperature',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
	description: "Randomness of the result: lower is more predictable, higher more varied. 1 is the model's own default.",
};

const topP: INodeProperties = {
	displayName: 'Top P',
	name: 'topP',
	type: 'number',
	default: 0.95,
	typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
	description:
		"Nucleus sampling: the model picks from the most likely choices whose probabilities add up to this. 0.95 is the model's own default.",
};

/** Image URLs are only read by the operations that take input images. */
const withImages = { show: { '/operation': ['imageToImage', 'refineImage'] } };

const allowedPrivateHosts: INodeProperties = {
	displayName: 'Allowed Private Hosts',
	name: 'allowedPrivateHosts',
	type: 'string',
	default: '',
	placeholder: 'e.g. nas.local, *.corp.example, 192.168.1.0/24',
	description:
		'Hosts that image URLs may reach although they are not public, e.g. a NAS or an internal bucket: host names (*. for subdomains), IP addresses or ranges, separated by commas. Applies as an AI Agent tool too.',
	displayOptions: withImages,
};

const apiFormat: INodeProperties = {
	displayName: 'API Format',
	name: 'apiFormat',
	type: 'options',
	default: 'geminiNative',
	description:
		"Which of CometAPI's routes to call. Both give the same output; use OpenAI Chat if your gateway or account only offers that one. Default: Gemini Native.",
	options: [
		{ name: 'Gemini Native (generateContent)', value: 'geminiNative' },
		{ name: 'OpenAI Chat (Streamed)', value: 'openAiChat' },
	],
};

const concurrency: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	default: 8,
	typeOptions: { minValue: 1, maxValue: LIMITS.maxConcurrency },
	description: `How many requests run at the same time (1 to ${LIMITS.maxConcurrency}, default ${LIMITS.defaultConcurrency}), across items and Number of Images. Output order stays the same. Lower it on small instances with large images: each request in flight holds its images in memory.`,
};

const v2Concurrency: INodeProperties = {
	...concurrency,
	default: LIMITS.v2DefaultConcurrency,
	typeOptions: { minValue: 1, maxValue: LIMITS.v2MaxConcurrency },
	description: `The most requests this execution runs at the same time (1 to ${LIMITS.v2MaxConcurrency}, default ${LIMITS.v2DefaultConcurrency}). Below it, the node finds how many your CometAPI account accepts and slows down when told to, shared by every execution with this credential. Output order stays the same. Lower it on small instances with large images: each request in flight holds its images in memory.`,
};

const imageUrlAccess: INodeProperties = {
	displayName: 'Image URL Access',
	name: 'imageUrlAccess',
	type: 'options',
	default: 'publicOnly',
	description:
		'Which addresses image URLs may lead to. As an AI Agent tool always Public Addresses Only (plus Allowed Private Hosts). Default: Public Addresses Only.',
	options: [
		{
			name: 'Public Addresses Only',
			value: 'publicOnly',
			description: 'Refuse loopback, private, link-local and other reserved addresses, also behind a host name or a redirect',
		},
		{
			name: 'Any Address',
			value: 'any',
			description: 'Also fetch from your own network. Only for URLs you trust: whoever writes them can read internal services.',
		},
	],
	displayOptions: withImages,
};

const maxInputMb: INodeProperties = {
	displayName: 'Max Input Size (MB)',
	name: 'maxInputMb',
	type: 'number',
	default: 20,
	typeOptions: { minValue: 1, maxValue: LIMITS.maxInputMb },
	description: `Largest total size of the input images of one item (default ${LIMITS.defaultMaxInputMb}), the earlier images of a conversation included (Refine Image leaves out the oldest turns to stay within it). CometAPI does not publish its limit; 20 MB is safe. Raise it only if your gateway accepts more.`,
	displayOptions: { show: { '/operation': ['imageToImage', 'refineImage'] } },
};

export const maxRetries: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	default: 5,
	typeOptions: { minValue: 0, maxValue: 10 },
	description: `How often to try again after a rate limit (429), a timeout or a temporary server error (500, 502, 503, 504, 524), waiting longer each time (default ${LIMITS.defaultMaxRetries}). 0 turns retries off.`,
};

const v2MaxRetries: INodeProperties = {
	...maxRetries,
	description: `How often to try again after a timeout or a temporary server error (500, 502, 504, 524), waiting longer each time (default ${LIMITS.defaultMaxRetries}). 0 turns retries off. Being told to slow down (429, or 503 when busy) does not count: the request waits its turn, up to ${LIMITS.maxRateLimitWaitMs / 60_000} minutes.`,
};

const streaming: INodeProperties = {
	displayName: 'Streaming',
	name: 'streaming',
	type: 'boolean',
	default: false,
	description:
		'Whether to stream the native answer (streamGenerateContent). Keeps the connection alive through gateways that cut idle requests, useful for slow 4K images. Off by default; the OpenAI Chat format always streams.',
	// The chat route always streams: the switch would do nothing there.
	displayOptions: { hide: { apiFormat: ['openAiChat'] } },
};

const timeout: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	default: 300,
	typeOptions: { minValue: 10, maxValue: LIMITS.maxTimeoutSeconds },
	description: `How long CometAPI (or an image URL) may send nothing before the attempt is given up and retried (default ${LIMITS.defaultTimeoutSeconds}). One attempt may take at most 10 times this in all. 4K images can take a few minutes.`,
};

export const v1Options = onVersions([1], {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		apiFormat,
		aspectRatio,
		concurrency,
		googleSearch,
		imageSize,
		imageUrlsOption,
		maxInputMb,
		maxRetries,
		numberOfImages,
		binaryPropertyOutput,
		responseModalities,
		safetySettings,
		seed,
		streaming,
		systemInstruction,
		temperature,
		timeout,
		topP,
	],
});

export const v2Options = onVersions([2], {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		aspectRatio,
		conversationNode,
		googleSearch,
		imageLink,
		imageSize,
		includeInputFields,
		numberOfImages,
		binaryPropertyOutput,
		responseModalities,
		safetySettings,
		seed,
		systemInstruction,
		temperature,
		topP,
	],
});

export const v2RequestSettings = onVersions([2], {
	displayName: 'Request Settings',
	name: 'requestSettings',
	type: 'collection',
	placeholder: 'Add Setting',
	default: {},
	description: 'How the node talks to CometAPI and fetches image URLs. The defaults suit most workflows.',
	options: [allowedPrivateHosts, apiFormat, v2Concurrency, imageUrlAccess, maxInputMb, v2MaxRetries, streaming, timeout],
});

/** What kind of run this is, decided once per run (item.ts runMode). */
export interface RunMode {
	version2: boolean;
	/** An AI Agent called the node as its tool, whatever its version: its image URLs are public ones only. */
	toolCall: boolean;
	/** Version 2 as a tool: the tool's own parameters (versionDescription.ts) and answer (output.ts). */
	tool: boolean;
}

/** Every option of the item as one flat object, whichever collection holds it. */
export function readOptionValues(ctx: IExecuteFunctions, itemIndex: number, run: RunMode): IDataObject {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (!run.version2) return options;
	const settings = ctx.getNodeParameter('requestSettings', itemIndex, {}) as IDataObject;
	return { ...options, ...settings };
}

/** The tool variant's choices for one item, as option values; empty ones leave the options as they are. */
function readToolChoices(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const read = (name: string) => String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	const choices: IDataObject = {};
	const aspectRatio = read('toolAspectRatio');
	if (aspectRatio) choices.aspectRatio = aspectRatio;
	const imageSize = read('toolImageSize');
	if (imageSize) choices.imageSize = imageSize;
	const count = Math.floor(Number(read('toolNumberOfImages')));
	if (count >= 1) choices.numberOfImages = Math.min(count, MAX_TOOL_IMAGES, LIMITS.maxNumberOfImages);
	return choices;
}

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

interface ReadOptions {
	generation: Partial<GenerationInput>;
	settings: ItemSettings;
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** `value` if the list has it; else an error that names the item and shows (the start of) the value as it was typed. */
function oneOf(ctx: IExecuteFunctions, itemIndex: number, label: string, value: string, typed: unknown, allowed: string[]): string {
	if (allowed.includes(value)) return value;
	throw itemError(
		ctx,
		itemIndex,
		`${label} ${quote(typed)} is not supported`,
		`Use one of ${allowed.join(', ')}, or leave it empty for the model's default.`,
	);
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number, model: string, run: RunMode): ReadOptions {
	const { version2, tool } = run;
	// Version 2 as a tool: what the AI model chose (aspect ratio, size, number of images) wins over the options.
	const options = { ...readOptionValues(ctx, itemIndex, run), ...(tool ? readToolChoices(ctx, itemIndex) : {}) };
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
		throw itemError(
			ctx,
			itemIndex,
			tooLong('System Instruction', systemInstruction.length, LIMITS.maxSystemInstructionChars),
			'Nothing was sent. Shorten the System Instruction option to the rules the model should follow.',
		);
	}
	if (systemInstruction) generation.systemInstruction = systemInstruction;
	for (const key of ['temperature', 'topP', 'seed'] as const) {
		if (options[key] === undefined || options[key] === '' || options[key] === null) continue;
		const value = Number(options[key]);
		if (!Number.isFinite(value)) {
			throw itemError(ctx, itemIndex, `Option ${key} must be a number, got ${quote(options[key])}`, 'Check the expression that sets it.');
		}
		generation[key] = key === 'seed' ? Math.trunc(value) : value;
	}
	const safety = ((options.safetySettings as IDataObject | undefined)?.values ?? []) as IDataObject[];
	generation.safetySettings = safety.map((s) => ({ category: String(s.category), threshold: String(s.threshold) }));
	if (options.googleSearch === true) generation.googleSearch = true;

	const problems = unsupportedOptions({ model, ...generation });
	if (problems.length) {
		throw itemError(
			ctx,
			itemIndex,
			problems[0],
			'The model would reject the request, so nothing was sent. If the model has gained the feature since, use its new name by ID.',
		);
	}

	const binaryPropertyOutput = String(options.binaryPropertyOutput ?? 'data').trim() || 'data';
	const maxInputMb = Number(options.maxInputMb ?? LIMITS.defaultMaxInputMb);
	const timeoutSeconds = Number(options.timeout ?? LIMITS.defaultTimeoutSeconds);
	const maxRetries = Number(options.maxRetries ?? LIMITS.defaultMaxRetries);

	const urlAccess = readUrlAccess(ctx, itemIndex, options, run);
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
			maxInputBytes: Math.round((maxInputMb > 0 ? Math.min(maxInputMb, LIMITS.maxInputMb) : LIMITS.defaultMaxInputMb) * 1024 * 1024),
			timeoutMs: Math.round(
				(timeoutSeconds > 0 ? Math.min(timeoutSeconds, LIMITS.maxTimeoutSeconds) : LIMITS.defaultTimeoutSeconds) * 1000,
			),
			retry: { ...DEFAULT_RETRY_POLICY, maxRetries: clamp(Math.floor(maxRetries) || 0, 0, 10) },
		},
	};
}

/**
 * An AI model (and whoever writes in front of it) chooses a tool's URLs, so a tool run of any version fetches
 * public addresses only; a version 2 node does by default, as its URLs often come from item JSON that a
 * webhook caller wrote. Version 1 outside a tool fetches any address, as it always did.
 */
function readUrlAccess(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, run: RunMode): ItemSettings['urlAccess'] {
	if (!run.version2) return { publicOnly: run.toolCall, allow: NOTHING_ALLOWED };
	const { allow, invalid } = parseAllowList(String(options.allowedPrivateHosts ?? ''));
	if (invalid.length) {
		throw itemError(
			ctx,
			itemIndex,
			`Allowed Private Hosts has ${quote(invalid[0])}, which is neither a host name nor an address range`,
			'List host names (*.example.com for its subdomains), IP addresses or ranges such as 192.168.1.0/24, separated by commas.',
		);
	}
	return { publicOnly: run.toolCall || options.imageUrlAccess !== 'any', allow };
}

/** Concurrency is one value for the whole run (read from the first item); version 2's is a ceiling. */
export function readConcurrency(ctx: IExecuteFunctions, run: RunMode): number {
	const [fallback, max] = run.version2
		? [LIMITS.v2DefaultConcurrency, LIMITS.v2MaxConcurrency]
		: [LIMITS.defaultConcurrency, LIMITS.maxConcurrency];
	const value = Math.floor(Number(readOptionValues(ctx, 0, run).concurrency ?? fallback));
	return clamp(Number.isFinite(value) ? value : fallback, 1, max);
}
