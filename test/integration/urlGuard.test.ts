/**
 * Which addresses image URLs may reach: as an AI Agent's tool (the AI model writes the URLs) and by default in
 * version 2, only public ones, checked on the URL before connecting, on the address the answer came from and on
 * every redirect. Every server here listens on loopback and counts what it gets; literal private addresses
 * (10.x...) are refused before any packet is sent. Loopback stands for "internal": what is allowed is allowed
 * through Allowed Private Hosts.
 */
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';

import { MAX_REDIRECTS } from '../../nodes/GeminiImage/transport/download';
import { images, useEmulator } from './setup';

/**
 * A tripwire, not a stand-in: should the node ever try to connect to a non-loopback address (a broken check),
 * the connection is ended here before a packet leaves, and the test fails. The node's own refusal comes first.
 */
const tripped: string[] = [];
const realConnect = net.Socket.prototype.connect;
const isLoopback = (host: string) => /^(localhost|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/i.test(host.replace(/^\[|\]$/g, ''));
beforeAll(() => {
	net.Socket.prototype.connect = function (this: Socket, ...args: any[]) {
		const first = Array.isArray(args[0]) ? args[0][0] : args[0];
		const host =
			typeof first === 'object' && first ? (first.path ? 'localhost' : String(first.host ?? 'localhost')) : String(args[1] ?? 'localhost');
		if (isLoopback(host)) return (realConnect as any).apply(this, args);
		tripped.push(host);
		queueMicrotask(() => this.destroy(new Error('test tripwire: a connection to a non-loopback address')));
		return this;
	} as typeof realConnect;
});
afterEach(() => expect(tripped.splice(0)).toEqual([]));
afterAll(() => {
	net.Socket.prototype.connect = realConnect;
});

const t = useEmulator();
const model = { __rl: true, mode: 'id', value: 'gemini-3-pro-image' };
const photo = images.solidPng(20, 10, [30, 60, 90]);

interface Counted {
	server: Server;
	port: number;
	hits: string[];
	url: (path?: string, host?: string) => string;
}

const servers: Counted[] = [];
const sockets = new Set<Socket>();

/** A loopback server that counts its requests; `handle` answers them (default: the photo). */
async function serve(host: string, handle?: (req: IncomingMessage, res: ServerResponse, self: Counted) => void): Promise<Counted> {
	const self = { hits: [] as string[] } as Counted;
	self.server = createServer((req, res) => {
		self.hits.push(req.url ?? '');
		if (handle) return handle(req, res, self);
		res.writeHead(200, { 'content-type': 'image/png' }).end(photo.buffer);
	});
	self.server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => self.server.listen(0, host, resolve));
	self.port = (self.server.address() as AddressInfo).port;
	self.url = (path = '/photo.png', name = host) => `http://${name}:${self.port}${path}`;
	servers.push(self);
	return self;
}

afterAll(async () => {
	for (const socket of sockets) socket.destroy();
	await Promise.all(servers.map((s) => new Promise((resolve) => s.server.close(resolve))));
});

const generations = () => t.emu.requests.filter((r: any) => r.route === 'native' || r.route === 'chat');
const tool = (args: Record<string, unknown>, requestSettings: object = {}, typeVersion = 2) =>
	t.run({
		typeVersion,
		tool: true,
		parameters:
			typeVersion === 2
				? { operation: 'imageToImage', model, requestSettings }
				: { operation: 'imageToImage', model, prompt: 'x', binaryPropertyNames: '', options: { imageUrls: args.imageUrls } },
		items: [{ json: args }],
	});
const plain = (imageUrls: string, requestSettings: object = {}) =>
	t.run({
		typeVersion: 2,
		parameters: { operation: 'imageToImage', model, prompt: 'edit', inputImages: 'url', imageUrls, requestSettings },
	});

const REFUSAL = (url: string) =>
	`Did not download the input image ${url}: it is not a public address, or it could not be reached to check [item 0]`;
/** The refusal with its URL taken out: what must be the same for every refused target. */
const withoutUrl = (error: any) => [String(error?.message).replace(/image \S+:/, 'image URL:'), error?.description];

