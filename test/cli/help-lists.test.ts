import { describe, expect, it } from 'vitest';
import * as help from '../../src/cli/help-lists.js';
import { EXPORT_FORMATS } from '../../src/exports/contact-export-service.js';
import { CONFLICT_POLICIES, SYNC_DIRECTIONS } from '../../src/sync/carddav/sync-connection-service.js';
import { WEBHOOK_EVENTS } from '../../src/sync/webhooks/webhook-events.js';

// The CLI writes these lists out to keep its start-up light (src/cli/help-lists.ts): its help must
// still name every value its owner accepts, in the owner's order.
describe('the lists kith help names', () => {
  it('are the lists of the modules that own them', () => {
    expect(help.EXPORT_FORMATS).toEqual(EXPORT_FORMATS);
    expect(help.SYNC_DIRECTIONS).toEqual(SYNC_DIRECTIONS);
    expect(help.CONFLICT_POLICIES).toEqual(CONFLICT_POLICIES);
    expect(help.WEBHOOK_EVENTS).toEqual(WEBHOOK_EVENTS);
  });
});
