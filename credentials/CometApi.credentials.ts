import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const BASE_URL_FIX =
	"Check the Base URL in this credential: it should be the API's address, such as https://api.cometapi.com, without a path.";

/** The node's messages for the same answers (status first, then how to fix it). */
const MESSAGES = {
	unauthorized: 'CometAPI answered 401 Unauthorized. Check the API key in this credential: it is missing, mistyped or revoked.',
	noCredit: 'CometAPI answered 402 Payment Required. The CometAPI account is out of credit: top it up in the CometAPI dashboard.',
	forbidden: "CometAPI answered 403 Forbidden. This key may not list models: check the key's permissions in the CometAPI dashboard.",
	notFound: `CometAPI answered 404 Not Found. ${BASE_URL_FIX}`,
	redirect: (status: number) => `CometAPI answered ${status} (a redirect to another page). ${BASE_URL_FIX}`,
	htmlPage: `CometAPI answered with an HTML page instead of the API's JSON. ${BASE_URL_FIX}`,
};

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
			description: 'Where the API lives. Change it only for a proxy or a self-hosted gateway of the same kind.',
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

	// The model list is free: a wrong key gets 401 here without spending credit. The rules give the same
	// plain words as the node's own errors (nodes/GeminiImage/api/errors.ts) instead of n8n's bare status text.
	test: ICredentialTestRequest = {
		request: {
			// The node's normalisation (api/baseUrl.ts): https:// when the scheme is missing, no trailing slash,
			// no /v1 that OpenAI-style clients ask for.
			baseURL:
				'={{ String($credentials.baseUrl || "https://api.cometapi.com").trim().replace(/^(?!https?:\\/\\/)/i, "https://").replace(/\\/+$/, "").replace(/\\/v1(beta)?$/i, "") }}',
			url: '/v1/models',
			method: 'GET',
			// n8n follows redirects and re-sends Authorization to whatever origin they point at: never here (a
			// redirect also means the Base URL points at a website, which the rules below say).
			disableFollowRedirect: true,
		},
		// n8n's type allows one kind of rule per list, but its credential tester reads each rule by its own
		// type (credentials-tester.service, n8n 1.x and 2.x): status rules on errors, body rules on success.
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: MESSAGES.unauthorized } },
			{ type: 'responseCode', properties: { value: 402, message: MESSAGES.noCredit } },
			{ type: 'responseCode', properties: { value: 403, message: MESSAGES.forbidden } },
			{ type: 'responseCode', properties: { value: 404, message: MESSAGES.notFound } },
			{ type: 'responseCode', properties: { value: 301, message: MESSAGES.redirect(301) } },
			{ type: 'responseCode', properties: { value: 302, message: MESSAGES.redirect(302) } },
			{ type: 'responseCode', properties: { value: 307, message: MESSAGES.redirect(307) } },
			{ type: 'responseCode', properties: { value: 308, message: MESSAGES.redirect(308) } },
			// A 200 whose body has no model list: a website's HTML page (n8n then holds the text, not an object).
			{ type: 'responseSuccessBody', properties: { key: 'data', value: undefined, message: MESSAGES.htmlPage } },
		] as unknown as IAuthenticateRuleResponseCode[],
	};
}
