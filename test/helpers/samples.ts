// The product's sample events (samples/events/, one of each type), read as a test would receive them.
import { readFileSync } from 'node:fs';

export const sampleEvent = (type: string) => JSON.parse(readFileSync(new URL(`../../samples/events/${type}.json`, import.meta.url), 'utf8'));
