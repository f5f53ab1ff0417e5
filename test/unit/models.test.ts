/** helpers/models.ts: which ids are Gemini image models, their names and retirement, and the options each takes. */
import fc from 'fast-check';

import {
	conversationFamily,
	DEFAULT_MODEL,
	EXTREME_RATIOS,
	imageModels,
	retiredOn,
	unsupportedOptions,
} from '../../nodes/GeminiImage/helpers/models';
import { propertyRuns as runs } from './fixtures';

/** What the picker shows for one id, or undefined when it is not listed as a Gemini image model. */
const label = (id: string) => imageModels([id])[0]?.name;
const isListed = (id: string) => imageModels([id]).length === 1;
/** The ids and dates of a model list as the picker orders them. */
const listed = (body: unknown) => imageModels(body).map(({ id, created }) => ({ id, created }));

describe('Gemini image models in an account list', () => {
	const body = {
		object: 'list',
		data: [
			{ id: 'gpt-4o', created: 1715367049 },
			{ id: 'gemini-2.5-flash-image', created: 1759363200 },
			{ id: 'gemini-3-pro-image', created: 1779926400 },
			{ id: 'gpt-image-1', created: 1745366400 },
			{ id: 'gemini-nano-banana-2.1', created: 1791417600 },
			{ id: 'imagen-4.0-generate-001', created: 1750204800 },
			{ id: 'gemini-3.1-flash-image', created: 1779926401 },
			{ id: 'gemini-2.5-pro', created: 1750204800 },
			{ id: 'gemini-3.1-flash-lite-image', created: 1784073600 },
		],
	};

	it('keeps only Gemini image models, ids without "image" included, newest first and retired last', () => {
		expect(imageModels(body).map((m) => m.id)).toEqual([
			'gemini-nano-banana-2.1',
			'gemini-3.1-flash-lite-image',
			'gemini-3.1-flash-image',
			'gemini-3-pro-image',
			'gemini-2.5-flash-image',
		]);
	});

	it('names them with their product names', () => {
		expect(imageModels(body).map((m) => m.name)).toEqual([
			'gemini-nano-banana-2.1 (Nano Banana 2.1)',
			'gemini-3.1-flash-lite-image (Nano Banana 2 Lite)',
			'gemini-3.1-flash-image (Nano Banana 2)',
			'gemini-3-pro-image (Nano Banana Pro)',
			'gemini-2.5-flash-image (Nano Banana, retired 2026-09-30)',
		]);
		expect(label('gemini-3-pro-image-preview')).toBe('gemini-3-pro-image-preview (Nano Banana Pro, preview, retired 2026-06-25)');
		expect(label('gemini-9-ultra-image')).toBe('gemini-9-ultra-image');
		expect(label('gemini-3.1-flash-image-preview')).toBe('gemini-3.1-flash-image-preview (Nano Banana 2, preview, retired 2026-06-25)');
		expect(retiredOn('gemini-3.1-flash-image')).toBeUndefined();
	});

	it('filters by id or product name, case-insensitively', () => {
		expect(imageModels(body, 'PRO').map((m) => m.id)).toEqual(['gemini-3-pro-image']);
		expect(imageModels(body, 'nano banana 2').map((m) => m.id)).toEqual([
			'gemini-nano-banana-2.1',
			'gemini-3.1-flash-lite-image',
			'gemini-3.1-flash-image',
		]);
	});

	it("recognises image models by pattern, so next year's names are listed too", () => {
		expect(isListed('gemini-4-ultra-image')).toBe(true);
		expect(isListed('gemini-nano-banana-3')).toBe(true);
		expect(isListed('gpt-image-1')).toBe(false);
		expect(isListed('gemini-2.5-flash')).toBe(false);
	});

	it('orders by version number when the list gives no dates, and tolerates odd shapes', () => {
		expect(imageModels(['gemini-3-pro-image', 'x', 'gemini-3.1-flash-image', 'gemini-3-pro-image']).map((m) => m.id)).toEqual([
			'gemini-3.1-flash-image',
			'gemini-3-pro-image',
		]);
		expect(imageModels({ data: null })).toEqual([]);
		expect(listed({ data: [{ id: 'gemini-a-image', created: 'x' }, { id: '' }, 7] })).toEqual([{ id: 'gemini-a-image' }]);
	});

	it('starts new nodes on a model served today', () => {
		expect(DEFAULT_MODEL).toBe('gemini-3.1-flash-image');
		expect(retiredOn(DEFAULT_MODEL)).toBeUndefined();
	});
});

