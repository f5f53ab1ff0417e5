/**
 * What the editor shows and what saved workflows hold. The version 1 contract is spelled out: the names,
 * places, types, defaults and values a workflow saved with version 1 relies on (a change there breaks saved
 * workflows; a new layout is a new node version). Everything else the node and the credential describe
 * (labels, help text, version 2) is kept in a snapshot: a change of words shows up in review, and
 * `npx jest -u test/unit/description.test.ts` accepts it once it is meant.
 */
import type { INodeProperties } from 'n8n-workflow';

import { CometApi } from '../../credentials/CometApi.credentials';
import { GeminiImage } from '../../nodes/GeminiImage/GeminiImage.node';

const { description } = new GeminiImage();
const credential = new CometApi();

const shownOn = (version: number) => (p: INodeProperties) => {
	const versions = p.displayOptions?.show?.['@version'];
	return !versions || (versions as number[]).includes(version);
};
const values = (p: INodeProperties | undefined) => (p?.options as Array<{ value: unknown }> | undefined)?.map((o) => o.value);

describe('the version 1 contract with saved workflows', () => {
	const v1 = description.properties.filter(shownOn(1));
	const top = (name: string) => v1.find((p) => p.name === name);
	const option = (name: string) => (top('options')?.options as INodeProperties[]).find((p) => p.name === name);

	it('keeps the node type, its versions and the credential type', () => {
		expect(description.name).toBe('geminiImage');
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
		expect(description.credentials).toEqual([{ name: 'cometApi', required: true }]);
		expect(credential.name).toBe('cometApi');
		expect(credential.properties.map((p) => [p.name, p.type, p.default])).toEqual([
			['apiKey', 'string', ''],
			['baseUrl', 'string', 'https://api.cometapi.com'],
		]);
	});

	it('keeps its top-level parameters: names, types, defaults, where they show', () => {
		expect(v1.map((p) => [p.name, p.type, p.default])).toEqual([
			['operation', 'options', 'textToImage'],
			['model', 'resourceLocator', { mode: 'list', value: 'gemini-2.5-flash-image' }],
			['prompt', 'string', ''],
			['binaryPropertyNames', 'string', 'data'],
			['options', 'collection', {}],
		]);
		expect(values(top('operation'))).toEqual(['textToImage', 'imageToImage']);
		expect(top('model')?.modes?.map((m) => [m.name, m.type])).toEqual([
			['list', 'list'],
			['id', 'string'],
		]);
		expect(top('binaryPropertyNames')?.displayOptions?.show).toEqual({ operation: ['imageToImage'], '@version': [1] });
	});

	it('keeps every option in its one Options collection, with the same types, defaults and values', () => {
		const options = top('options')?.options as INodeProperties[];
		expect(options.map((p) => [p.name, p.type, p.default])).toEqual([
			['apiFormat', 'options', 'geminiNative'],
			['aspectRatio', 'options', ''],
			['concurrency', 'number', 8],
			['googleSearch', 'boolean', false],
			['imageSize', 'options', ''],
			['imageUrls', 'string', ''],
			['maxInputMb', 'number', 20],
			['maxRetries', 'number', 5],
			['numberOfImages', 'number', 1],
			['binaryPropertyOutput', 'string', 'data'],
			['responseModalities', 'options', 'TEXT_IMAGE'],
			['safetySettings', 'fixedCollection', {}],
			['seed', 'number', 0],
			['streaming', 'boolean', false],
			['systemInstruction', 'string', ''],
			['temperature', 'number', 1],
			['timeout', 'number', 300],
			['topP', 'number', 0.95],
		]);
		expect(values(option('apiFormat'))).toEqual(['geminiNative', 'openAiChat']);
		expect(values(option('aspectRatio'))).toEqual([
			'',
			'1:1',
			'2:3',
			'3:2',
			'3:4',
			'4:3',
			'4:5',
			'5:4',
			'9:16',
			'16:9',
			'21:9',
			'1:4',
			'4:1',
			'1:8',
			'8:1',
		]);
		expect(values(option('imageSize'))).toEqual(['', '512', '1K', '2K', '4K']);
		expect(values(option('responseModalities'))).toEqual(['TEXT_IMAGE', 'IMAGE']);
		const safety = (option('safetySettings')?.options as Array<{ name: string; values: INodeProperties[] }>)[0];
		expect(safety.name).toBe('values');
		expect(safety.values.map((p) => [p.name, p.type, p.default, values(p)])).toEqual([
			[
				'category',
				'options',
				'HARM_CATEGORY_HARASSMENT',
				[
					'HARM_CATEGORY_CIVIC_INTEGRITY',
					'HARM_CATEGORY_DANGEROUS_CONTENT',
					'HARM_CATEGORY_HARASSMENT',
					'HARM_CATEGORY_HATE_SPEECH',
					'HARM_CATEGORY_SEXUALLY_EXPLICIT',
				],
			],
			[
				'threshold',
				'options',
				'BLOCK_MEDIUM_AND_ABOVE',
				['BLOCK_LOW_AND_ABOVE', 'BLOCK_MEDIUM_AND_ABOVE', 'BLOCK_NONE', 'BLOCK_ONLY_HIGH', 'OFF'],
			],
		]);
		expect(option('imageUrls')?.displayOptions?.show).toEqual({ '/operation': ['imageToImage'] });
		expect(option('streaming')?.displayOptions?.hide).toEqual({ apiFormat: ['openAiChat'] });
	});

	it('gives version 2 parameters of its own only where version 1 has none of that name', () => {
		const v2Only = [...new Set(description.properties.filter((p) => !shownOn(1)(p)).map((p) => p.name))];
		expect(v2Only).toEqual([
			'resource',
			'operation',
			'model',
			'prompt',
			'toolImageUrls',
			'toolAspectRatio',
			'toolImageSize',
			'toolNumberOfImages',
			'inputImages',
			'binaryPropertyNames',
			'imageUrls',
			'options',
			'requestSettings',
		]);
		// a name both versions use is shown on one version per property (n8n keeps a node's values per name)
		for (const name of ['operation', 'model', 'prompt', 'binaryPropertyNames', 'options']) {
			const versions = description.properties.filter((p) => p.name === name).map((p) => p.displayOptions?.show?.['@version']);
			expect(versions.length).toBeGreaterThan(1);
			expect(versions).toEqual([[1], ...versions.slice(1).map(() => [2])]);
		}
	});
});

