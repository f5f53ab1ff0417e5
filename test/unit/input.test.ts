/**
 * Input Data Field Name(s) read every way n8n users fill it: names, binary objects from expressions ($binary.x,
 * n8n's own tooltip), the file details `$binary.x` gives in expressions, lists of these, a whole `binary`.
 */
import { Readable } from 'stream';

import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	assertExecutionFiles,
	belongsToExecution,
	loadInputImages,
	isBinaryObject,
	parseUrlList,
	readBinaryObject,
	readToolImageUrls,
	resolveInputFields,
} from '../../nodes/GeminiImage/actions/input';
import type { ItemPlan } from '../../nodes/GeminiImage/actions/item';

import { pngHeader } from './fixtures';

const file = (fileName: string | undefined, extra: object = {}): IBinaryData =>
	({ mimeType: 'image/png', fileName, fileSize: '12', data: 'QUJD', ...extra }) as IBinaryData;
const item: INodeExecutionData = {
	json: { embedded: file('embedded.png'), notAFile: { x: 1 } },
	binary: { data: file('a.png'), logo: file('b.png', { fileSize: '99' }), 7: file('seven.png') },
};
/** What `$binary.logo` gives in an expression: the details without the data. */
const details = (binary: IBinaryData) => ({ mimeType: binary.mimeType, fileName: binary.fileName, fileSize: Number(binary.fileSize) });

describe('isBinaryObject', () => {
	it.each([
		[{ mimeType: 'image/png', data: 'QUJD' }, true],
		[{ mimeType: 'image/png', id: 'filesystem-v2:x' }, true],
		[{ mimeType: 'image/png' }, false],
		[{ data: 'QUJD' }, false],
		[null, false],
		['data', false],
		[undefined, false],
	])('%j: %s', (value, expected) => {
		expect(isBinaryObject(value)).toBe(expected);
	});
});

describe('resolveInputFields', () => {
	it('field names, separated by commas, in order; names not on the item are missing', () => {
		expect(resolveInputFields(' logo, data ,, photo ', item)).toEqual({
			refs: [{ name: 'logo' }, { name: 'data' }],
			missing: ['photo'],
			invalid: [],
		});
		expect(resolveInputFields('', item)).toEqual({ refs: [], missing: [], invalid: [] });
		expect(resolveInputFields(7, item)).toEqual({ refs: [{ name: '7' }], missing: [], invalid: [] });
	});

	it("a name missing from the item's binary may be a binary object in its JSON, marked as such (read only if it is this execution's)", () => {
		expect(resolveInputFields('embedded', item).refs).toEqual([{ name: 'embedded', binary: item.json.embedded, fromJson: true }]);
		expect(resolveInputFields('notAFile', item)).toEqual({ refs: [], missing: ['notAFile'], invalid: [] });
	});

	it('without an item every name is missing', () => {
		expect(resolveInputFields('data', undefined)).toEqual({ refs: [], missing: ['data'], invalid: [] });
	});

	it('binary objects from expressions, named by their file name or their place', () => {
		const named = file('cat.png');
		const unnamed = file(undefined);
		expect(resolveInputFields([named, unnamed, 'data'], item).refs).toEqual([
			{ name: 'cat.png (from the expression)', binary: named },
			{ name: 'binary object 2 (from the expression)', binary: unnamed },
			{ name: 'data' },
		]);
		expect(resolveInputFields(unnamed, item).refs).toEqual([{ name: 'binary object 1 (from the expression)', binary: unnamed }]);
	});

	it('file details ($binary.x in an expression) are read by the field of the item they describe', () => {
		// alone (it was once taken for a whole binary map), and in a list
		expect(resolveInputFields(details(item.binary!.logo), item)).toEqual({ refs: [{ name: 'logo' }], missing: [], invalid: [] });
		expect(resolveInputFields([details(item.binary!.data), details(item.binary!.logo)], item).refs).toEqual([
			{ name: 'data' },
			{ name: 'logo' },
		]);
		// same name and type but another size, or another name: not that file
		for (const other of [
			{ ...details(item.binary!.logo), fileSize: 98 },
			{ ...details(item.binary!.logo), fileName: 'c.png' },
			{ ...details(item.binary!.logo), mimeType: 'image/jpeg' },
		]) {
			expect(resolveInputFields(other, item)).toEqual({ refs: [], missing: [], invalid: [JSON.stringify(other)] });
		}
	});

	it('a whole binary map: every file in its order, objects kept as they are', () => {
		const embedded = file('x.png');
		expect(resolveInputFields({ logo: details(item.binary!.logo), other: embedded, data: item.binary!.data }, item).refs).toEqual([
			{ name: 'logo' },
			{ name: 'other', binary: embedded },
			{ name: 'data', binary: item.binary!.data },
		]);
	});

	it('anything else is invalid, shown in at most 80 characters; nothing at all is nothing', () => {
		const long = { note: 'x'.repeat(200) };
		expect(resolveInputFields(long, item)).toEqual({ refs: [], missing: [], invalid: [JSON.stringify(long).slice(0, 80)] });
		expect(resolveInputFields([long, true], item).invalid).toEqual([JSON.stringify(long).slice(0, 80), 'true']);
		expect(resolveInputFields({}, item)).toEqual({ refs: [], missing: [], invalid: ['{}'] });
		const longDetails = { mimeType: 'image/png', fileName: `${'n'.repeat(200)}.png`, fileSize: 1 };
		expect(resolveInputFields([longDetails], item).invalid).toEqual([JSON.stringify(longDetails).slice(0, 80)]);
		// a map with one entry that is no file is not a binary map
		const halfMap = { logo: details(item.binary!.logo), n: 1 };
		expect(resolveInputFields(halfMap, item)).toEqual({ refs: [], missing: [], invalid: [JSON.stringify(halfMap).slice(0, 80)] });
		expect(resolveInputFields([null, undefined], item)).toEqual({ refs: [], missing: [], invalid: [] });
		expect(resolveInputFields(null, item)).toEqual({ refs: [], missing: [], invalid: [] });
	});
});

