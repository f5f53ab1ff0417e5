'use strict';
// The baseline: what a developer would write with a plain HTTP client (axios) for the same work the node
// does: one generateContent call per item, the same request body (prompt + input images as base64), the
// same concurrency, the answer's image decoded from base64 into a Buffer, the Buffers kept until the end
// (as the node keeps its output items).

const http = require('node:http');

const axios = require('axios');

// n8n-core's HTTP helper makes a new http.Agent for every request (no connection reuse); for the diagnostic
// contender that does the same.
const noKeepAlive = () => new http.Agent({ keepAlive: false });

const { pool } = require('./util');

function body(prompt, images) {
	const parts = [{ text: prompt }];
	for (const image of images || []) parts.push({ inlineData: { mimeType: image.mimeType, data: image.data.toString('base64') } });
	return { contents: [{ role: 'user', parts }] };
}

/**
 * opts: {baseUrl, apiKey, model, prompts: string[], images?: (i) => [{data: Buffer, mimeType}], concurrency,
 *   keepAlive (default true: axios's default on Node 20+, whose global agent keeps connections alive)}
 * Resolves {images: Buffer[], errors}.
 */
async function runPlain({ baseUrl, apiKey, model = 'gemini-2.5-flash-image', prompts, images, concurrency, keepAlive = true }) {
	const out = new Array(prompts.length);
	let errors = 0;
	const url = `${baseUrl}/v1beta/models/${model}:generateContent`;
	await pool(prompts.length, concurrency, async (i) => {
		try {
			const res = await axios.post(url, body(prompts[i], images ? images(i) : []), {
				headers: { Authorization: `Bearer ${apiKey}` },
				maxContentLength: Infinity,
				maxBodyLength: Infinity,
				...(keepAlive ? {} : { httpAgent: noKeepAlive() }),
			});
			const parts = res.data.candidates[0].content.parts;
			const part = parts.find((p) => p.inlineData && p.inlineData.data);
			out[i] = Buffer.from(part.inlineData.data, 'base64');
		} catch {
			errors++;
		}
	});
	return { images: out, errors };
}

module.exports = { runPlain, body };
