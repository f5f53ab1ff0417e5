'use strict';
// What every image generator returns: a cached "image record"
//   { buffer, base64, sha256, bytes, mimeType, type, width, height }
// so repeated answers cost nothing after the first generation; and the colour a prompt gets.

const crypto = require('node:crypto');

// LRU cache bounded by entry count and by total bytes (so 20 MB+ images do not pile up).
const MAX_CACHE_ENTRIES = 256;
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
const cache = new Map();
let cacheBytes = 0;

function cached(key, make) {
	let hit = cache.get(key);
	if (hit) {
		cache.delete(key); // refresh LRU position
		cache.set(key, hit);
		return hit;
	}
	hit = make();
	cache.set(key, hit);
	cacheBytes += hit.bytes * 2.4; // buffer + base64 string
	while (cache.size > 1 && (cache.size > MAX_CACHE_ENTRIES || cacheBytes > MAX_CACHE_BYTES)) {
		const oldest = cache.keys().next().value;
		cacheBytes -= cache.get(oldest).bytes * 2.4;
		cache.delete(oldest);
	}
	return hit;
}

function clearCache() {
	cache.clear();
	cacheBytes = 0;
}

function record(buffer, mimeType, type, width, height) {
	return {
		buffer,
		base64: buffer.toString('base64'),
		sha256: crypto.createHash('sha256').update(buffer).digest('hex'),
		bytes: buffer.length,
		mimeType,
		type,
		width,
		height,
	};
}

function colourFor(text) {
	const h = crypto.createHash('sha256').update(String(text), 'utf8').digest();
	return [h[0], h[1], h[2]];
}

function colourKey(rgb) {
	return rgb.map((c) => c & 255).join(',');
}

function checkDims(width, height) {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 16384 || height > 16384) {
		throw new RangeError(`bad image dimensions ${width}x${height}`);
	}
}

module.exports = { cached, clearCache, record, colourFor, colourKey, checkDims };