describe('readBinaryObject', () => {
	const ctx = (stored: Buffer) =>
		({
			helpers: {
				getBinaryStream: async (id: string) => (id === 'fs:1' ? 'stream of fs:1' : 'wrong id'),
				binaryToBuffer: async (stream: unknown) => (stream === 'stream of fs:1' ? stored : Buffer.alloc(0)),
			},
		}) as unknown as IExecuteFunctions;

	it('reads an object stored elsewhere by its id, one held in memory from its base64', async () => {
		const stored = Buffer.from('stored bytes');
		expect(await readBinaryObject(ctx(stored), { mimeType: 'image/png', id: 'fs:1', data: 'ignored' } as IBinaryData)).toEqual(stored);
		expect(
			await readBinaryObject(ctx(stored), { mimeType: 'image/png', data: Buffer.from('in memory').toString('base64') } as IBinaryData),
		).toEqual(Buffer.from('in memory'));
		expect(await readBinaryObject(ctx(stored), { mimeType: 'image/png' } as IBinaryData)).toEqual(Buffer.alloc(0));
	});
});

describe('belongsToExecution: which binary objects from expressions or JSON may be read', () => {
	const files = (known: string[] = []) => ({ workflowId: 'wf1', executionId: '42', knownIds: () => new Set(known) });
	const object = (id: unknown) => ({ mimeType: 'image/png', id }) as unknown as IBinaryData;
	const uuid = '0b9e5d1c-3a4b-4c5d-8e9f-0a1b2c3d4e5f';

	it.each([
		['inline data, no id', { mimeType: 'image/png', data: 'QUJD' } as IBinaryData, true],
		['filesystem id of this workflow and execution', object(`filesystem-v2:workflows/wf1/executions/42/binary_data/${uuid}`), true],
		['s3 id of this workflow and execution', object(`s3:workflows/wf1/executions/42/binary_data/${uuid}`), true],
		['another execution', object(`filesystem-v2:workflows/wf1/executions/41/binary_data/${uuid}`), false],
		['another workflow', object(`filesystem-v2:workflows/other/executions/42/binary_data/${uuid}`), false],
		[
			'a path that leaves the folder',
			object(`filesystem-v2:workflows/wf1/executions/42/binary_data/../../../x/binary_data/${uuid}`),
			false,
		],
		['a file not under an execution', object(`filesystem-v2:chat-hub/sessions/1/binary_data/${uuid}`), false],
		['a database id on no item', object(`database:${uuid}`), false],
		['an id that is not text', object({ id: 1 }), false],
	])('%s: %s', (_what, binary, expected) => {
		expect(belongsToExecution(binary, files())).toBe(expected);
	});

	it('ids that do not name their execution pass when an item of this execution has them, and only those', () => {
		const known = files([`database:${uuid}`, `filesystem-v2:workflows/parent/executions/7/binary_data/${uuid}`]);
		expect(belongsToExecution(object(`database:${uuid}`), known)).toBe(true);
		expect(belongsToExecution(object(`filesystem-v2:workflows/parent/executions/7/binary_data/${uuid}`), known)).toBe(true);
		expect(belongsToExecution(object(`database:${uuid.replace('0b', '0c')}`), known)).toBe(false);
	});

	it('looks at the items only when the id does not name this execution', () => {
		const knownIds = jest.fn(() => new Set<string>());
		belongsToExecution(object(`filesystem-v2:workflows/wf1/executions/42/binary_data/${uuid}`), {
			workflowId: 'wf1',
			executionId: '42',
			knownIds,
		});
		belongsToExecution({ mimeType: 'image/png', data: 'QUJD' } as IBinaryData, { workflowId: 'wf1', executionId: '42', knownIds });
		expect(knownIds).not.toHaveBeenCalled();
	});
});

