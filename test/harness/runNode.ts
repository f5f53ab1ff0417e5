/**
 * Runs the node's real execute() the way n8n's WorkflowExecute.executeNode does: a real Workflow (which
 * fills in parameter defaults like a saved workflow), a real n8n-core ExecuteContext, real binary storage
 * (BinaryDataService) and n8n-core's real httpRequestWithAuthentication (axios) over real HTTP.
 */
import { getBinaryDataBuffer, ExecuteContext, prepareBinaryData } from 'n8n-core';
import type { CloseFunction, IBinaryData, IExecuteData, INodeExecutionData, ITaskDataConnections, NodeExecutionHint } from 'n8n-workflow';
import { ApplicationError, createRunExecutionData, Workflow } from 'n8n-workflow';

import type { BinaryMode, TestCredentials } from './runtime';
import {
	acquireBinaryMode,
	CREDENTIAL_TYPE,
	makeAdditionalData,
	makeNode,
	nextExecutionId,
	NODE_NAME,
	nodeTypes,
	TestCredentialsHelper,
	TOOL_NODE_TYPE,
} from './runtime';

export type { BinaryMode, TestCredentials } from './runtime';
export { binaryDataService, disposeHarness, NODE_TYPE } from './runtime';

export interface InputBinary {
	data?: Buffer;
	mimeType?: string;
	fileName?: string;
	/** A binary object as another execution stored it, put on the item as it is (as Execute Workflow hands items on). */
	stored?: IBinaryData;
}

export interface InputItem {
	json?: object;
	binary?: Record<string, InputBinary>;
}

export interface RunOptions {
	/**
	 * Node parameters as a saved workflow holds them. n8n's Workflow constructor then fills in defaults
	 * and DROPS what the description would not show (parameters hidden by displayOptions, unknown keys
	 * inside `options`), exactly as in n8n. Strings starting with '=' are expressions ({{ $json.x }}).
	 */
	parameters: Record<string, unknown>;
	/**
	 * Input items (default: one empty item). Binaries are stored through n8n-core's prepareBinaryData.
	 * An empty list means the node does not run at all, as in n8n (`executed: false`).
	 */
	items?: InputItem[];
	credentials: TestCredentials;
	/** The node's typeVersion as a saved workflow holds it (default 1, the harness's first users' version). */
	typeVersion?: number;
	/** Node setting "On Error: Continue" (onError: 'continueRegularOutput'). */
	continueOnFail?: boolean;
	/** Binary data mode of the instance (default 'default', i.e. base64 in memory). */
	binaryMode?: BinaryMode;
	/** Handed to ExecuteContext: what getExecutionCancelSignal() returns. */
	abortSignal?: AbortSignal;
	/**
	 * Run the node's AI-tool variant (type "…geminiImageTool") the way n8n's engine runs an AI Agent's tool:
	 * the tool's arguments are the input item's JSON, where $fromAI() reads them.
	 */
	tool?: boolean;
	/** The workflow's id (default 'harness-workflow'): files are stored under it. */
	workflowId?: string;
}

export interface OutputBinary {
	/** The IBinaryData object the node put in the item (in filesystem mode: id + data 'filesystem-v2'). */
	meta: IBinaryData;
	/** Its bytes, read back through n8n-core's getBinaryDataBuffer. */
	data: Buffer;
}

export interface OutputItem {
	json: any;
	binary?: Record<string, OutputBinary>;
	pairedItem: any;
	/** The item as the node returned it, untouched. */
	raw: INodeExecutionData;
}

export interface RunResult {
	/** False only for an empty input, which n8n never hands to a node. */
	executed: boolean;
	/** Items of the first (only) output. Empty when execute threw. */
	items: OutputItem[];
	/** What execute() threw, if it did (the harness never throws for node errors). */
	error?: Error;
	/** Every output the node returned (execute's INodeExecutionData[][]), untouched. */
	outputs?: INodeExecutionData[][];
	/** Hints the node added with addExecutionHints. */
	hints: NodeExecutionHint[];
	/** The input items exactly as the node saw them (binaries as stored IBinaryData). */
	inputItems: INodeExecutionData[];
	/** Credential types the node asked for (getCredentials), in order. */
	credentialRequests: string[];
}

/**
 * The test's JSON, copied so that tests do not share objects. n8n hands a node its items as they are, not
 * copied: an item too deep for structuredClone (a test of deeply nested JSON) is handed on as it is, too.
 */
function cloneJson<T>(json: T): T {
	try {
		return structuredClone(json);
	} catch (error) {
		if ((error as Error)?.name === 'RangeError') return json;
		throw error;
	}
}

async function storeInputItems(items: InputItem[], executionId: string, workflowId: string): Promise<INodeExecutionData[]> {
	const stored: INodeExecutionData[] = [];
	for (const [index, item] of items.entries()) {
		const out: INodeExecutionData = { json: cloneJson((item.json ?? {}) as INodeExecutionData['json']) };
		if (item.binary) {
			out.binary = {};
			for (const [name, binary] of Object.entries(item.binary)) {
				if (binary?.stored) {
					out.binary[name] = structuredClone(binary.stored);
					continue;
				}
				// A test mistake, not a node error: say so plainly (n8n-core would fail with "stream.on is not a function").
				const data: unknown = binary?.data;
				// Checked without instanceof: jest's sandbox and node core modules live in different realms.
				const isBytes = Buffer.isBuffer(data) || Object.prototype.toString.call(data) === '[object Uint8Array]';
				if (!isBytes) {
					throw new TypeError(`runNode: items[${index}].binary.${name}.data must be a Buffer, got ${Object.prototype.toString.call(data)}`);
				}
				out.binary[name] = await prepareBinaryData(
					Buffer.isBuffer(data)
						? data
						: Buffer.from((data as Uint8Array).buffer, (data as Uint8Array).byteOffset, (data as Uint8Array).byteLength),
					executionId,
					workflowId,
					binary.fileName,
					binary.mimeType,
				);
			}
		}
		stored.push(out);
	}
	return stored;
}