describe('as an AI Agent tool', () => {
	let target: Counted;
	beforeAll(async () => {
		target = await serve('127.0.0.1');
	});
	beforeEach(() => (target.hits.length = 0));

	it('a loopback address is refused with the same words as 10.0.0.1, and never contacted', async () => {
		const loopback = await tool({ prompt: 'x', imageUrls: target.url() });
		const privateNet = await tool({ prompt: 'x', imageUrls: 'http://10.0.0.1/photo.png' });
		expect(loopback.error?.message).toBe(REFUSAL(target.url()));
		expect(privateNet.error?.message).toBe(REFUSAL('http://10.0.0.1/photo.png'));
		expect(withoutUrl(loopback.error)).toEqual(withoutUrl(privateNet.error));
		expect((loopback.error as any).description).toMatch(/Allowed Private Hosts/);
		expect(target.hits).toHaveLength(0);
		expect(generations()).toHaveLength(0);
	});

	it.each([
		['decimal', (p: number) => `http://2130706433:${p}/photo.png`],
		['octal', (p: number) => `http://0177.0.0.1:${p}/photo.png`],
		['hex, short', (p: number) => `http://0x7f.1:${p}/photo.png`],
		['short', (p: number) => `http://127.1:${p}/photo.png`],
		['IPv4-mapped IPv6', (p: number) => `http://[::ffff:127.0.0.1]:${p}/photo.png`],
		['IPv6 loopback', (p: number) => `http://[::1]:${p}/photo.png`],
		['unspecified', (p: number) => `http://0.0.0.0:${p}/photo.png`],
		['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
		['carrier-grade NAT', () => 'http://100.64.0.1/photo.png'],
		['IPv6 unique local', () => 'http://[fd00::1]/photo.png'],
	])('%s spelling: refused before connecting', async (_name, url) => {
		const result = await tool({ prompt: 'x', imageUrls: url(target.port) });
		expect(withoutUrl(result.error)).toEqual(withoutUrl({ message: REFUSAL('x'), description: (result.error as any)?.description }));
		expect(result.error?.message).toMatch(/it is not a public address/);
		expect(target.hits).toHaveLength(0);
	});

	it('a host name that leads to loopback is refused too, its answer unread and nothing sent to the gateway', async () => {
		const result = await tool({ prompt: 'x', imageUrls: target.url('/photo.png', 'localhost') });
		expect(result.error?.message).toBe(REFUSAL(target.url('/photo.png', 'localhost')));
		// The request went out (a name can only be checked where it leads), the answer was never read.
		expect(target.hits).toEqual(['/photo.png']);
		expect(generations()).toHaveLength(0);
	});

	it('refused targets look alike whether they answer, refuse the connection or stay silent', async () => {
		const closed = await serve('127.0.0.1');
		await new Promise((resolve) => closed.server.close(resolve));
		const silent = await serve('127.0.0.1', () => undefined);
		const settings = { timeout: 0.5 };
		const answers = await tool({ prompt: 'x', imageUrls: target.url('/photo.png', 'localhost') }, settings);
		const refuses = await tool({ prompt: 'x', imageUrls: closed.url('/photo.png', 'localhost') }, settings);
		const stays = await tool({ prompt: 'x', imageUrls: silent.url('/photo.png', 'localhost') }, settings);
		expect(answers.error?.message).toMatch(/it is not a public address/);
		expect(withoutUrl(refuses.error)).toEqual(withoutUrl(answers.error));
		expect(withoutUrl(stays.error)).toEqual(withoutUrl(answers.error));
	}, 30_000);

	it('Allowed Private Hosts opens what it names, by address or by name, and nothing else', async () => {
		const byAddress = await tool({ prompt: 'x', imageUrls: target.url() }, { allowedPrivateHosts: '127.0.0.1/32' });
		expect(byAddress.error).toBeUndefined();
		expect(generations()[0].imagesReceived.map((i: any) => i.sha256)).toEqual([photo.sha256]);
		const byName = await tool(
			{ prompt: 'x', imageUrls: target.url('/photo.png', 'localhost') },
			{ allowedPrivateHosts: 'nas.local, localhost' },
		);
		expect(byName.error).toBeUndefined();
		expect(target.hits).toEqual(['/photo.png', '/photo.png']);
		const other = await tool({ prompt: 'x', imageUrls: target.url() }, { allowedPrivateHosts: '10.0.0.0/8, localhost' });
		expect(other.error?.message).toBe(REFUSAL(target.url()));
		expect(target.hits).toHaveLength(2);
	});

	it('Image URL Access: Any Address does not open a tool run', async () => {
		const result = await tool({ prompt: 'x', imageUrls: target.url() }, { imageUrlAccess: 'any' });
		expect(result.error?.message).toBe(REFUSAL(target.url()));
		expect(target.hits).toHaveLength(0);
	});

	it('version 1 as a tool refuses as well', async () => {
		const result = await tool({ prompt: 'x', imageUrls: target.url() }, {}, 1);
		expect(result.error?.message).toBe(REFUSAL(target.url()));
		expect(target.hits).toHaveLength(0);
	});

	it('an entry that is neither a host nor a range is named before anything is fetched', async () => {
		const result = await tool({ prompt: 'x', imageUrls: target.url() }, { allowedPrivateHosts: '127.0.0.1, http://nas/' });
		expect(result.error?.message).toBe(
			'Allowed Private Hosts has "http://nas/", which is neither a host name nor an address range [item 0]',
		);
		expect(target.hits).toHaveLength(0);
	});
});

describe('redirects', () => {
	let inside: Counted;
	beforeAll(async () => {
		// The "internal" server: 127.0.0.2, which the allowed 127.0.0.1/32 does not cover.
		inside = await serve('127.0.0.2');
	});
	beforeEach(() => (inside.hits.length = 0));

	const redirector = async (to: (self: Counted, hop: number) => string) =>
		await serve('127.0.0.1', (req, res, self) => {
			const hop = Number(/\/r(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
			if (req.url === '/photo.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(photo.buffer);
			res.writeHead(302, { location: to(self, hop) }).end();
		});
	const allowed = { allowedPrivateHosts: '127.0.0.1/32' };

	it('a redirect from an allowed server to an address that is not allowed is refused; the target gets nothing', async () => {
		const start = await redirector(() => inside.url());
		const result = await tool({ prompt: 'x', imageUrls: start.url('/r0') }, allowed);
		expect(result.error?.message).toBe(REFUSAL(start.url('/r0')));
		expect(start.hits).toEqual(['/r0']);
		expect(inside.hits).toHaveLength(0);
		expect(generations()).toHaveLength(0);
	});

	it('so is a chain that gets there on a later hop, in any spelling', async () => {
		const start = await redirector((self, hop) => (hop < 2 ? self.url(`/r${hop + 1}`) : `http://0x7f.0.0.2:${inside.port}/photo.png`));
		const result = await plain(start.url('/r0'), allowed);
		expect(result.error?.message).toBe(REFUSAL(start.url('/r0')));
		expect(start.hits).toEqual(['/r0', '/r1', '/r2']);
		expect(inside.hits).toHaveLength(0);
	});

	it(`${MAX_REDIRECTS} redirects are followed, one more is not`, async () => {
		const start = await redirector((self, hop) => (hop + 1 < MAX_REDIRECTS ? self.url(`/r${hop + 1}`) : self.url('/photo.png')));
		const fine = await plain(start.url('/r0'), allowed);
		expect(fine.error).toBeUndefined();
		expect(start.hits).toHaveLength(MAX_REDIRECTS + 1);
		const long = await redirector((self, hop) => (hop < MAX_REDIRECTS ? self.url(`/r${hop + 1}`) : self.url('/photo.png')));
		const tooMany = await plain(long.url('/r0'), allowed);
		expect(tooMany.error?.message).toBe(
			`Could not download the input image ${long.url('/r0')}: it redirected more than ${MAX_REDIRECTS} times [item 0]`,
		);
		expect(long.hits).toHaveLength(MAX_REDIRECTS + 1);
	});

	it('never to another scheme', async () => {
		const start = await redirector(() => 'file:///etc/passwd');
		const result = await plain(start.url('/r0'), { imageUrlAccess: 'any' });
		expect(result.error?.message).toBe(
			`Could not download the input image ${start.url('/r0')}: it redirected to a link that is not http(s) [item 0]`,
		);
	});
});

describe('the plain node (version 2): the author chooses', () => {
	let target: Counted;
	beforeAll(async () => {
		target = await serve('127.0.0.1');
	});
	beforeEach(() => (target.hits.length = 0));

	it('Public Addresses Only by default', async () => {
		const result = await plain(target.url());
		expect(result.error?.message).toBe(REFUSAL(target.url()));
		expect(target.hits).toHaveLength(0);
	});

	it('Any Address fetches from the own network', async () => {
		const result = await plain(target.url(), { imageUrlAccess: 'any' });
		expect(result.error).toBeUndefined();
		expect(generations()[0].imagesReceived.map((i: any) => i.sha256)).toEqual([photo.sha256]);
		expect(target.hits).toEqual(['/photo.png']);
	});
});

describe('one download, hop by hop (Any Address)', () => {
	const any = { imageUrlAccess: 'any' };
	const fail = (url: string, why: string) => `Could not download the input image ${url}: ${why} [item 0]`;
	let site: Counted;
	beforeAll(async () => {
		site = await serve('127.0.0.1', (req, res) => {
			const png = { 'content-type': 'image/png' };
			if (req.url === '/ok-with-location') return void res.writeHead(200, { ...png, location: '/elsewhere' }).end(photo.buffer);
			if (req.url === '/400-with-location') return void res.writeHead(400, { location: '/photo.png' }).end('bad request');
			if (req.url === '/300-with-location') return void res.writeHead(300, { location: '/photo.png' }).end();
			if (req.url === '/300-without-location') return void res.writeHead(300, png).end(photo.buffer);
			if (req.url === '/silent') return; // never answers
			res.writeHead(200, png).end(photo.buffer);
		});
	});
	beforeEach(() => (site.hits.length = 0));

	it('a 2xx answer is the image even when it carries a Location header', async () => {
		const result = await plain(site.url('/ok-with-location'), any);
		expect(result.error).toBeUndefined();
		expect(generations()[0].imagesReceived.map((i: any) => i.sha256)).toEqual([photo.sha256]);
		expect(site.hits).toEqual(['/ok-with-location']);
	});

	it('a 400 with a Location header is an answer to report, not a redirect to follow', async () => {
		const result = await plain(site.url('/400-with-location'), any);
		expect(result.error?.message).toBe(fail(site.url('/400-with-location'), 'the server answered 400'));
		expect(site.hits).toEqual(['/400-with-location']);
	});

	it('a 300 with a Location is followed; a 300 without one is reported, its body unused', async () => {
		const followed = await plain(site.url('/300-with-location'), any);
		expect(followed.error).toBeUndefined();
		expect(site.hits).toEqual(['/300-with-location', '/photo.png']);
		const kept = await plain(site.url('/300-without-location'), any);
		expect(kept.error?.message).toBe(fail(site.url('/300-without-location'), 'the server answered 300'));
		expect(site.hits).toEqual(['/300-with-location', '/photo.png', '/300-without-location']);
		expect(generations()).toHaveLength(1);
	});

	it('cancelling the execution while a server has not answered yet says so', async () => {
		const controller = new AbortController();
		// Cancel once the server has the request (a fixed delay could come before it on a busy machine); bounded.
		const cancelWhenAsked = (async () => {
			for (let i = 0; i < 500 && !site.hits.includes('/silent'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
			controller.abort();
		})();
		const result = await t.run({
			typeVersion: 2,
			parameters: {
				operation: 'imageToImage',
				model,
				prompt: 'edit',
				inputImages: 'url',
				imageUrls: site.url('/silent'),
				requestSettings: any,
			},
			abortSignal: controller.signal,
		});
		await cancelWhenAsked;
		expect(result.error?.message).toBe(fail(site.url('/silent'), 'the execution was cancelled'));
		expect(site.hits).toEqual(['/silent']);
	}, 20_000);
});

describe('redirects between https and http (Any Address)', () => {
	// A self-signed certificate for 127.0.0.1, made for these tests only (valid until 2126). n8n's helper verifies
	// certificates and offers no way to add one, so while this block runs, a TLS connection to this file's own
	// https server trusts that certificate as well (verification stays on); every request goes to loopback.
	const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgoFeg+jR6UcJT0kaW
iFiOIkUPKzzdbTKU6ikKg/e5fTihRANCAAT1wnxueG/cZYv2OgB4QlnXjDynCin/
j+M2j9bPfRhiZXRbmW8bgEVHow1tFhZw/cjXVjZBsdZsJqZH9bNQWaBW
-----END PRIVATE KEY-----`;
	const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUT9JwjtyxRcpxEPMyu4V69nZsn98wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwNTEwMjkzMVoYDzIxMjYxMTEx
MTAyOTMxWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT1wnxueG/cZYv2OgB4QlnXjDynCin/j+M2j9bPfRhiZXRbmW8bgEVH
ow1tFhZw/cjXVjZBsdZsJqZH9bNQWaBWo2QwYjAdBgNVHQ4EFgQUBRSxtv4FP63B
RGzNxUNhvo9YttcwHwYDVR0jBBgwFoAUBRSxtv4FP63BRGzNxUNhvo9YttcwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IF1mwqAEAW7FEgq/inAu4sJr2gWZoRGokUUo7yqheMqfAiAMTX2Vh3PZhh587p0T
Ov0p6pz95YsKvvJOEvhoHeMvjA==
-----END CERTIFICATE-----`;
	const any = { imageUrlAccess: 'any' };
	let plainSite: Counted;
	let secure: { port: number; hits: string[]; close: () => Promise<void> };
	const realTlsConnect = tls.connect;
	const secureUrl = (path: string) => `https://127.0.0.1:${secure.port}${path}`;
	beforeAll(async () => {
		(tls as { connect: unknown }).connect = function (...args: any[]) {
			const options = args.find((a) => typeof a === 'object' && a !== null) as tls.ConnectionOptions | undefined;
			if (options && Number(options.port) === secure?.port && options.ca === undefined) options.ca = TLS_CERT;
			return (realTlsConnect as any).apply(this, args);
		};
		plainSite = await serve('127.0.0.1');
		const hits: string[] = [];
		const server = createHttpsServer({ key: TLS_KEY, cert: TLS_CERT }, (req, res) => {
			hits.push(req.url ?? '');
			if (req.url === '/to-http') return void res.writeHead(302, { location: plainSite.url() }).end();
			if (req.url === '/to-https') return void res.writeHead(302, { location: secureUrl('/photo.png') }).end();
			res.writeHead(200, { 'content-type': 'image/png' }).end(photo.buffer);
		});
		server.on('connection', (socket: Socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		secure = {
			port: (server.address() as AddressInfo).port,
			hits,
			close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
		};
	});
	afterAll(async () => {
		(tls as { connect: unknown }).connect = realTlsConnect;
		for (const socket of sockets) socket.destroy();
		await secure.close();
	});
	beforeEach(() => {
		plainSite.hits.length = 0;
		secure.hits.length = 0;
	});

	it('from https to https is followed', async () => {
		const result = await plain(secureUrl('/to-https'), any);
		expect(result.error).toBeUndefined();
		expect(generations()[0].imagesReceived.map((i: any) => i.sha256)).toEqual([photo.sha256]);
		expect(secure.hits).toEqual(['/to-https', '/photo.png']);
	});

	it('from https down to plain http is not: the http server gets nothing', async () => {
		const result = await plain(secureUrl('/to-http'), any);
		expect(result.error?.message).toBe(
			`Could not download the input image ${secureUrl('/to-http')}: it redirected from https to plain http [item 0]`,
		);
		expect(secure.hits).toEqual(['/to-http']);
		expect(plainSite.hits).toHaveLength(0);
		expect(generations()).toHaveLength(0);
	});
});
