/** actions/parameters.ts: the URL list of Image to Image. */
import { parseUrlList } from '../../nodes/GeminiImage/actions/parameters';

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