async function readOutputItems(items: INodeExecutionData[]): Promise<OutputItem[]> {
	const connections: ITaskDataConnections = { main: [items] };
	const result: OutputItem[] = [];
	for (let i = 0; i < items.length; i++) {
		const item = items[i];
		const out: OutputItem = { json: item.json, pairedItem: item.pairedItem, raw: item };
		if (item.binary) {
			out.binary = {};
			for (const [name, meta] of Object.entries(item.binary)) {
				out.binary[name] = { meta, data: await getBinaryDataBuffer(connections, i, name, 0) };
			}
		}
		result.push(out);
	}
	return result;
}

/** One execution of the node, set up and not yet run (the benchmark times execute() alone). */
export interface PreparedExecution {
	/** The input items exactly as the node sees them (binaries as stored IBinaryData). */
	inputItems: INodeExecutionData[];
	/** Hints the node added with addExecutionHints. */
	readonly hints: NodeExecutionHint[];
	/** Credential types the node asked for (getCredentials), in order. */
	readonly credentialRequests: string[];
	/** The node's execute() and then its close functions, as WorkflowExecute.executeNode runs them. */
	execute(): Promise<INodeExecutionData[][]>;
	/** Frees the binary data mode for the next execution: call it when done. */
	release(): void;
}

/** Sets up one execution the way WorkflowExecute does: the workflow, the input items stored, the ExecuteContext. */
export async function prepareExecution(opts: RunOptions, workflowId = 'harness-workflow'): Promise<PreparedExecution> {
	const release = await acquireBinaryMode(opts.binaryMode ?? 'default');
	try {
		const executionId = nextExecutionId();
		const credentialsHelper = new TestCredentialsHelper({ [CREDENTIAL_TYPE]: { ...opts.credentials } });
		const additionalData = makeAdditionalData(credentialsHelper, executionId);

		const node = makeNode(opts.parameters, {
			...(opts.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...(opts.typeVersion ? { typeVersion: opts.typeVersion } : {}),
			...(opts.tool ? { type: TOOL_NODE_TYPE } : {}),
		});
		const workflow = new Workflow({
			id: workflowId,
			name: 'Harness workflow',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes,
			settings: { executionOrder: 'v1' },
		});
		// The Workflow constructor replaced node.parameters with the defaults-filled set; use its node.
		const workflowNode = workflow.getNode(NODE_NAME)!;

		const inputItems = await storeInputItems(opts.items ?? [{ json: {} }], executionId, workflowId);
		const inputData: ITaskDataConnections = { main: [inputItems] };
		const executeData: IExecuteData = { node: workflowNode, data: inputData, source: null };
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [executeData] },
		});
		const closeFunctions: CloseFunction[] = [];
		const context = new ExecuteContext(
			workflow,
			workflowNode,
			additionalData,
			'manual',
			runExecutionData,
			0,
			inputItems,
			inputData,
			executeData,
			closeFunctions,
			opts.abortSignal,
		);
		const nodeType = nodeTypes.getByNameAndVersion(workflowNode.type, workflowNode.typeVersion);
		return {
			inputItems,
			get hints() {
				return context.hints;
			},
			get credentialRequests() {
				return credentialsHelper.requests.map((r) => r.type);
			},
			async execute() {
				const outputs = (await nodeType.execute!.call(context)) as INodeExecutionData[][];
				// As WorkflowExecute.executeNode: close functions run after execute, their errors fail the node.
				const closing = await Promise.allSettled(closeFunctions.map(async (fn) => await fn()));
				const failed = closing.find((r): r is PromiseRejectedResult => r.status === 'rejected');
				if (failed) {
					throw failed.reason instanceof Error
						? failed.reason
						: new ApplicationError("Error on execution node's close function(s)", { cause: failed.reason });
				}
				return outputs;
			},
			release,
		};
	} catch (error) {
		release();
		throw error;
	}
}

export async function runNode(opts: RunOptions): Promise<RunResult> {
	const run = await prepareExecution(opts, opts.workflowId);
	try {
		const base = () => ({ hints: run.hints, inputItems: run.inputItems, credentialRequests: run.credentialRequests });

		// WorkflowExecute.prepareConnectionInputData: no input items, no execution.
		if (run.inputItems.length === 0) return { ...base(), executed: false, items: [] };

		let outputs: INodeExecutionData[][];
		try {
			outputs = await run.execute();
		} catch (error) {
			return { ...base(), executed: true, items: [], error: error as Error };
		}

		const items = await readOutputItems(outputs?.[0] ?? []);
		return { ...base(), executed: true, items, outputs };
	} finally {
		run.release();
	}
}
