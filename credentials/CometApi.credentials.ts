import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class CometApi implements ICredentialType {
	name = 'cometApi';

	displayName = 'CometAPI API';

	icon = { light: 'file:cometapi.svg', dark: 'file:cometapi.dark.svg' } as const;

	documentationUrl = 'https://github.com/cometapi/n8n-nodes-cometapi#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your CometAPI key (starts with sk-), from the CometAPI dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.cometapi.com',
			placeholder: 'e.g. https://api.cometapi.com',
			description:
				'Where the API lives. Change it only for a proxy or a self-hosted gateway of the same kind.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// The model list is free: a wrong key gets 401 here without spending credit.
	test: ICredentialTestRequest = {
		request: {
			// Same normalisation as the node: no trailing slash, no /v1 that OpenAI-style clients ask for.
			baseURL:
				'={{ String($credentials.baseUrl || "https://api.cometapi.com").trim().replace(/\\/+$/, "").replace(/\\/v1(beta)?$/i, "") }}',
			url: '/v1/models',
			method: 'GET',
			// n8n follows redirects and re-sends Authorization to whatever origin they point at: never here.
			disableFollowRedirect: true,
		},
	};
}
