/**
 * The input images of an item: named the ways n8n users name them (binary field names such as "data, logo",
 * an expression that gives a binary object, as n8n's own tooltip on the field suggests, a list of either, a
 * whole `binary` object) or given as URLs; only this execution's files are read. Loaded just before the
 * request, checked by their bytes and against the size limit; downloads stop as soon as the limit is passed,
 * and URLs in messages are shortened (no signed tokens).
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InputImage } from '../helpers/interfaces';
import { checkInputImage } from '../helpers/images';
import { formatBytes, cutText, quote, shortUrl } from '../helpers/redact';
import type { UrlGuard } from '../transport/download';
import { downloadImage } from '../transport/download';
import type { InputRef, ItemPlan } from './item';
import { itemError } from './errors';

/** URLs separated by new lines or commas (a comma inside a data: URL is kept). */
export function parseUrlList(value: unknown): string[] {
	return String(value ?? '')
		.split(/[\r\n]+|,(?=\s*(?:https?:|data:))/i)
		.map((u) => u.trim().replace(/,+$/, ''))
		.filter(Boolean);
}

/** The image links of a tool run (Image to Image, Refine Image), or none. */
export function readToolImageUrls(ctx: IExecuteFunctions, itemIndex: number): string[] {
	return parseUrlList(ctx.getNodeParameter('toolImageUrls', itemIndex, ''));
}

/** The same test n8n-workflow's isBinaryValue makes (not exported by every supported n8n). */
export function isBinaryObject(value: unknown): value is IBinaryData {
	return typeof value === 'object' && value !== null && 'mimeType' in value && ('data' in value || 'id' in value);
}

/** File details without the file: what `$binary` gives in expressions (n8n leaves the data out there). */
const isBinaryMetadata = (value: unknown): value is Partial<IBinaryData> =>
	typeof value === 'object' && value !== null && 'mimeType' in value;

const sameFile = (a: Partial<IBinaryData>, b: Partial<IBinaryData>) =>
	a.mimeType === b.mimeType && a.fileName === b.fileName && String(a.fileSize) === String(b.fileSize);

const objectName = (binary: IBinaryData, n: number) => `${binary.fileName ?? `binary object ${n + 1}`} (from the expression)`;

/**
 * The input images an Input Data Field Name(s) value asks for, in order, and the names that are not on the
 * item. A name missing from the item's binary may be a binary object in its JSON (a Code node's output, say): it
 * is read only if it is this execution's file (belongsToExecution).
 */
export function resolveInputFields(
	value: unknown,
	item: INodeExecutionData | undefined,
): { refs: InputRef[]; missing: string[]; invalid: string[] } {
	const refs: InputRef[] = [];
	const missing: string[] = [];
	/** Values that are neither a name nor a binary object (an expression that gave some other object). */
	const invalid: string[] = [];
	const binary = item?.binary ?? {};
	const json = (item?.json ?? {}) as IDataObject;
	const addName = (name: string) => {
		if (binary[name]) refs.push({ name });
		else if (isBinaryObject(json[name])) refs.push({ name, binary: json[name] as unknown as IBinaryData, fromJson: true });
		else missing.push(name);
	};
	const add = (entry: unknown) => {
		if (isBinaryObject(entry)) refs.push({ name: objectName(entry, refs.length), binary: entry });
		else if (isBinaryMetadata(entry)) {
			// $binary.x: the details of one of this item's files, which is then read by its field name
			const name = Object.keys(binary).find((key) => sameFile(binary[key], entry));
			if (name) addName(name);
			else invalid.push(JSON.stringify(entry).slice(0, 80));
		} else if (typeof entry === 'string')
			entry
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
				.forEach(addName);
		else if (typeof entry === 'number') addName(String(entry));
		else if (entry !== undefined && entry !== null) invalid.push(JSON.stringify(entry).slice(0, 80));
	};
	if (Array.isArray(value)) value.forEach(add);
	else if (value && typeof value === 'object' && !isBinaryMetadata(value)) {
		// A whole `binary` ({{ $binary }}, {{ $('Node').item.binary }}): every file in it, in its order.
		const entries = Object.entries(value as IDataObject);
		if (entries.length && entries.every(([, v]) => isBinaryMetadata(v))) {
			for (const [key, v] of entries) {
				if (isBinaryObject(v)) refs.push({ name: key, binary: v });
				else addName(key);
			}
		} else invalid.push(JSON.stringify(value).slice(0, 80));
	} else add(value);
	return { refs, missing, invalid };
}

/** The bytes of a binary object from an expression, wherever the instance stores binaries. */
export async function readBinaryObject(ctx: IExecuteFunctions, binary: IBinaryData): Promise<Buffer> {
	if (binary.id) return await ctx.helpers.binaryToBuffer(await ctx.helpers.getBinaryStream(binary.id));
	return Buffer.from(binary.data ?? '', 'base64');
}

