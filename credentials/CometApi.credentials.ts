import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { credentialProblem } from '../nodes/GeminiImage/helpers/credentialChecks';

const BASE_URL_FIX =
	"Check the Base URL in this credential: it should be the API's address, such as https://api.cometapi.com, without a path.";

const GATEWAY_FIX = 'The gateway may be down: try again in a moment, and check the Base URL.';

const HTML_PAGE = `CometAPI answered with an HTML page instead of the API's JSON. ${BASE_URL_FIX}`;

const redirect = (status: number) => `CometAPI answered ${status} (a redirect to another page). ${BASE_URL_FIX}`;

/** The node's words for the same answers (see helpers/errors.ts). */
const RULE_STATUSES: Record<number, string> = {
	301: redirect(301),
	302: redirect(302),
	307: redirect(307),
	308: redirect(308),
	401: 'CometAPI answered 401 Unauthorized. Check the API key in this credential: it is missing, mistyped or revoked.',
	402: 'CometAPI answered 402 Payment Required. The CometAPI account is out of credit: top it up in the CometAPI dashboard.',
	403: "CometAPI answered 403 Forbidden. This key may not list models: check the key's permissions in the CometAPI dashboard.",
	404: `CometAPI answered 404 Not Found. ${BASE_URL_FIX}`,
};

/**
 * One rule for every status from 300 to 599, ours first: without a rule n8n shows the answer's own status
 * text, which a gateway writes (and may fill with the key it was sent).
 */
function statusRules(): Array<{ type: 'responseCode'; properties: { value: number; message: string } }> {
	const rule = (status: number, message: string) => ({ type: 'responseCode' as const, properties: { value: status, message } });
	const rules = Object.entries(RULE_STATUSES).map(([status, message]) => rule(Number(status), message));
	for (let status = 300; status < 600; status++) {
		if (status in RULE_STATUSES) continue;
		rules.push(rule(status, `CometAPI answered ${status}. ${status >= 500 ? GATEWAY_FIX : BASE_URL_FIX}`));
	}
	return rules;
}

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

	/**
	 * `Authorization: Bearer <key>`, for the node, the Test button and the HTTP Request node. A function, not the
	 * generic form, so that a Base URL with user:pass@ and a key no header can carry are refused before sending.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const problem = credentialProblem(credentials);
		if (problem) throw new Error(`${problem.message}. ${problem.fix}`);
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` } };
	}

	// The model list is free: a wrong key gets 401 here without spending credit.
	test: ICredentialTestRequest = {
		request: {
			// normalizeBaseUrl's rules (helpers/credentialChecks.ts).
			baseURL:
				'={{ String($credentials.baseUrl || "https://api.cometapi.com").trim().replace(/^(?!https?:\\/\\/)/i, "https://").replace(/\\/+$/, "").replace(/\\/v1(beta)?$/i, "").replace(/\\/+$/, "") }}',
			url: '/v1/models',
			method: 'GET',
			// n8n follows redirects and re-sends Authorization to whatever origin they point at: never here (a
			// redirect also means the Base URL points at a website, which the rules below say).
			disableFollowRedirect: true,
		},
		// n8n's type allows one kind of rule per list, but its credential tester reads each rule by its own
		// type (credentials-tester.service, n8n 1.x and 2.x): status rules on errors, body rules on success.
		rules: [
			...statusRules(),
			// A 200 whose body has no model list: a website's HTML page (n8n then holds the text, not an object).
			{ type: 'responseSuccessBody', properties: { key: 'data', value: undefined, message: HTML_PAGE } },
		] as unknown as IAuthenticateRuleResponseCode[],
	};
}
