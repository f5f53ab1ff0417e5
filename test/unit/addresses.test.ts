/** Which addresses an image URL may reach (helpers/addresses.ts), whatever their spelling. */
import { addressAllowed, nameAllowed, NOTHING_ALLOWED, parseAllowList, parseIp } from '../../nodes/GeminiImage/helpers/addresses';

/** Whether an address is public: what addressAllowed lets through with nothing allowed on purpose. */
const isPublicAddress = (address: string) => addressAllowed(address, NOTHING_ALLOWED);

/** The host a URL names, as the node sees it: WHATWG URL rewrites numeric IPv4 spellings. */
const hostOf = (spelling: string) => new URL(`http://${spelling}/x.png`).hostname;

describe('refused: every spelling of a non-public address', () => {
	it.each([
		['127.0.0.1'],
		['2130706433'], // decimal
		['0177.0.0.1'], // octal
		['0x7f.1'], // hex, short
		['0x7f000001'],
		['127.1'], // short
		['127.255.255.254'],
		['0'],
		['0.0.0.0'],
		['10.0.0.1'],
		['012.0.0.1'], // octal 10
		['167772161'], // 10.0.0.1
		['172.16.0.1'],
		['172.31.255.255'],
		['192.168.1.1'],
		['169.254.169.254'], // cloud metadata
		['0xa9.0xfe.0xa9.0xfe'],
		['100.64.0.1'], // carrier-grade NAT
		['100.127.255.255'],
		['192.0.0.8'],
		['192.0.2.1'],
		['198.18.0.1'],
		['198.51.100.7'],
		['203.0.113.9'],
		['224.0.0.1'], // multicast
		['239.255.255.250'],
		['240.0.0.1'],
		['255.255.255.255'], // broadcast
		['[::1]'],
		['[::]'],
		['[0:0:0:0:0:0:0:1]'],
		['[::ffff:127.0.0.1]'],
		['[::ffff:7f00:1]'],
		['[::ffff:10.0.0.1]'],
		['[::ffff:169.254.169.254]'],
		['[::127.0.0.1]'], // IPv4-compatible, deprecated
		['[64:ff9b::a00:1]'], // NAT64 of 10.0.0.1
		['[64:ff9b:1::1]'],
		['[2002:7f00:1::]'], // 6to4 of 127.0.0.1
		['[2001:db8::1]'],
		['[2001::1]'], // Teredo
		['[fc00::1]'],
		['[fd12:3456::1]'], // unique local
		['[fe80::1]'], // link-local
		['[febf::1]'],
		['[fec0::1]'],
		['[ff02::1]'], // multicast
		['[100::1]'],
	])('%s', (spelling) => {
		const host = hostOf(spelling);
		// read as an address (16 bytes), not as a name
		expect(parseIp(host)).toHaveLength(16);
		expect(isPublicAddress(host)).toBe(false);
		expect(addressAllowed(host, NOTHING_ALLOWED)).toBe(false);
	});

	it.each([['::ffff:127.0.0.1'], ['fe80::1%eth0'], ['::1'], ['10.1.2.3']])('as a socket reports it: %s', (address) => {
		expect(isPublicAddress(address)).toBe(false);
	});
});

describe('passes: public addresses', () => {
	it.each([
		['8.8.8.8'],
		['1.1.1.1'],
		['93.184.216.34'],
		['100.63.255.255'], // just below carrier-grade NAT
		['100.128.0.0'], // just above
		['172.15.255.255'],
		['172.32.0.0'],
		['192.169.0.1'],
		['169.253.255.255'],
		['11.0.0.1'],
		['223.255.255.255'],
		['134744072'], // 8.8.8.8 in decimal
		['[2606:4700:4700::1111]'],
		['[2a00:1450:4001::200e]'],
		['[::ffff:8.8.8.8]'],
		['[64:ff9b::808:808]'], // NAT64 of 8.8.8.8
		['[2002:808:808::]'], // 6to4 of 8.8.8.8
	])('%s', (spelling) => {
		const host = hostOf(spelling);
		expect(isPublicAddress(host)).toBe(true);
		expect(addressAllowed(host, NOTHING_ALLOWED)).toBe(true);
	});

	it('host names are no addresses: they are checked where they lead', () => {
		for (const name of ['localhost', 'example.com', 'nas.local', '1.2.3.4.example']) {
			expect(parseIp(name)).toBeUndefined();
			expect(isPublicAddress(name)).toBe(false);
		}
	});

	it('text that only looks like an address is none', () => {
		for (const text of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '::1::', '1:2:3:4:5:6:7:8:9', 'fe80::g', ':::', '']) {
			expect(parseIp(text)).toBeUndefined();
		}
	});
});

