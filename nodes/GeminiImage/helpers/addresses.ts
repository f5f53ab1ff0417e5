/**
 * Which network addresses an image URL may lead to. Pure: no DNS, no sockets. The caller checks a URL's host
 * before connecting (WHATWG `URL` has already turned decimal, octal, hex and short IPv4 spellings into dotted
 * form) and the address a response actually came from, since a host name can resolve anywhere.
 */

/** One range of addresses: an IPv4 or IPv6 address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and a prefix. */
interface Range {
	bytes: number[];
	bits: number;
}

/** `10.1.2.3` → 4 bytes; anything else (leading zeros, more or fewer parts) → undefined. */
function parseIpv4(text: string): number[] | undefined {
	const parts = text.split('.');
	if (parts.length !== 4) return undefined;
	const bytes: number[] = [];
	for (const part of parts) {
		if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
		bytes.push(Number(part));
	}
	return bytes;
}

/** An IPv6 address (`::1`, `fe80::1%eth0`, `::ffff:127.0.0.1`) → 16 bytes, or undefined. */
function parseIpv6(text: string): number[] | undefined {
	const address = text.replace(/%.*$/, '');
	if (!/^[0-9a-f:.]+$/i.test(address) || address.split('::').length > 2) return undefined;
	const groups: number[] = [];
	// A dotted IPv4 part may only hold the address's last 32 bits: at the end of the part that ends the address.
	const readGroups = (part: string, endsAddress: boolean): number[] | undefined => {
		if (part === '') return [];
		const out: number[] = [];
		const pieces = part.split(':');
		for (let i = 0; i < pieces.length; i++) {
			const piece = pieces[i];
			if (endsAddress && i === pieces.length - 1 && piece.includes('.')) {
				const v4 = parseIpv4(piece);
				if (!v4) return undefined;
				out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
			} else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
				out.push(parseInt(piece, 16));
			} else {
				return undefined;
			}
		}
		return out;
	};
	const [head, tail] = address.split('::');
	const first = readGroups(head, tail === undefined);
	const last = tail === undefined ? [] : readGroups(tail, true);
	if (!first || !last) return undefined;
	if (tail === undefined) {
		if (first.length !== 8) return undefined;
		groups.push(...first);
	} else {
		const missing = 8 - first.length - last.length;
		if (missing < 1) return undefined;
		groups.push(...first, ...new Array<number>(missing).fill(0), ...last);
	}
	return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

const V4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Any IP address text (brackets allowed) → 16 bytes, IPv4 as ::ffff:a.b.c.d; not an address → undefined. */
export function parseIp(text: string): number[] | undefined {
	const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
	const v4 = parseIpv4(bare);
	if (v4) return [...V4_MAPPED, ...v4];
	return bare.includes(':') ? parseIpv6(bare) : undefined;
}

/** `10.0.0.0/8`, `fc00::/7`, or one address (its whole prefix). */
function parseRange(text: string): Range | undefined {
	const [address, prefix, extra] = text.trim().split('/');
	if (extra !== undefined) return undefined;
	const bytes = parseIp(address);
	if (!bytes) return undefined;
	const v4 = parseIpv4(address.replace(/^\[(.*)\]$/, '$1')) !== undefined;
	const max = v4 ? 32 : 128;
	if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
	const bits = prefix === undefined ? max : Number(prefix);
	if (bits > max) return undefined;
	return { bytes, bits: v4 ? bits + 96 : bits };
}

function inRange(bytes: number[], range: Range): boolean {
	for (let bit = 0; bit < range.bits; bit += 8) {
		const take = Math.min(8, range.bits - bit);
		const mask = (0xff << (8 - take)) & 0xff;
		if ((bytes[bit / 8] & mask) !== (range.bytes[bit / 8] & mask)) return false;
	}
	return true;
}

const ranges = (list: string[]): Range[] => list.map((text) => parseRange(text) as Range);

/**
 * Addresses an image URL must not reach unless the user allows them: everything that is not a public unicast
 * address. IPv4 (also inside ::ffff:0:0/96): this network, private, carrier-grade NAT, loopback, link-local,
 * IETF and documentation blocks, benchmarking, multicast, reserved and broadcast.
 */
const NOT_PUBLIC = ranges([
	'0.0.0.0/8',
	'10.0.0.0/8',
	'100.64.0.0/10',
	'127.0.0.0/8',
	'169.254.0.0/16',
	'172.16.0.0/12',
	'192.0.0.0/24',
	'192.0.2.0/24',
	'192.88.99.0/24',
	'192.168.0.0/16',
	'198.18.0.0/15',
	'198.51.100.0/24',
	'203.0.113.0/24',
	'224.0.0.0/4',
	'240.0.0.0/4',
	// IPv6: unspecified, loopback and the old IPv4-compatible block, NAT64 for local use, discard, IETF
	// protocol assignments (Teredo among them), documentation, unique local, link-local, site-local, multicast.
	'::/96',
	'64:ff9b:1::/48',
	'100::/64',
	'2001::/23',
	'2001:db8::/32',
	'fc00::/7',
	'fe80::/10',
	'fec0::/10',
	'ff00::/8',
]);

/** IPv6 prefixes that carry an IPv4 address, which then decides: [prefix, byte offset of the IPv4 address]. */
const EMBEDS_IPV4: Array<[Range, number]> = [
	[parseRange('::ffff:0:0/96') as Range, 12],
	[parseRange('64:ff9b::/96') as Range, 12],
	[parseRange('2002::/16') as Range, 2],
];

/** Whether an address (any spelling `parseIp` reads) is a public unicast one. Not an address: false. */
function isPublicAddress(text: string): boolean {
	let bytes = parseIp(text);
	if (!bytes) return false;
	for (const [prefix, at] of EMBEDS_IPV4) {
		if (inRange(bytes, prefix)) {
			bytes = [...V4_MAPPED, ...bytes.slice(at, at + 4)];
			break;
		}
	}
	const address = bytes;
	return !NOT_PUBLIC.some((range) => inRange(address, range));
}

/** What a user allows on purpose: host names (`nas.local`, `*.corp.example`) and address ranges. */
export interface AllowList {
	names: string[];
	ranges: Range[];
}

export const NOTHING_ALLOWED: AllowList = { names: [], ranges: [] };

/** A comma or line separated list; `invalid` holds the entries that are neither a host name nor a range. */
export function parseAllowList(text: string): { allow: AllowList; invalid: string[] } {
	const allow: AllowList = { names: [], ranges: [] };
	const invalid: string[] = [];
	for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
		const range = parseRange(entry);
		if (range) allow.ranges.push(range);
		else if (/^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.?$/i.test(entry))
			allow.names.push(entry.toLowerCase().replace(/\.$/, ''));
		else invalid.push(entry);
	}
	return { allow, invalid };
}

/** Whether a URL's host name (as `URL.hostname` gives it) is allowed by name. */
export function nameAllowed(hostname: string, allow: AllowList): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return allow.names.some((name) => (name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name));
}

/** Whether an address may be reached: public, or in a range the user allows. */
export function addressAllowed(address: string, allow: AllowList): boolean {
	if (isPublicAddress(address)) return true;
	const bytes = parseIp(address);
	return !!bytes && allow.ranges.some((range) => inRange(bytes, range));
}
