import { modelFamily, unsupportedOptions } from '../../nodes/GeminiImage/api/models/supportedOptions';
import { parseUrlList } from '../../nodes/GeminiImage/actions/input';

describe('unsupportedOptions', () => {
	it('knows the documented families', () => {
		expect(modelFamily('gemini-2.5-flash-image-preview')).toBe('flash25');
		expect(modelFamily('gemini-3-pro-image-preview')).toBe('pro3');
		expect(modelFamily('gemini-3.1-flash-image')).toBe('flash31');
		expect(modelFamily('gemini-3.1-flash-lite-image')).toBe('flashLite31');
		expect(modelFamily('gemini-nano-banana-2.1')).toBe('nanoBanana21');
		expect(modelFamily('gemini-9-ultra-image')).toBe('unknown');
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
});

describe('model families and what they refuse, exactly', () => {
	it.each([
		['gemini-2.5-flash-image', 'flash25'],
		['GEMINI-2.5-FLASH-IMAGE-PREVIEW', 'flash25'],
		['gemini-2x5-flash-image', 'unknown'],
		['gemini-3-pro-image', 'pro3'],
		['gemini-3.0-pro-image', 'pro3'],
		['gemini-3x0-pro-image', 'unknown'],
		['gemini-30-pro-image', 'unknown'],
		['gemini-3.1-flash-lite-image-preview', 'flashLite31'],
		['gemini-3x1-flash-lite-image', 'unknown'],
		['gemini-3.1-flash-image-preview', 'flash31'],
		['gemini-3x1-flash-image', 'unknown'],
		['gemini-nano-banana-2.1', 'nanoBanana21'],
		['gemini-nano-banana-2x1', 'unknown'],
		['gemini-nano-banana-3', 'unknown'],
		['vendor/gemini-3.1-flash-image', 'flash31'],
	])('%s is %s', (model, family) => {
		expect(modelFamily(model)).toBe(family);
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
