import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

/** Small real image headers for unit tests: enough bytes for sniffing and reading dimensions. */
export function pngHeader(width: number, height: number): Buffer {
	const b = Buffer.alloc(33);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
	b.writeUInt32BE(13, 8);
	b.write('IHDR', 12, 'ascii');
	b.writeUInt32BE(width, 16);
	b.writeUInt32BE(height, 20);
	b[24] = 8;
	b[25] = 2;
	return b;
}

/** SOI, an APP0 segment, then SOF0 with the size: what real JPEGs start with. */
export function jpegHeader(width: number, height: number): Buffer {
	const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
	const sof = Buffer.alloc(19);
	sof[0] = 0xff;
	sof[1] = 0xc0;
	sof.writeUInt16BE(17, 2);
	sof[4] = 8;
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

export function webpVp8xHeader(width: number, height: number): Buffer {
	const b = Buffer.alloc(30);
	b.write('RIFF', 0, 'ascii');
	b.writeUInt32LE(22, 4);
	b.write('WEBP', 8, 'ascii');
	b.write('VP8X', 12, 'ascii');
	b.writeUInt32LE(10, 16);
	b.writeUIntLE(width - 1, 24, 3);
	b.writeUIntLE(height - 1, 27, 3);
	return b;
}

export function gifHeader(width: number, height: number): Buffer {
	const b = Buffer.alloc(13);
	b.write('GIF89a', 0, 'ascii');
	b.writeUInt16LE(width, 6);
	b.writeUInt16LE(height, 8);
	return b;
}

export function heicHeader(brand = 'heic'): Buffer {
	const b = Buffer.alloc(24);
	b.writeUInt32BE(24, 0);
	b.write('ftyp', 4, 'ascii');
	b.write(brand, 8, 'ascii');
	return b;
}

/** An image as a data URL, the way the chat route sends and answers images. */
export const dataUrl = (b: Buffer, mime = 'image/png') => `data:${mime};base64,${b.toString('base64')}`;

/** What error messages may name (model, Base URL) and the key they must never show. */
export const failureContext = { model: 'gemini-2.5-flash-image', baseUrl: 'https://api.cometapi.com', secret: 'sk-live-1234567890abcdef' };

/** fast-check settings: one seed, so every run of the property tests tries the same cases. */
export const propertyRuns = (numRuns: number) => ({ seed: 20261201, numRuns });

/** `buf` cut at the given offsets (taken modulo its length, repeats dropped): the chunks a stream might deliver. */
export function pieces(buf: Buffer, cuts: number[]): Buffer[] {
	const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
	const out: Buffer[] = [];
	let from = 0;
	for (const cut of [...at, buf.length]) {
		if (cut > from) out.push(buf.subarray(from, cut));
		from = Math.max(from, cut);
	}
	return out;
}

/**
 * n8n's side of an operation's plan(), as small as it gets: the node's parameters (a missing one gives the
 * fallback the code asks for, as n8n does for a parameter it does not hand over), the input items, and the
 * items of other nodes an expression like $('Node').item reaches (a name not listed is a node n8n does not know).
 */
export function planContext(setup: {
	parameters?: Record<string, unknown>;
	items?: INodeExecutionData[];
	typeVersion?: number;
	otherNodes?: Record<string, INodeExecutionData | undefined>;
}): IExecuteFunctions {
	const { parameters = {}, items = [{ json: {} }], typeVersion = 2, otherNodes = {} } = setup;
	return {
		getNode: () => ({ name: 'Gemini Image', type: 'n8n-nodes-cometapi.geminiImage', typeVersion }),
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
		getInputData: () => items,
		getWorkflow: () => ({ id: 'wf1' }),
		getExecutionId: () => '42',
		getParentNodes: () => [],
		getWorkflowDataProxy: () => ({
			$node: {},
			$: (name: string) => {
				if (!(name in otherNodes)) throw new Error(`Referenced node doesn't exist`);
				return { item: otherNodes[name] };
			},
		}),
	} as unknown as IExecuteFunctions;
}

/** The error a call throws (a test then says exactly what it must be). */
export function thrownBy(call: () => unknown): Error {
	try {
		call();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the call to throw');
}

/** The node as n8n hands it to the code (version 2), for contexts that only need getNode(). */
export const NODE: INode = {
	id: 'n1',
	name: 'Gemini Image',
	type: 'n8n-nodes-cometapi.geminiImage',
	typeVersion: 2,
	position: [0, 0],
	parameters: {},
};