describe('parseUrlList', () => {
	it('splits on new lines and commas, keeping data URLs whole', () => {
		expect(parseUrlList('https://a.com/1.png, https://b.com/2.png\nhttps://c.com/3.png')).toEqual([
			'https://a.com/1.png',
			'https://b.com/2.png',
			'https://c.com/3.png',
		]);
		expect(parseUrlList('data:image/png;base64,AAAA,https://x.com/y.png')).toEqual(['data:image/png;base64,AAAA', 'https://x.com/y.png']);
		expect(parseUrlList('')).toEqual([]);
	});

	it('URL lists: commas inside a data URL stay, commas before a new URL split, trailing commas go', () => {
		expect(parseUrlList('https://a.com/x.png,\r\n\r\nhttps://b.com/y,z.png,, data:image/png;base64,QQ==')).toEqual([
			'https://a.com/x.png',
			'https://b.com/y,z.png',
			'data:image/png;base64,QQ==',
		]);
		expect(parseUrlList('HTTPS://A.COM/1.png,HTTP://B.COM/2.png,DATA:image/png;base64,QQ==')).toEqual([
			'HTTPS://A.COM/1.png',
			'HTTP://B.COM/2.png',
			'DATA:image/png;base64,QQ==',
		]);
		expect(parseUrlList(undefined)).toEqual([]);
		expect(parseUrlList(' ,\n, ')).toEqual([]);
	});
});

describe('parseUrlList: what a link list may carry around its links', () => {
	it('drops every comma that ends a line, not just the last one', () => {
		expect(parseUrlList('https://a.com/x.png,,\nhttps://b.com/y.png,,,')).toEqual(['https://a.com/x.png', 'https://b.com/y.png']);
	});
});

describe('readToolImageUrls', () => {
	it('a node without Image URLs (n8n answers the fallback) gives no links', () => {
		const ctx = { getNodeParameter: (_name: string, _i: number, fallback: unknown) => fallback } as unknown as IExecuteFunctions;
		expect(readToolImageUrls(ctx, 0)).toEqual([]);
	});
});

describe('belongsToExecution: the whole id must be the form that names its execution', () => {
	const files = { workflowId: 'wf1', executionId: '42', knownIds: () => new Set<string>() };
	const uuid = '0b9e5d1c-3a4b-4c5d-8e9f-0a1b2c3d4e5f';
	it.each([
		// an id of another storage mode that merely contains this execution's form (anyone may write item JSON)
		['text before it', `filesystem:../../other/filesystem-v2:workflows/wf1/executions/42/binary_data/${uuid}`],
		['a path after the file part', `filesystem-v2:workflows/wf1/executions/42/binary_data/0b9e/../../../../other/binary_data/${uuid}`],
	])('%s is refused', (_what, id) => {
		expect(belongsToExecution({ mimeType: 'image/png', id } as IBinaryData, files)).toBe(false);
	});
});