describe('what the editor shows', () => {
	it('the node description (labels, help, options, version 2)', () => {
		expect(description).toMatchSnapshot();
	});

	it('the credential (fields, the Test request and its messages)', () => {
		// The statuses without words of their own share one generated message each (a rule for every status
		// from 300 to 599): the snapshot holds the first of them, the count says the rest are there.
		const rules = credential.test.rules as unknown as Array<{ properties: { value: number; message: string } }>;
		const generic = rules.filter((r) => /^CometAPI answered \d+\. (Check the Base URL|The gateway may be down)/.test(r.properties.message));
		expect(generic).toHaveLength(300 - 8);
		const shown = rules.filter((r) => !generic.includes(r) || r === generic[0] || r.properties.value === 500);
		expect({ ...credential, test: { ...credential.test, rules: shown } }).toMatchSnapshot();
	});

	it('the credential sends the key as a Bearer header and refuses what no request should carry', async () => {
		const sent = await credential.authenticate(
			{ apiKey: 'sk-abc', baseUrl: 'https://api.cometapi.com' },
			{ url: '/v1/models', headers: { a: 'b' } },
		);
		expect(sent).toEqual({ url: '/v1/models', headers: { a: 'b', Authorization: 'Bearer sk-abc' } });
		// an unset key (the field left empty in an old credential) is refused, not sent as "Bearer " or "Bearer undefined"
		await expect(credential.authenticate({ baseUrl: '' }, { url: '/' })).rejects.toThrow(
			/^The API key in the CometAPI credential is empty\. Paste the key from the CometAPI dashboard/,
		);
		expect((await credential.authenticate({ apiKey: 12345, baseUrl: '' }, { url: '/' })).headers).toEqual({
			Authorization: 'Bearer 12345',
		});
		await expect(credential.authenticate({ apiKey: 'sk-abc', baseUrl: 'https://u:p@api.cometapi.com' }, { url: '/' })).rejects.toThrow(
			/^The Base URL in the CometAPI credential holds a user name or password \(user:pass@\), which would replace the API key\. Remove/,
		);
		await expect(credential.authenticate({ apiKey: 'sk-abc\n', baseUrl: '' }, { url: '/' })).rejects.toThrow(
			/^The API key in the CometAPI credential holds a line break at position 7 of 7, which an HTTP header cannot carry\. Paste/,
		);
	});
});
