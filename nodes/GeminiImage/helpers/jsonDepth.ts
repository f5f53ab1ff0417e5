/**
 * Whether a value nests deeper than `max` levels of objects and arrays: walked without recursion, so that
 * a 10,000-level item is measured, not a stack overflow. Stops at the first path past `max`; each object
 * is entered once (a shared or circular one is not walked again).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
	const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
	const seen = new WeakSet<object>();
	while (stack.length) {
		const { value: current, depth } = stack.pop()!;
		if (!current || typeof current !== 'object' || seen.has(current)) continue;
		if (depth >= max) return true;
		seen.add(current);
		for (const child of Array.isArray(current) ? current : Object.values(current)) {
			if (child && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
		}
	}
	return false;
}