const node = { id: 'n1', name: 'Gemini Image', type: 'n8n-nodes-cometapi.geminiImage', typeVersion: 2, position: [0, 0], parameters: {} };
const uuid = '0b9e5d1c-3a4b-4c5d-8e9f-0a1b2c3d4e5f';
/** A stored file of another workflow's execution: its id does not name this one. */
const stored = (n: number) => `filesystem-v2:workflows/parent/executions/7/binary_data/${uuid.slice(0, -2)}${String(n).padStart(2, '0')}`;
const withId = (id: unknown) => ({ json: {}, binary: { data: { mimeType: 'image/png', id } } }) as unknown as INodeExecutionData;

/**
 * What n8n's workflow data proxy gives about the nodes before this one: for each, its last run index
 * (`$node[name].runIndex`) and its items per output and run (`$(name).all(output, run)`, which throws for an
 * output the node does not have).
 */
interface Parent {
	runIndex?: number;
	/** Throws when asked for (a node n8n cannot tell about). */
	broken?: boolean;
	outputs: (run: number) => unknown[];
}
function executionCtx(parents: Record<string, Parent>, input: unknown[] = [], extra: object = {}) {
	const calls = { proxy: 0, all: [] as Array<[string, number, number]> };
	const proxy = {
		$node: new Proxy(
			{},
			{
				get: (_t, name: string) => {
					if (parents[name]?.broken) throw new Error(`no node ${name}`);
					return parents[name] && parents[name].runIndex !== undefined ? { runIndex: parents[name].runIndex } : {};
				},
			},
		),
		$: (name: string) => {
			if (!parents[name] || parents[name].broken) throw new Error(`Referenced node "${name}" doesn't exist`);
			return {
				all: (output: number, run: number) => {
					calls.all.push([name, output, run]);
					const outputs = parents[name].outputs(run);
					if (output < 0 || output >= outputs.length) throw new Error('no such output');
					return outputs[output];
				},
			};
		},
	};
	const ctx = {
		getNode: () => node,
		getWorkflow: () => ({ id: 'wf1' }),
		getExecutionId: () => '42',
		getInputData: () => input,
		getParentNodes: () => Object.keys(parents).map((name) => ({ name, indicies: [], depth: 1 })),
		getWorkflowDataProxy: () => {
			calls.proxy++;
			return proxy;
		},
		...extra,
	} as unknown as IExecuteFunctions;
	return { ctx, calls };
}
/** Whether assertExecutionFiles lets a binary object with this id be read. */
const accepts = (ctx: IExecuteFunctions, id: string) => {
	try {
		assertExecutionFiles(
			ctx,
			0,
			[{ name: 'x.png (from the expression)', binary: { mimeType: 'image/png', id } as IBinaryData }],
			'Input Data Field Name(s)',
		);
		return true;
	} catch (error) {
		return false;
	}
};