/**
 * The stored files of this execution, to tell them from files of other executions and workflows. A binary
 * object's id names where n8n keeps the file: in filesystem and S3 modes the workflow and execution
 * (`filesystem-v2:workflows/<workflow>/executions/<execution>/binary_data/<uuid>`), in database mode and in old
 * n8n (`database:<uuid>`, `filesystem:<uuid>`) nothing.
 */
interface ExecutionFiles {
	workflowId: string;
	executionId: string;
	/** Ids of the binary fields of this execution's items: the input items and every run of every node before this one. */
	knownIds: () => Set<string>;
}

/** Ids that name their workflow and execution; the file part a uuid, so that no `..` can leave the folder. */
const EXECUTION_FILE_ID = /^(?:filesystem-v2|s3):workflows\/([^/]+)\/executions\/([^/]+)\/binary_data\/[0-9A-Fa-f-]{1,64}$/;

/**
 * Whether a binary object that is not one of the item's own fields may be read: one with its data inline
 * (no id) is data, not a reference; a stored one must be this execution's, either by an id that names this
 * workflow and this execution, or by being, id for id, on an item of this execution. An id found anywhere
 * else (item JSON written by a webhook caller, an id copied from a signed link) names someone else's file.
 */
export function belongsToExecution(binary: IBinaryData, files: ExecutionFiles): boolean {
	const id: unknown = binary.id;
	if (!id) return true;
	if (typeof id !== 'string') return false;
	const named = EXECUTION_FILE_ID.exec(id);
	if (named && named[1] === files.workflowId && named[2] === files.executionId) return true;
	return files.knownIds().has(id);
}

/** Most runs of one node looked at (a loop that ran more often is looked at up to here), and outputs per run. */
const MAX_RUNS = 10000;
const MAX_OUTPUTS = 64;

function collectIds(ctx: IExecuteFunctions): Set<string> {
	const ids = new Set<string>();
	const add = (items: unknown) => {
		if (!Array.isArray(items)) return;
		for (const item of items as Array<INodeExecutionData | null>) {
			for (const binary of Object.values(item?.binary ?? {})) if (typeof binary?.id === 'string') ids.add(binary.id);
		}
	};
	add(ctx.getInputData());
	// Public API only: the nodes before this one, and their output items run by run, as expressions see them.
	let proxy: ReturnType<IExecuteFunctions['getWorkflowDataProxy']>;
	try {
		proxy = ctx.getWorkflowDataProxy(0);
	} catch {
		return ids;
	}
	for (const parent of ctx.getParentNodes(ctx.getNode().name)) {
		let lastRun = -1;
		try {
			lastRun = Number((proxy.$node as Record<string, { runIndex?: unknown }>)[parent.name]?.runIndex ?? -1);
		} catch {
			continue;
		}
		const node = proxy.$(parent.name) as { all: (output: number, run: number) => unknown };
		for (let run = 0; run <= Math.min(lastRun, MAX_RUNS - 1); run++) {
			for (let output = 0; output < MAX_OUTPUTS; output++) {
				try {
					add(node.all(output, run));
				} catch {
					break; // no such output
				}
			}
		}
	}
	return ids;
}

const filesOf = new WeakMap<IExecuteFunctions, ExecutionFiles>();

/** This execution's files, looked up once per run of the node and only when an id needs it. */
function executionFiles(ctx: IExecuteFunctions): ExecutionFiles {
	let files = filesOf.get(ctx);
	if (!files) {
		let known: Set<string> | undefined;
		files = {
			workflowId: String(ctx.getWorkflow().id ?? ''),
			executionId: String(ctx.getExecutionId() ?? ''),
			knownIds: () => (known ??= collectIds(ctx)),
		};
		filesOf.set(ctx, files);
	}
	return files;
}

/**
 * Refuses, before anything is read, a binary object that belongs to another execution or workflow.
 * `label`: where the object came from, as the user set it (for the message).
 */
export function assertExecutionFiles(ctx: IExecuteFunctions, itemIndex: number, refs: InputRef[], label: string): void {
	for (const ref of refs) {
		if (!ref.binary || belongsToExecution(ref.binary, executionFiles(ctx))) continue;
		const name = cutText(ref.name, 60);
		const message = ref.fromJson
			? `The item has no binary field "${name}", and the file its JSON names there is not one of this execution's files: it was not read`
			: `${label} gave the file ${name}, which is not one of this execution's files: it was not read`;
		throw itemError(
			ctx,
			itemIndex,
			message,
			"The node reads only this execution's files: the item's own binary fields, and binary files an expression takes from this execution's nodes, e.g. {{ $('Load Image').item.binary.data }}. " +
				'A file id in item JSON (posted to a webhook, say) or from another workflow is never read: load the image in this workflow instead (HTTP Request, Read/Write Files from Disk...).',
		);
	}
}

const TOO_LARGE_FIX =
	'Resize or compress the images first (e.g. with the Edit Image node), or raise Max Input Size in the options if your gateway accepts larger requests.';

function tooLarge(ctx: IExecuteFunctions, plan: ItemPlan, what: string): NodeOperationError {
	return itemError(ctx, plan.itemIndex, `The input images are too large: ${what}`, TOO_LARGE_FIX);
}