describe('model names: labels, retirement dates, which ids are image models, the list', () => {
	it.each([
		['gemini-2.5-flash-image', 'Nano Banana', '2026-09-30'],
		['gemini-2.5-flash-image-preview', 'Nano Banana', '2026-09-30'],
		['Gemini-2.5-Flash-Image', 'Nano Banana', '2026-09-30'],
		['gemini-3-pro-image-preview', 'Nano Banana Pro, preview', '2026-06-25'],
		['gemini-3.0-pro-image-preview', 'Nano Banana Pro, preview', '2026-06-25'],
		['gemini-3.1-flash-image-preview', 'Nano Banana 2, preview', '2026-06-25'],
		['gemini-3-pro-image', 'Nano Banana Pro', undefined],
		['gemini-3.0-pro-image', 'Nano Banana Pro', undefined],
		['gemini-3.1-flash-lite-image', 'Nano Banana 2 Lite', undefined],
		['gemini-3.1-flash-image', 'Nano Banana 2', undefined],
		[' gemini-3.1-flash-image ', 'Nano Banana 2', undefined],
		['gemini-nano-banana-2.1', 'Nano Banana 2.1', undefined],
		['gemini-3.1-flash-image-001', 'Nano Banana 2', undefined],
		['gemini-3.1-flash-imagex', undefined, undefined],
		['gemini-3x1-flash-image', undefined, undefined],
		['my-gemini-3.1-flash-image', undefined, undefined],
		['gemini-2x5-flash-image', undefined, undefined],
		['gemini-3-pro-image-previewer', 'Nano Banana Pro', undefined],
		['gemini-nano-banana-2x1', undefined, undefined],
		['gemini-3x0-pro-image', undefined, undefined],
	])('%s: %s, retired %s', (id, product, retired) => {
		expect(label(id)).toBe(product ? `${id} (${product}${retired ? `, retired ${retired}` : ''})` : id);
		expect(retiredOn(id)).toBe(retired);
	});

	it('image models by pattern: "gemini" and "image" anywhere, or a Nano Banana name, any case', () => {
		for (const id of ['GEMINI-X-IMAGE', 'image-by-gemini', 'nanobanana-pro', 'Nano-Banana', 'x-nano-banana'])
			expect([id, isListed(id)]).toEqual([id, true]);
		for (const id of ['gemini-pro', 'imagen-4', 'nano_banana', 'banana-nano', 'gemin-image'])
			expect([id, isListed(id)]).toEqual([id, false]);
	});

	it('reads ids from objects or bare strings, once each, with their dates when they are numbers', () => {
		const [a, b, c] = ['gemini-a-image', 'gemini-b-image', 'gemini-c-image'];
		expect(listed({ data: [a, { id: b, created: 5 }, { id: a }, { id: ' ' }, { id: c, created: Infinity }, { id: 3 }, null] })).toEqual([
			{ id: b, created: 5 },
			{ id: c },
			{ id: a },
		]);
		expect(listed([{ id: 'gemini-x-image' }])).toEqual([{ id: 'gemini-x-image' }]);
		// an id that is not a string is skipped, even one that reads as a model name once turned into text
		expect(listed({ data: [{ id: [a] }, { id: { toString: () => b } }, c] })).toEqual([{ id: c }]);
		expect(imageModels('nope')).toEqual([]);
		expect(imageModels(null)).toEqual([]);
	});

	it('sorts current before retired, then newest, then by version; filters trimmed and case-insensitive', () => {
		const list = {
			data: [
				{ id: 'gemini-2.5-flash-image', created: 9e9 },
				{ id: 'gemini-a-image', created: 1 },
				{ id: 'gemini-b-image', created: 2 },
				{ id: 'gemini-image-2' },
				{ id: 'gemini-image-10' },
			],
		};
		expect(imageModels(list).map((m) => m.id)).toEqual([
			'gemini-b-image',
			'gemini-a-image',
			'gemini-image-10',
			'gemini-image-2',
			'gemini-2.5-flash-image',
		]);
		expect(imageModels(list, '  A-IMAGE ').map((m) => m.id)).toEqual(['gemini-a-image']);
		expect(imageModels(list, '   ').length).toBe(5);
		expect(imageModels(list, 'retired').map((m) => m.id)).toEqual(['gemini-2.5-flash-image']);
	});

	it('any model list: Gemini image models only, each once', () => {
		const entryArb = fc
			.oneof(
				fc.constantFrom('gemini-3.1-flash-image', 'gemini-nano-banana-2.1', 'gpt-4o', 'gemini-2.5-pro', 'GEMINI-3-PRO-IMAGE', 'imagen-4'),
				fc.string({ maxLength: 20 }),
				fc.jsonValue({ maxDepth: 1 }),
			)
			.map((id) => (typeof id === 'string' ? { id, created: 1 } : id));
		fc.assert(
			fc.property(
				fc.oneof(
					fc.array(entryArb).map((data) => ({ data })),
					fc.jsonValue(),
				),
				fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
				(body, filter) => {
					const models = imageModels(body, filter);
					expect(new Set(models.map((m) => m.id)).size).toBe(models.length);
					for (const m of models) expect(isListed(m.id)).toBe(true);
				},
			),
			runs(200),
		);
	});
});

