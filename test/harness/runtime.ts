/**
 * The n8n runtime the harness runs the node in, built once per test file (jest gives every test file its
 * own module registry, so this is module-level state per file): n8n-core's DI container, its real
 * InstanceSettings and BinaryDataService (in a temp folder), a node-type registry holding our node, and a
 * small real ICredentialsHelper that applies the credential class's own `authenticate` the way n8n's
 * CredentialsHelper (packages/cli) does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, ExternalSecretsProxy } from 'n8n-core';
// Not exported from n8n-core's index; the same module file its contexts use, so the same singleton.
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	ICredentialsExpressionResolveValues,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, isExpression, UnexpectedError } from 'n8n-workflow';

import { CometApi } from '../../credentials/CometApi.credentials';
import { GeminiImage } from '../../nodes/GeminiImage/GeminiImage.node';

/** The node's full type name, as n8n registers a community package's node. */
export const NODE_TYPE = 'n8n-nodes-cometapi.geminiImage';
export const CREDENTIAL_TYPE = 'cometApi';
export const NODE_NAME = 'Gemini Image';

export type BinaryMode = 'default' | 'filesystem';

export interface TestCredentials {
	apiKey: string;
	baseUrl: string;
	[key: string]: string | number | boolean | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Process environment and DI container

/** Everything n8n-core writes (instance settings, filesystem binary data) goes under this temp folder. */
export const runtimeRoot = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

// These are read when the config classes are first built by the container, i.e. lazily, after this line.
// Overwritten unconditionally so a developer's real ~/.n8n is never touched.
process.env.N8N_USER_FOLDER = runtimeRoot;
process.env.N8N_ENCRYPTION_KEY ??= 'n8n-harness-test-encryption-key';

const binaryDataConfig = Container.get(BinaryDataConfig);
binaryDataConfig.localStoragePath = join(runtimeRoot, 'storage');
binaryDataConfig.availableModes = ['default', 'filesystem'];
binaryDataConfig.mode = 'default';

export const binaryDataService = Container.get(BinaryDataService);

// Every ExecuteContext / LoadOptionsContext spreads getSSHTunnelFunctions(), which builds the
// SSHClientsManager singleton; its constructor starts a 60 s setInterval that is never unref'd, so jest
// would never exit. Build it now and let its timer not hold the process open.
const sshClientsManager = Container.get(SSHClientsManager);
(sshClientsManager as unknown as { cleanupTimer?: NodeJS.Timeout }).cleanupTimer?.unref();

/** Removes the temp folder. Optional (call it in afterAll); files are small and in the OS temp dir. */
export function disposeHarness(): void {
	sshClientsManager.onShutdown();
	rmSync(runtimeRoot, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------
// Binary data mode
//
// BinaryDataService is a container singleton and its mode is fixed by init() (in n8n-core 2.8.1 init()
// takes no arguments: it reads BinaryDataConfig). Switching mode = change the config, init() again.
// init() always creates the filesystem manager, so binaries stored in either mode stay readable after
// a switch. Runs needing different modes must not overlap: a run waits until runs in another mode end.

let currentMode: BinaryMode | undefined;
let activeRuns = 0;
let switching: Promise<void> | undefined;
let idleWaiters: Array<() => void> = [];

export async function acquireBinaryMode(mode: BinaryMode): Promise<() => void> {
	for (;;) {
		if (switching) {
			await switching.catch(() => undefined);
			continue;
		}
		if (currentMode === mode) {
			activeRuns++;
			let released = false;
			return () => {
				if (released) return;
				released = true;
				if (--activeRuns === 0) {
					const waiters = idleWaiters;
					idleWaiters = [];
					for (const wake of waiters) wake();
				}
			};
		}
		if (activeRuns === 0) {
			switching = (async () => {
				binaryDataConfig.mode = mode;
				await binaryDataService.init();
				currentMode = mode;
			})();
			try {
				await switching;
			} finally {
				switching = undefined;
			}
			continue;
		}
		await new Promise<void>((resolve) => idleWaiters.push(resolve));
	}
}

// ---------------------------------------------------------------------------------------------------------
// Node types

/** The node's AI-tool variant, as n8n makes it at boot for a `usableAsTool` node (convertNodeToAiTool). */
export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;

function toolVariant(node: INodeType): INodeType {
	const description = {
		...node.description,
		name: `${node.description.name}Tool`,
		displayName: `${node.description.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool'],
	} as INodeType['description'];
	delete description.usableAsTool;
	return { description, methods: node.methods, execute: node.execute };
}

const plainNode = new GeminiImage();
const nodeTypeInstances: Record<string, INodeType> = { [NODE_TYPE]: plainNode, [TOOL_NODE_TYPE]: toolVariant(plainNode) };

export const nodeTypes: INodeTypes = {
	getByName(type: string) {
		const nodeType = nodeTypeInstances[type];
		if (!nodeType) throw new UnexpectedError(`Unknown node type "${type}"`);
		return nodeType;
	},
	getByNameAndVersion(type: string) {
		const nodeType = nodeTypeInstances[type];
		if (!nodeType) throw new UnexpectedError(`Unknown node type "${type}"`);
		return nodeType;
	},
	getKnownTypes() {
		return {};
	},
};

// ---------------------------------------------------------------------------------------------------------
// Credentials

const credentialTypes: Record<string, ICredentialType> = { [CREDENTIAL_TYPE]: new CometApi() };

function credentialType(name: string): ICredentialType {
	const type = credentialTypes[name];
	if (!type) throw new UnexpectedError(`Unknown credential type "${name}"`);
	return type;
}

/**
 * What n8n's CredentialsHelper does, minus the database: `getDecrypted` hands out a fresh copy of the
 * test's credentials (with the credential type's defaults for fields left out, as n8n fills them),
 * `authenticate` applies the type's `authenticate` (a function, or the generic form whose `={{ }}`
 * expressions are resolved against `$credentials` by the workflow's real expression engine).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every getDecrypted call, for tests that care which credential the node asked for. */
	readonly requests: Array<{ type: string; nodeCredentials: INodeCredentialsDetails }> = [];

	constructor(private readonly data: Record<string, TestCredentials | ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	/** n8n 2.x: our credential does not restrict itself to listed nodes (restrictToSupportedNodes). */
	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** n8n 2.x: no pre-authentication (that is for OAuth-like session credentials). */
	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const { authenticate } = credentialType(typeName);
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);

		requestOptions.headers ??= {};
		if (authenticate.type !== 'generic') return requestOptions;
		const resolve = (value: unknown): string => {
			if (!isExpression(value)) return value as string;
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value as string,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
			return resolved ? String(resolved) : '';
		};
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			const bag = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
			const into = (bag[target] ??= {});
			for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
				into[resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(_nodeCredentials: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new UnexpectedError('getCredentials is not available in the test harness');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: WorkflowExecuteMode,
		_executeData?: IExecuteData,
		_raw?: boolean,
		_expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		this.requests.push({ type, nodeCredentials });
		const stored = this.data[type];
		if (!stored) throw new UnexpectedError(`No test credentials of type "${type}"`);
		const result: ICredentialDataDecryptedObject = {};
		for (const property of credentialType(type).properties) {
			if (property.default !== undefined) result[property.name] = property.default as never;
		}
		// A field the test leaves out (or sets to undefined) keeps its default, as in a saved credential.
		for (const [key, value] of Object.entries(structuredClone(stored))) {
			if (value !== undefined) result[key] = value as ICredentialDataDecryptedObject[string];
		}
		return result;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialType(type).properties;
	}
}

// ---------------------------------------------------------------------------------------------------------
// Workflow pieces

export function makeNode(parameters: Record<string, unknown>, extra: Partial<INode> = {}): INode {
	return {
		id: '8a1f0c2e-0000-4000-8000-000000000001',
		name: NODE_NAME,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: structuredClone(parameters) as INode['parameters'],
		credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'CometAPI account' } },
		...extra,
	};
}

let executionCounter = 0;
export function nextExecutionId(): string {
	return String(++executionCounter);
}

export function makeAdditionalData(
	credentialsHelper: ICredentialsHelper,
	executionId: string,
	currentNodeParameters?: Record<string, unknown>,
): IWorkflowExecuteAdditionalData {
	const unavailable = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
	return {
		credentialsHelper,
		// n8n-core's own proxy with no secrets manager set: $secrets is empty.
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		currentNodeParameters: currentNodeParameters as IWorkflowExecuteAdditionalData['currentNodeParameters'],
		executeWorkflow: unavailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unavailable('startRunnerTask'),
	} as IWorkflowExecuteAdditionalData;
}