/** The item's rule for image URLs, and n8n's own signed links, which the node may always fetch. */
function urlGuard(ctx: IExecuteFunctions, plan: ItemPlan): UrlGuard {
	let ownLinkPrefix: string | undefined;
	try {
		const rest = ctx.getRestApiUrl?.();
		if (rest) ownLinkPrefix = `${rest.replace(/\/+$/, '')}/binary-data/signed`;
	} catch {
		// an n8n without a REST URL signs no links
	}
	return { ...plan.settings.urlAccess, ownLinkPrefix };
}

/**
 * One message for every refused target, whatever it did (answered, refused the connection, stayed silent):
 * an agent probing a network learns nothing from it.
 */
function refused(ctx: IExecuteFunctions, url: string, plan: ItemPlan, by: 'address' | 'n8n'): NodeOperationError {
	const { itemIndex } = plan;
	if (by === 'n8n') {
		return itemError(
			ctx,
			itemIndex,
			`Did not download the input image ${shortUrl(url)}: n8n's SSRF protection refused its address`,
			'This n8n instance refuses requests to private and reserved addresses (N8N_SSRF_PROTECTION_ENABLED). Use a public link, or ask its administrator to allow the host (N8N_SSRF_ALLOWED_HOSTNAMES, N8N_SSRF_ALLOWED_IP_RANGES).',
		);
	}
	return itemError(
		ctx,
		itemIndex,
		`Did not download the input image ${shortUrl(url)}: it is not a public address, or it could not be reached to check`,
		'As an AI Agent tool, and with Image URL Access set to Public Addresses Only, the node fetches only public addresses: loopback, private, link-local and other reserved addresses are refused, also behind a host name or a redirect, and so is an address it cannot reach or check. Use a public link, or list the host in Request Settings > Allowed Private Hosts to fetch it on purpose.',
	);
}

/** An image URL's bytes, at most `room` of them (the rest of the item's size limit). */
async function download(ctx: IExecuteFunctions, url: string, plan: ItemPlan, room: number): Promise<Buffer> {
	const limit = formatBytes(plan.settings.maxInputBytes);
	const overLimit = (announced?: number) =>
		tooLarge(
			ctx,
			plan,
			`more than ${limit} with the image at ${shortUrl(url)}${announced ? ` (its size is ${formatBytes(announced)})` : ''}`,
		);
	const fail = (why: string) =>
		itemError(
			ctx,
			plan.itemIndex,
			`Could not download the input image ${shortUrl(url)}: ${why}`,
			'Check that the URL is public and points at the image itself, not a web page.',
		);
	const comma = url.indexOf(',');
	if (/^data:/i.test(url) && comma !== -1 && /;base64$/i.test(url.slice(0, comma))) {
		if (Math.floor(((url.length - comma - 1) * 3) / 4) > room) throw overLimit();
		return Buffer.from(url.slice(comma + 1), 'base64');
	}
	if (!/^https?:\/\//i.test(url)) throw fail('only http(s) and data: URLs are supported');
	const result = await downloadImage(ctx, url, room, plan.settings.timeoutMs, urlGuard(ctx, plan));
	if ('refused' in result) throw refused(ctx, url, plan, result.refused);
	if ('tooLarge' in result) throw overLimit(result.tooLarge.announced);
	if ('problem' in result) throw fail(result.problem);
	return result.data;
}

export async function loadInputImages(ctx: IExecuteFunctions, plan: ItemPlan): Promise<InputImage[]> {
	const { itemIndex } = plan;
	// Refine Image: the conversation's text and the prompt take their share of Max Input Size first.
	const text = plan.textBytes ?? 0;
	const max = plan.settings.maxInputBytes - text;
	const binary = ctx.getInputData()[itemIndex].binary ?? {};
	const sources: Array<{ name: string; load: (room: number) => Promise<Buffer>; label?: string }> = [
		...plan.inputs.map(({ name, binary: object }) => ({
			name,
			load: async () => (object ? await readBinaryObject(ctx, object) : await ctx.helpers.getBinaryDataBuffer(itemIndex, name)),
			label: (object ?? binary[name])?.mimeType,
		})),
		...plan.settings.imageUrls.map((url) => ({ name: url, load: async (room: number) => await download(ctx, url, plan, room) })),
	];
	const images: InputImage[] = [];
	let total = 0;
	for (const source of sources) {
		const data = await source.load(max - total);
		const check = checkInputImage(data, source.label, source.name);
		if (!check.ok) {
			throw itemError(ctx, itemIndex, check.problem, check.fix);
		}
		total += data.length;
		// Only a binary field can pass the limit here: URLs stop at it while they are read.
		if (total > max) {
			const share = text ? ` (Max Input Size less ${formatBytes(text)} of text sent with them)` : '';
			throw tooLarge(ctx, plan, `${formatBytes(total)} so far with ${quote(source.name)}, the limit is ${formatBytes(max)}${share}`);
		}
		images.push({ data, mimeType: check.mimeType, source: source.name });
	}
	return images;
}
