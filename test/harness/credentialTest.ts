/**
 * Runs the credential's Test request the way n8n's CredentialsTester does (packages/cli
 * credentials-tester.service): a node type copy whose one property routes `test.request`, a real n8n-core
 * ExecuteContext and RoutingNode, so the request goes through n8n-core's real httpRequestWithAuthentication
 * with the credential's `authenticate`.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import type { ICredentialDataDecryptedObject, INode, INodeType, INodeTypes } from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';

// eslint-disable-next-line import/no-relative-packages
import { CometApi } from '../../credentials/CometApi.credentials';
import type { TestCredentials } from './runtime';
import { CREDENTIAL_TYPE, makeAdditionalData, nextExecutionId, TestCredentialsHelper } from './runtime';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	error?: Error;
}

export async function runCredentialTest(credentials: TestCredentials): Promise<CredentialTestResult> {
	const test = new CometApi().test;
	const nodeTypeCopy: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'temp-credential-test',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Temp' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: CREDENTIAL_TYPE, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
		},
	} as unknown as INodeType;
	const nodeTypes: INodeTypes = {
		getByName: () => nodeTypeCopy,
		getByNameAndVersion: () => nodeTypeCopy,
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'temp-credential-test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'CometAPI account' } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const helper = new TestCredentialsHelper({ [CREDENTIAL_TYPE]: { ...credentials } });
	const decrypted = await helper.getDecrypted({} as never, { id: 'cred-1', name: 'CometAPI account' }, CREDENTIAL_TYPE, 'internal');
	const additionalData = makeAdditionalData(helper, nextExecutionId(), node.parameters);
	const inputData = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		inputData,
		{ node, data: {}, source: null },
		[],
	);
	const credentialsDecrypted = {
		id: 'cred-1',
		name: 'CometAPI account',
		type: CREDENTIAL_TYPE,
		data: decrypted as ICredentialDataDecryptedObject,
	};
	const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);
	const expression = workflow.expression as unknown as { acquireIsolate?: () => Promise<void>; releaseIsolate?: () => Promise<void> };
	try {
		await expression.acquireIsolate?.();
		await routingNode.runNode();
		return { status: 'OK' };
	} catch (error) {
		return { status: 'Error', error: error as Error };
	} finally {
		await expression.releaseIsolate?.();
	}
}