/** Eight 16-bit groups as the 16 bytes parseIp gives: each group high byte first. */
const groups = (...values: number[]) => values.flatMap((value) => [value >> 8, value & 0xff]);

describe('IPv6 as a socket or an allow list spells it (URL normalises only what it reads)', () => {
	it('eight groups without :: are an address', () => {
		expect(parseIp('2606:4700:4700:0:0:0:0:1111')).toEqual(groups(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111));
	});

	it('fewer than eight groups without :: are none', () => {
		expect(parseIp('1:2:3')).toBeUndefined();
	});

	it(':: may stand for a single zero group, at the end or at the start', () => {
		expect(parseIp('1:2:3:4:5:6:7::')).toEqual(groups(1, 2, 3, 4, 5, 6, 7, 0));
		expect(parseIp('::2:3:4:5:6:7:8')).toEqual(groups(0, 2, 3, 4, 5, 6, 7, 8));
	});

	it(':: with eight groups or more beside it is none', () => {
		expect(parseIp('1:2:3:4::5:6:7:8')).toBeUndefined();
		expect(parseIp('1:2:3:4:5::6:7:8:9')).toBeUndefined();
	});

	it('a group has at most four hex digits', () => {
		expect(parseIp('::12345')).toBeUndefined();
		expect(parseIp('::1:10000')).toBeUndefined();
	});

	it('a dotted IPv4 address only as the last two groups, and only a whole one', () => {
		expect(parseIp('::ffff:1.2.3.4')).toEqual(groups(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304));
		expect(parseIp('0:0:0:0:0:ffff:1.2.3.4')).toEqual(groups(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304));
		expect(parseIp('::1.2.3.4:5')).toBeUndefined();
		expect(parseIp('::ffff:1.2.3')).toBeUndefined();
	});

	it('a zone (a link-local address from a socket) is dropped, however long its name', () => {
		expect(parseIp('fe80::1%eth0')).toEqual(groups(0xfe80, 0, 0, 0, 0, 0, 0, 1));
		expect(addressAllowed('fe80::1%eth0', parseAllowList('fe80::/10').allow)).toBe(true);
		expect(addressAllowed('fe80::1%eth0', NOTHING_ALLOWED)).toBe(false);
	});

	it('spaces around the text do not matter', () => {
		expect(parseIp(' 10.0.0.1\n')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]);
	});

	// Known laxness: readGroups takes a dotted IPv4 address as the last piece of the part BEFORE :: too. Not
	// reachable from a URL (WHATWG refuses it) or a socket; an allow list entry such as 127.0.0.1:: is read as the
	// range 7f00:1::/128 instead of being named. Remove .failing when parseIpv6 refuses it.
	it('a dotted IPv4 address before :: is none (only the last 32 bits may be dotted)', () => {
		expect(parseIp('1.2.3.4::')).toBeUndefined();
		expect(parseAllowList('127.0.0.1::').invalid).toEqual(['127.0.0.1::']);
	});

	it('brackets only around the whole address', () => {
		expect(parseIp('[::1]')).toEqual(groups(0, 0, 0, 0, 0, 0, 0, 1));
		expect(parseIp('1[::1]')).toBeUndefined();
		expect(parseIp('[::1]1')).toBeUndefined();
	});
});