describe('assertExecutionFiles: files of this execution are the ids on its items, found through the public API', () => {
	it("reads files on the node's input items and on any output of any run of the nodes before it", () => {
		const { ctx } = executionCtx(
			{ Loader: { runIndex: 2, outputs: (run) => (run === 2 ? [[withId(stored(1))], [withId(stored(2))]] : [[], []]) } },
			[withId(stored(3))],
		);
		expect(accepts(ctx, stored(1))).toBe(true);
		expect(accepts(ctx, stored(2))).toBe(true);
		expect(accepts(ctx, stored(3))).toBe(true);
		expect(accepts(ctx, stored(4))).toBe(false);
	});

	it('looks at runs 0 to the last one, not past it, and at a parent with no run at all not once', () => {
		const runs = { Loader: { runIndex: 1, outputs: (run: number) => [[withId(stored(10 + run))]] } };
		const { ctx } = executionCtx({ ...runs, Idle: { outputs: () => [[withId(stored(20))]] } });
		expect([0, 1, 2].map((run) => accepts(ctx, stored(10 + run)))).toEqual([true, true, false]);
		expect(accepts(ctx, stored(20))).toBe(false);
	});

	it('at most 10000 runs of one node, however often a loop ran it', () => {
		const { ctx } = executionCtx({ Loop: { runIndex: 20000, outputs: (run) => [run >= 9999 ? [withId(stored(run - 9999))] : []] } });
		expect(accepts(ctx, stored(0))).toBe(true); // run 9999, the last one looked at
		expect(accepts(ctx, stored(1))).toBe(false); // run 10000
	});

	it('at most 64 outputs per run, and none after the first one the node does not have', () => {
		const many = Array.from({ length: 70 }, (_, output) => [withId(stored(output))]);
		const { ctx } = executionCtx({ Switch: { runIndex: 0, outputs: () => many } });
		expect(accepts(ctx, stored(63))).toBe(true);
		expect(accepts(ctx, stored(64))).toBe(false);
		const two = executionCtx({ If: { runIndex: 3, outputs: () => [[], []] } });
		expect(accepts(two.ctx, stored(0))).toBe(false);
		// per run: outputs 0 and 1, then output 2 is missing and no more are asked for
		expect(two.calls.all).toEqual([0, 1, 2, 3].flatMap((run) => [0, 1, 2].map((output) => ['If', output, run])));
	});

	it('a node the proxy cannot tell about is skipped, the others are still looked at', () => {
		const { ctx } = executionCtx({
			Gone: { broken: true, outputs: () => [] },
			Loader: { runIndex: 0, outputs: () => [[withId(stored(1))]] },
		});
		expect(accepts(ctx, stored(1))).toBe(true);
	});

	it('odd items (null, no binary, a null or id-less file, an output that is no list) are passed over', () => {
		const odd = [null, { json: {} }, { json: {}, binary: { a: null, b: { mimeType: 'image/png', data: 'QUJD' } } }, withId(stored(2))];
		const { ctx } = executionCtx({ Code: { runIndex: 0, outputs: () => [undefined, odd] } }, odd.slice(0, 3));
		expect(accepts(ctx, stored(2))).toBe(true);
		expect(accepts(ctx, stored(3))).toBe(false);
	});

	it("without the workflow data proxy, only the input items' files", () => {
		const { ctx } = executionCtx({ Loader: { runIndex: 0, outputs: () => [[withId(stored(1))]] } }, [withId(stored(2))], {
			getWorkflowDataProxy: () => {
				throw new Error('no proxy here');
			},
		});
		expect(accepts(ctx, stored(2))).toBe(true);
		expect(accepts(ctx, stored(1))).toBe(false);
	});

	it('looks the files up once per run of the node', () => {
		const { ctx, calls } = executionCtx({ Loader: { runIndex: 0, outputs: () => [[withId(stored(1))]] } });
		accepts(ctx, stored(1));
		accepts(ctx, stored(2));
		accepts(ctx, `database:${uuid}`);
		expect(calls.proxy).toBe(1);
	});

	it('a file id from item JSON is refused, saying why and how to load the image instead', () => {
		const { ctx } = executionCtx({});
		const ref = { name: 'photo', binary: { mimeType: 'image/png', id: `database:${uuid}` } as IBinaryData, fromJson: true };
		expect(() => assertExecutionFiles(ctx, 3, [ref], 'Input Data Field Name(s)')).toThrow(
			expect.objectContaining({
				message:
					'The item has no binary field "photo", and the file its JSON names there is not one of this execution\'s files: it was not read [item 3]',
				description: expect.stringContaining(
					'A file id in item JSON (posted to a webhook, say) or from another workflow is never read: load the image in this workflow instead',
				),
			}),
		);
	});
});

