import { modelFamily, unsupportedOptions } from '../../nodes/GeminiImage/api/modelSupport';
import { parseUrlList } from '../../nodes/GeminiImage/actions/options';

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
		expect(unsupportedOptions({ model: 'gemini-2.5-flash-image', imageSize: '2K' })[0]).toMatch(/Image Size "2K" is not available on gemini-2.5-flash-image/);
		expect(unsupportedOptions({ model: 'gemini-3-pro-image-preview', imageSize: '512' })[0]).toMatch(/3.1 Flash/);
		expect(unsupportedOptions({ model: 'gemini-3-pro-image', aspectRatio: '8:1' })[0]).toMatch(/Aspect Ratio 8:1/);
		expect(unsupportedOptions({ model: 'gemini-2.5-flash-image', googleSearch: true })[0]).toMatch(/Google Search/);
		expect(unsupportedOptions({ model: 'gemini-nano-banana-2.1', imageSize: '512' })[0]).toMatch(/Image Size 512 needs a Gemini 3.1 Flash Image model; gemini-nano-banana-2.1 takes 1K, 2K or 4K/);
		expect(unsupportedOptions({ model: 'gemini-3.1-flash-lite-image', imageSize: '2K' })[0]).toMatch(/makes 1K images only/);
	});
	it('lets supported combinations and unknown models through', () => {
		expect(unsupportedOptions({ model: 'gemini-3.1-flash-image-preview', imageSize: '512', aspectRatio: '1:8', googleSearch: true })).toEqual([]);
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
