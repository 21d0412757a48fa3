// One realistic event of each type, read once from samples/events/. Used for Send Test,
// previews and the save-time template check (a template must render all five).
import { readFileSync } from 'node:fs';
import { packageDir } from '../../core/package-files.js';
import { EVENT_TYPES, type EventType, type ForjinnEvent } from './types.js';

const dir = packageDir('samples/events');

export const SAMPLE_EVENTS: Readonly<Record<EventType, ForjinnEvent>> = Object.freeze(
  Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      { ...JSON.parse(readFileSync(`${dir}${type}.json`, 'utf8')), workspace: 'default' },
    ]),
  ) as Record<EventType, ForjinnEvent>,
);