describe('loadInputImages: what the item sends, checked before any request', () => {
	const png = (size: number) => Buffer.concat([pngHeader(8, 8), Buffer.alloc(size - 33)]);
	const plan = (over: Omit<Partial<ItemPlan>, 'settings'> & { settings?: Partial<ItemPlan['settings']> }): ItemPlan =>
		({
			itemIndex: 0,
			input: {},
			inputs: [],
			...over,
			settings: {
				maxInputBytes: 1000,
				imageUrls: [],
				timeoutMs: 5000,
				urlAccess: { publicOnly: false, allow: { names: [], ranges: [] } },
				...over.settings,
			},
		}) as unknown as ItemPlan;
	/** httpRequest answers every URL with `answer` (no packet leaves: nothing is connected). */
	const ctx = (fields: Record<string, Buffer>, httpRequest: (options: { url: string }) => Promise<unknown>, extra: object = {}) => {
		const requested: string[] = [];
		const c = {
			getNode: () => node,
			getInputData: () => [
				{ json: {}, binary: Object.fromEntries(Object.keys(fields).map((k) => [k, { mimeType: 'image/png', data: '' }])) },
			],
			helpers: {
				getBinaryDataBuffer: async (_i: number, name: string) => fields[name],
				httpRequest: async (options: { url: string }) => {
					requested.push(options.url);
					return await httpRequest(options);
				},
			},
			...extra,
		} as unknown as IExecuteFunctions;
		return { ctx: c, requested };
	};
	const answer = (body: Buffer) => async () => ({ statusCode: 200, headers: {}, body: Readable.from([body]) });

	it("Refine Image: the text's bytes come off Max Input Size, and the message says so", async () => {
		const { ctx: c } = ctx({ data: png(80) }, answer(png(40)));
		await expect(loadInputImages(c, plan({ inputs: [{ name: 'data' }], textBytes: 30, settings: { maxInputBytes: 100 } }))).rejects.toThrow(
			'The input images are too large: 80 bytes so far with "data", the limit is 70 bytes (Max Input Size less 30 bytes of text sent with them) [item 0]',
		);
		const fits = await loadInputImages(c, plan({ inputs: [{ name: 'data' }], textBytes: 20, settings: { maxInputBytes: 100 } }));
		expect(fits.map((image) => image.data.length)).toEqual([80]);
	});

	it("n8n's SSRF protection refusing a link is told as such, with the settings that allow it", async () => {
		const blocked = Object.assign(new Error('blocked'), { name: 'SsrfBlockedIpError' });
		const { ctx: c } = ctx({}, async () => {
			throw blocked;
		});
		const url = 'http://127.0.0.1:9/a.png';
		await expect(loadInputImages(c, plan({ settings: { imageUrls: [url] } }))).rejects.toThrow(
			expect.objectContaining({
				message: `Did not download the input image ${url}: n8n's SSRF protection refused its address [item 0]`,
				description: expect.stringContaining('N8N_SSRF_PROTECTION_ENABLED'),
			}),
		);
	});

	it("Public Addresses Only still fetches n8n's own signed links, after the REST URL however many slashes end it", async () => {
		const publicOnly = { settings: { urlAccess: { publicOnly: true, allow: { names: [], ranges: [] } } } };
		const signed = 'http://127.0.0.1:5678/rest/binary-data/signed?token=t';
		for (const rest of ['http://127.0.0.1:5678/rest', 'http://127.0.0.1:5678/rest/', 'http://127.0.0.1:5678/rest//']) {
			const { ctx: c, requested } = ctx({}, answer(png(40)), { getRestApiUrl: () => rest });
			const p = plan({ ...publicOnly, settings: { ...publicOnly.settings, imageUrls: [signed] } });
			expect((await loadInputImages(c, p)).map((image) => image.data.length)).toEqual([40]);
			expect(requested).toEqual([signed]);
		}
		// other paths of the same loopback host are not n8n's signed links: refused before any request
		const { ctx: c, requested } = ctx({}, answer(png(40)), { getRestApiUrl: () => 'http://127.0.0.1:5678/rest/' });
		const other = plan({ ...publicOnly, settings: { ...publicOnly.settings, imageUrls: ['http://127.0.0.1:5678/rest/other?x'] } });
		await expect(loadInputImages(c, other)).rejects.toThrow(/^Did not download the input image .*: it is not a public address/);
		expect(requested).toEqual([]);
	});
});
