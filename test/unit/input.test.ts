/**
 * Input Data Field Name(s) read every way n8n users fill it: names, binary objects from expressions ($binary.x,
 * n8n's own tooltip), the file details `$binary.x` gives in expressions, lists of these, a whole `binary`.
 */
import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	belongsToExecution,
	isBinaryObject,
	parseUrlList,
	readBinaryObject,
	resolveInputFields,
} from '../../nodes/GeminiImage/actions/input';

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
