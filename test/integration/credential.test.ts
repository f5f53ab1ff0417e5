/**
 * The credential's Test button: its request goes to the same address the node calls (n8n's expression
 * engine evaluates the Base URL expression here, as in n8n), and its rules give the node's plain words.
 */
import { Workflow } from 'n8n-workflow';

import { CometApi } from '../../credentials/CometApi.credentials';
import { normalizeBaseUrl } from '../../nodes/GeminiImage/helpers/credentialChecks';
import { describeHttpFailure } from '../../nodes/GeminiImage/helpers/failures';
import { makeNode, NODE_NAME, nodeTypes } from '../harness/runtime';

const credential = new CometApi();
const workflow = new Workflow({ id: 'w', nodes: [makeNode({})], connections: {}, active: false, nodeTypes });
const testBaseUrl = (baseUrl: unknown) =>
	workflow.expression.getSimpleParameterValue(workflow.getNode(NODE_NAME)!, credential.test.request.baseURL as string, 'internal', {
		$credentials: { apiKey: 'sk-x', baseUrl },
	});

describe('credential test request', () => {
	it.each([
		'https://api.cometapi.com',
		'https://api.cometapi.com/',
		'https://api.cometapi.com/v1',
		'https://api.cometapi.com/v1beta/',
		'https://gw.example.com//v1',
		'api.cometapi.com',
		'  api.cometapi.com/v1 ',
		'http://127.0.0.1:8787',
		'HTTP://127.0.0.1:8787/V1',
		'',
	])('calls the address the node calls for Base URL %j', (baseUrl) => {
		expect(testBaseUrl(baseUrl)).toBe(normalizeBaseUrl(baseUrl));
	});

	it('lists the models (free) without following a redirect to a website', () => {
		expect(credential.test.request).toMatchObject({ url: '/v1/models', method: 'GET', disableFollowRedirect: true });
	});
});

describe('credential test messages', () => {
	const rules = credential.test.rules as unknown as Array<{ type: string; properties: { value: unknown; message: string; key?: string } }>;
	const forStatus = (status: number) => rules.find((r) => r.type === 'responseCode' && r.properties.value === status)?.properties.message;

	it.each([401, 402, 403, 404])('%i says what the node says', (status) => {
		const node = describeHttpFailure(status, {}, {}, { baseUrl: 'https://example.com' });
		const message = forStatus(status)!;
		expect(message.startsWith(`${node.message}.`)).toBe(true);
		// the node's fix, with "this credential" for "the CometAPI credential" and without the URL it has at hand
		const fix = node.description.replace('in the CometAPI credential', 'in this credential').replace(' (now https://example.com)', '');
		expect(message).toContain(fix.replace(/^This key may not use this model/, 'This key may not list models').split(':')[0]);
	});

	it('an HTML page (a website, not the API) is reported like the node does', () => {
		const html = rules.find((r) => r.type === 'responseSuccessBody')!;
		expect(html.properties).toMatchObject({ key: 'data', value: undefined });
		expect(html.properties.message).toMatch(/^CometAPI answered with an HTML page instead of the API's JSON\. Check the Base URL/);
	});

	it('redirects are reported as a wrong Base URL', () => {
		for (const status of [301, 302, 307, 308])
			expect(forStatus(status)).toMatch(new RegExp(`^CometAPI answered ${status} .*Check the Base URL`));
	});
});
