'use strict';
// What the browser suite puts around n8n: a website where a Base URL might wrongly point, HTTPS in front of the
// emulator (a Base URL typed without a scheme), and the words the credential's Test button must show.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const tls = require('node:tls');

/** A server that answers every path with a web page: a Base URL pointing at a website, not the API. */
function startHtmlSite() {
	const server = http.createServer((req, res) =>
		res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome</body></html>'),
	);
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * HTTPS in front of the emulator, with a certificate for 127.0.0.1 that n8n trusts (NODE_EXTRA_CA_CERTS): a
 * Base URL typed without a scheme ("127.0.0.1:PORT") must reach it both from the node and from the Test button.
 */
function startTlsProxy(dir, targetPort) {
	fs.mkdirSync(dir, { recursive: true });
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	const res = spawnSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:P-256',
			'-nodes',
			'-keyout',
			key,
			'-out',
			cert,
			'-days',
			'2',
			'-subj',
			'/CN=127.0.0.1',
			'-addext',
			'subjectAltName=IP:127.0.0.1',
		],
		{ encoding: 'utf8' },
	);
	if (res.status !== 0) throw new Error(`openssl could not make a test certificate: ${res.stderr}`);
	const server = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (socket) => {
		const upstream = net.connect(targetPort, '127.0.0.1');
		socket.pipe(upstream).pipe(socket);
		socket.on('error', () => upstream.destroy());
		upstream.on('error', () => socket.destroy());
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, cert, port: server.address().port })));
}

const BASE_URL_FIX =
	"Check the Base URL in this credential: it should be the API's address, such as https://api.cometapi.com, without a path.";

/** What the credential's Test button must say in n8n `line` (the node's own words for the same answers). */
function credentialMessages(line) {
	const messages = {
		unauthorized: 'CometAPI answered 401 Unauthorized. Check the API key in this credential: it is missing, mistyped or revoked.',
		notFound: `CometAPI answered 404 Not Found. ${BASE_URL_FIX}`,
		htmlPage: `CometAPI answered with an HTML page instead of the API's JSON. ${BASE_URL_FIX}`,
	};
	// n8n 1.x: its credential tester never sees the HTTP status of a failed test request (n8n-workflow 1.x's
	// ExecutionBaseError declares a `cause` class field, which wipes the axios error NodeApiError was given), so
	// it applies no status rule and shows NodeApiError's own words. A body rule (the HTML page) still works there.
	if (line === '1') {
		messages.unauthorized = 'Authorization failed - please check your credentials';
		messages.notFound = 'The resource you are requesting could not be found';
	}
	return messages;
}

module.exports = { startHtmlSite, startTlsProxy, credentialMessages };