/**
 * What a model takes, told apart by what it refuses: Image Size 1K, 2K and 512, Aspect Ratio 8:1 and Google
 * Search, each tried alone. Models the table does not know take everything, as Gemini 3.1 Flash Image does.
 */
function accepts(model: string): string {
	const options = [{ imageSize: '1K' }, { imageSize: '2K' }, { imageSize: '512' }, { aspectRatio: '8:1' }, { googleSearch: true }];
	const refused = options.map((option) => Number(unsupportedOptions({ model, ...option }).length > 0)).join('');
	const kinds: Record<string, string> = {
		'11111': 'one size, no extreme ratios, no search (2.5 Flash)',
		'00110': 'no 512, no extreme ratios (3 Pro)',
		'01100': '1K only (3.1 Flash Lite)',
		'00100': 'no 512 (Nano Banana 2.1)',
		'00000': 'anything (3.1 Flash, or unknown)',
	};
	return kinds[refused] ?? refused;
}

describe('unsupportedOptions', () => {
	it('knows the documented models', () => {
		expect(accepts('gemini-2.5-flash-image-preview')).toBe('one size, no extreme ratios, no search (2.5 Flash)');
		expect(accepts('gemini-3-pro-image-preview')).toBe('no 512, no extreme ratios (3 Pro)');
		expect(accepts('gemini-3.1-flash-image')).toBe('anything (3.1 Flash, or unknown)');
		expect(accepts('gemini-3.1-flash-lite-image')).toBe('1K only (3.1 Flash Lite)');
		expect(accepts('gemini-nano-banana-2.1')).toBe('no 512 (Nano Banana 2.1)');
		expect(accepts('gemini-9-ultra-image')).toBe('anything (3.1 Flash, or unknown)');
	});
	it('explains options the model rejects', () => {
		expect(unsupportedOptions({ model: 'gemini-2.5-flash-image', imageSize: '2K' })[0]).toMatch(
			/Image Size "2K" is not available on gemini-2.5-flash-image/,
		);
		expect(unsupportedOptions({ model: 'gemini-3-pro-image-preview', imageSize: '512' })[0]).toMatch(/3.1 Flash/);
		expect(unsupportedOptions({ model: 'gemini-3-pro-image', aspectRatio: '8:1' })[0]).toMatch(/Aspect Ratio 8:1/);
		expect(unsupportedOptions({ model: 'gemini-2.5-flash-image', googleSearch: true })[0]).toMatch(/Google Search/);
		expect(unsupportedOptions({ model: 'gemini-nano-banana-2.1', imageSize: '512' })[0]).toMatch(
			/Image Size 512 needs a Gemini 3.1 Flash Image model; gemini-nano-banana-2.1 takes 1K, 2K or 4K/,
		);
		expect(unsupportedOptions({ model: 'gemini-3.1-flash-lite-image', imageSize: '2K' })[0]).toMatch(/makes 1K images only/);
	});
	it('lets supported combinations and unknown models through', () => {
		expect(
			unsupportedOptions({ model: 'gemini-3.1-flash-image-preview', imageSize: '512', aspectRatio: '1:8', googleSearch: true }),
		).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-2.5-flash-image', aspectRatio: '16:9' })).toEqual([]);
		expect(unsupportedOptions({ model: 'next-year-image-model', imageSize: '512' })).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-nano-banana-2.1', imageSize: '4K', aspectRatio: '8:1' })).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-3.1-flash-lite-image', imageSize: '1K' })).toEqual([]);
		for (const imageSize of ['1K', '2K', '4K']) expect(unsupportedOptions({ model: 'gemini-3-pro-image', imageSize })).toEqual([]);
	});
});