describe('what a user allows on purpose', () => {
	const { allow, invalid } = parseAllowList('nas.local, *.corp.example\n192.168.1.0/24 10.9.9.9 fd00::/8, Bucket.Internal.');

	it('reads names, wildcards, addresses and ranges', () => {
		expect(invalid).toEqual([]);
		expect(allow.names).toEqual(['nas.local', '*.corp.example', 'bucket.internal']);
		expect(allow.ranges).toHaveLength(3);
	});

	it('names: exact, or any subdomain of a *. entry, in any case', () => {
		expect(nameAllowed('nas.local', allow)).toBe(true);
		expect(nameAllowed('NAS.local', allow)).toBe(true);
		expect(nameAllowed('bucket.internal', allow)).toBe(true);
		expect(nameAllowed('img.corp.example', allow)).toBe(true);
		expect(nameAllowed('a.b.corp.example', allow)).toBe(true);
		expect(nameAllowed('corp.example', allow)).toBe(false);
		expect(nameAllowed('evilcorp.example', allow)).toBe(false);
		expect(nameAllowed('nas.local.evil.com', allow)).toBe(false);
		expect(nameAllowed('other.local', allow)).toBe(false);
	});

	it('names: a longer name that only ends like an exact entry is not it', () => {
		expect(nameAllowed('xnas.local', allow)).toBe(false);
		expect(nameAllowed('my-bucket.internal', allow)).toBe(false);
	});

	it('names: a host with the trailing dot URL keeps is the same host', () => {
		expect(hostOf('nas.local.')).toBe('nas.local.');
		expect(nameAllowed(hostOf('nas.local.'), allow)).toBe(true);
		expect(nameAllowed(hostOf('img.corp.example.'), allow)).toBe(true);
	});

	it('names: labels of one character are names too', () => {
		const { allow: short, invalid: none } = parseAllowList('a.example, nas.x, q, *.b.c');
		expect(none).toEqual([]);
		expect(short.names).toEqual(['a.example', 'nas.x', 'q', '*.b.c']);
	});

	it('ranges: the addresses in them, whatever the spelling; nothing else private', () => {
		expect(addressAllowed('192.168.1.20', allow)).toBe(true);
		expect(addressAllowed('::ffff:192.168.1.20', allow)).toBe(true);
		expect(addressAllowed(hostOf('3232235796'), allow)).toBe(true); // 192.168.1.20
		expect(addressAllowed('10.9.9.9', allow)).toBe(true);
		expect(addressAllowed('fd00::5', allow)).toBe(true);
		expect(addressAllowed('192.168.2.1', allow)).toBe(false);
		expect(addressAllowed('10.9.9.8', allow)).toBe(false);
		expect(addressAllowed('127.0.0.1', allow)).toBe(false);
		expect(addressAllowed('fe80::1', allow)).toBe(false);
	});

	it('names what it cannot read', () => {
		expect(parseAllowList('nas.local, http://x, 10.0.0.0/33, a..b, 1.2.3.4/8/1, *.').invalid).toEqual([
			'http://x',
			'10.0.0.0/33',
			'a..b',
			'1.2.3.4/8/1',
			'*.',
		]);
		expect(parseAllowList('').allow).toEqual({ names: [], ranges: [] });
	});

	it('a prefix is one to three digits: anything else is named, and allows nothing', () => {
		const { allow: none, invalid: named } = parseAllowList('10.0.0.0/, 10.0.0.0/x, 10.0.0.0/x8, 10.0.0.0/8x, 10.0.0.0/-8');
		expect(named).toEqual(['10.0.0.0/', '10.0.0.0/x', '10.0.0.0/x8', '10.0.0.0/8x', '10.0.0.0/-8']);
		expect(none.ranges).toEqual([]);
		expect(addressAllowed('10.1.2.3', none)).toBe(false);
		expect(addressAllowed('127.0.0.1', none)).toBe(false);
	});

	it('an IPv4 address in brackets keeps its IPv4 prefix', () => {
		const { allow: bracketed, invalid: none } = parseAllowList('[192.168.1.0]/24');
		expect(none).toEqual([]);
		expect(addressAllowed('192.168.1.20', bracketed)).toBe(true);
		expect(addressAllowed('192.168.2.1', bracketed)).toBe(false);
		expect(addressAllowed('10.0.0.1', bracketed)).toBe(false);
		expect(parseAllowList('[10.0.0.0]/33').invalid).toEqual(['[10.0.0.0]/33']);
	});

	it('text an address reader would mistake is named, not read', () => {
		expect(parseAllowList('::ffff:1.2.3, 1[::1], [::1]1, 1:2:3:4::5:6:7:8').invalid).toEqual([
			'::ffff:1.2.3',
			'1[::1]',
			'[::1]1',
			'1:2:3:4::5:6:7:8',
		]);
	});
});
