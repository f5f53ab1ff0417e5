/**
 * Runs one of the node's listSearch methods (the "From list" picker) the way n8n's
 * DynamicNodeParametersService does: a one-node Workflow, n8n-core's real LoadOptionsContext (mode
 * 'internal', currentNodeParameters = the node's parameters), so requests go through n8n-core's real
 * httpRequestWithAuthentication.
 */
import { LoadOptionsContext } from 'n8n-core';
import type { INodeListSearchResult, INodeType } from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';

import type { TestCredentials } from './runtime';
import {
	CREDENTIAL_TYPE,
	makeAdditionalData,
	makeNode,
	nextExecutionId,
	NODE_NAME,
	NODE_TYPE,
	nodeTypes,
	TestCredentialsHelper,
} from './runtime';

export interface ListSearchOptions {
	/** The node's current parameters, as the editor sends them (default: the node's defaults). */
	parameters?: Record<string, unknown>;
	paginationToken?: string;
	/** The node's typeVersion (default 1). */
	typeVersion?: number;
}

/** Calls `methods.listSearch[methodName]` with a real LoadOptionsContext. Rejects with what the method throws. */
export async function runListSearch(
	methodName: string,
	filter: string | undefined,
	credentials: TestCredentials,
	options: ListSearchOptions = {},
): Promise<INodeListSearchResult> {
	const credentialsHelper = new TestCredentialsHelper({ [CREDENTIAL_TYPE]: { ...credentials } });
	const node = makeNode(options.parameters ?? {}, options.typeVersion ? { typeVersion: options.typeVersion } : {});
	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
	});
	const workflowNode = workflow.getNode(NODE_NAME)!;
	const additionalData = makeAdditionalData(credentialsHelper, nextExecutionId(), workflowNode.parameters);
	const context = new LoadOptionsContext(workflow, workflowNode, additionalData, 'parameters.model');

	const nodeType = nodeTypes.getByName(NODE_TYPE) as INodeType;
	const method = nodeType.methods?.listSearch?.[methodName];
	if (!method) throw new UnexpectedError(`The node has no listSearch method "${methodName}"`);
	return await method.call(context, filter, options.paginationToken);
}