describe('what each model takes, exactly', () => {
	it.each([
		['gemini-2.5-flash-image', 'one size, no extreme ratios, no search (2.5 Flash)'],
		['GEMINI-2.5-FLASH-IMAGE-PREVIEW', 'one size, no extreme ratios, no search (2.5 Flash)'],
		['gemini-2x5-flash-image', 'anything (3.1 Flash, or unknown)'],
		['gemini-3-pro-image', 'no 512, no extreme ratios (3 Pro)'],
		['gemini-3.0-pro-image', 'no 512, no extreme ratios (3 Pro)'],
		['gemini-3x0-pro-image', 'anything (3.1 Flash, or unknown)'],
		['gemini-30-pro-image', 'anything (3.1 Flash, or unknown)'],
		['gemini-3.1-flash-lite-image-preview', '1K only (3.1 Flash Lite)'],
		['gemini-3x1-flash-lite-image', 'anything (3.1 Flash, or unknown)'],
		['gemini-3.1-flash-image-preview', 'anything (3.1 Flash, or unknown)'],
		['gemini-3x1-flash-image', 'anything (3.1 Flash, or unknown)'],
		['gemini-nano-banana-2.1', 'no 512 (Nano Banana 2.1)'],
		['gemini-nano-banana-2x1', 'anything (3.1 Flash, or unknown)'],
		['gemini-nano-banana-3', 'anything (3.1 Flash, or unknown)'],
		['vendor/gemini-3.1-flash-image', 'anything (3.1 Flash, or unknown)'],
		// anywhere in the id, unlike the product name
		['vendor/gemini-3-pro-image', 'no 512, no extreme ratios (3 Pro)'],
	])('%s takes %s', (model, kind) => {
		expect(accepts(model)).toBe(kind);
	});

	it('words every problem, in this order', () => {
		expect(unsupportedOptions({ model: 'gemini-2.5-flash-image', imageSize: '1K', aspectRatio: '4:1', googleSearch: true })).toEqual([
			'Image Size "1K" is not available on gemini-2.5-flash-image, which makes one size only (about 1K): remove Image Size, or use a Gemini 3 image model',
			'Aspect Ratio 4:1 needs a Gemini 3.1 Flash Image or Nano Banana 2.1 model; gemini-2.5-flash-image takes 1:1 up to 21:9',
			'Google Search grounding needs a Gemini 3 image model; gemini-2.5-flash-image does not offer it',
		]);
		expect(unsupportedOptions({ model: 'gemini-3.1-flash-lite-image', imageSize: '512' })).toEqual([
			'Image Size "512" is not available on gemini-3.1-flash-lite-image, which makes 1K images only: choose 1K or Model Default, or use gemini-3.1-flash-image',
		]);
		expect(unsupportedOptions({ model: 'gemini-3-pro-image', imageSize: '512', aspectRatio: '1:4' })).toEqual([
			'Image Size 512 needs a Gemini 3.1 Flash Image model; gemini-3-pro-image takes 1K, 2K or 4K',
			'Aspect Ratio 1:4 needs a Gemini 3.1 Flash Image or Nano Banana 2.1 model; gemini-3-pro-image takes 1:1 up to 21:9',
		]);
	});

	it('each extreme ratio is refused where it is not offered, and nothing else is', () => {
		expect(EXTREME_RATIOS).toEqual(['1:4', '4:1', '1:8', '8:1']);
		for (const ratio of ['1:4', '4:1', '1:8', '8:1']) {
			expect(unsupportedOptions({ model: 'gemini-3-pro-image', aspectRatio: ratio })).toHaveLength(1);
			expect(unsupportedOptions({ model: 'gemini-2.5-flash-image', aspectRatio: ratio })).toHaveLength(1);
			expect(unsupportedOptions({ model: 'gemini-3.1-flash-lite-image', aspectRatio: ratio })).toEqual([]);
		}
		for (const ratio of ['1:1', '21:9', '9:16'])
			expect(unsupportedOptions({ model: 'gemini-3-pro-image', aspectRatio: ratio })).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-2.5-flash-image' })).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-3.1-flash-lite-image' })).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-3-pro-image', imageSize: '2K', googleSearch: true })).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-nano-banana-2.1', imageSize: '1K' })).toEqual([]);
		expect(unsupportedOptions({ model: 'gemini-3.1-flash-image', imageSize: '512' })).toEqual([]);
	});
});

describe('conversation families', () => {
	it('treats preview and GA names of one model as one family', () => {
		expect(conversationFamily('gemini-3-pro-image-preview')).toBe(conversationFamily('gemini-3-pro-image'));
		expect(conversationFamily('models/gemini-2.5-flash-image-preview-09-2025')).toBe('gemini-2.5-flash-image');
		expect(conversationFamily('gemini-3.1-flash-image')).not.toBe(conversationFamily('gemini-3-pro-image'));
	});
	it('a three-digit release suffix (-001) names the same model; a version number does not', () => {
		expect(conversationFamily('gemini-3.1-flash-image-001')).toBe('gemini-3.1-flash-image');
		expect(conversationFamily('Gemini-3-Pro-Image-002')).toBe(conversationFamily('gemini-3-pro-image-preview'));
		expect(conversationFamily('gemini-nano-banana-2')).not.toBe(conversationFamily('gemini-nano-banana-3'));
		expect(conversationFamily('gemini-image-abc')).toBe('gemini-image-abc');
		// four digits are a version number, not a release suffix
		expect(conversationFamily('gemini-image-1001')).not.toBe(conversationFamily('gemini-image-2001'));
	});
	it('a conversation whose model id has spaces around it (edited by hand) stays with its model', () => {
		expect(conversationFamily(' gemini-3-pro-image-preview\n')).toBe(conversationFamily('gemini-3-pro-image'));
	});
	it('only the end of an id marks a preview or a release, and only its start the models/ prefix', () => {
		expect(conversationFamily('gemini-3-pro-image-preview:free')).toBe('gemini-3-pro-image-preview:free');
		expect(conversationFamily('gemini-3-pro-image-001:free')).toBe('gemini-3-pro-image-001:free');
		expect(conversationFamily('tunedModels/gemini-image')).toBe('tunedmodels/gemini-image');
	});
});
