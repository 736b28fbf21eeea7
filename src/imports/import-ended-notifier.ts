/**
 * When an import ends, its starter gets an e-mail with the counts, the top failure reasons and a link,
 * and subscribed webhook endpoints get `import.completed` (or `import.failed`, `import.cancelled`).
 */
import type { Mailer } from '../notifications/mailer.js';
import type { Store } from '../store/database.js';
import type { ImportsTable } from '../store/schema.js';
import type { WebhookService } from '../sync/webhooks/webhook-service.js';
import type { ImportNotifier } from './contact-import-pipeline.js';
import { failureKinds } from './report/reason-kind.js';

const TOP_REASONS = 5;

function topReasons(reasons: string[]): [string, number][] {
  const byKind = new Map<string, number>();
  for (const reason of reasons)
    for (const kind of failureKinds(reason)) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  return [...byKind].sort((a, b) => b[1] - a[1]).slice(0, TOP_REASONS);
}

/** Where the server is reached, for links in the e-mail (from the config). */
export interface NotifierConfig {
  publicUrl: string | null;
  port: number;
}

export class ImportEndedNotifier implements ImportNotifier {
  constructor(
    private readonly store: Store,
    private readonly config: NotifierConfig,
    private readonly mailer: Mailer | null,
    private readonly webhooks: WebhookService | null = null,
  ) {}

  async importEnded(importId: string): Promise<void> {
    const record = await this.store.db
      .selectFrom('imports')
      .selectAll()
      .where('id', '=', importId)
      .executeTakeFirstOrThrow();
    // Each channel on its own: an unreachable SMTP server does not hold back the webhook, nor the reverse.
    await Promise.allSettled([this.publish(record), this.email(record)]);
  }

  private get base(): string {
    return this.config.publicUrl ?? `http://localhost:${this.config.port}`;
  }

  private async publish(record: ImportsTable): Promise<void> {
    if (!this.webhooks) return;
    const event =
      record.status === 'completed'
        ? 'import.completed'
        : record.status === 'failed'
          ? 'import.failed'
          : 'import.cancelled';
    await this.webhooks.publish(event, {
      import_id: record.id,
      status: record.status,
      file_name: record.file_name,
      dry_run: record.dry_run === 1,
      started_by: record.created_by,
      started_at: record.started_at,
      finished_at: record.finished_at,
      rows: record.rows,
      created: record.created,
      updated: record.updated,
      unchanged: record.unchanged,
      failed: record.failed,
      warned: record.warned,
      error: record.error,
      url: `${this.base}/api/imports/${record.id}`,
      failures_url: record.failed > 0 ? `${this.base}/api/imports/${record.id}/failures` : null,
      warnings_url: record.warned > 0 ? `${this.base}/api/imports/${record.id}/warnings` : null,
    });
  }

  private async email(record: ImportsTable): Promise<void> {
    if (!this.mailer || !record.created_by) return;
    const importId = record.id;
    const user = await this.store.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', record.created_by)
      .executeTakeFirst();
    if (!user) return;
    const failures = await this.store.db
      .selectFrom('import_rows')
      .select('error')
      .where('import_id', '=', importId)
      .where('action', '=', 'failed')
      .limit(10_000)
      .execute();
    const top = topReasons(failures.map((f) => f.error ?? ''));
    const warnings =
      record.warned > 0
        ? await this.store.db
            .selectFrom('import_rows')
            .select('warning')
            .where('import_id', '=', importId)
            .where('action', '!=', 'failed')
            .where('warning', 'is not', null)
            .limit(10_000)
            .execute()
        : [];
    const topWarnings = topReasons(warnings.map((w) => w.warning ?? ''));
    const base = this.base;
    const lines = [
      `Import of ${record.file_name} ${record.status}${record.dry_run ? ' (dry run: nothing was written)' : ''}.`,
      '',
      `Rows: ${record.rows}`,
      `Created: ${record.created}`,
      `Updated: ${record.updated}`,
      `Unchanged: ${record.unchanged}`,
      `Failed: ${record.failed}`,
      `With warnings: ${record.warned} (imported with a value left out; counted above)`,
    ];
    if (record.error) lines.push('', `The import stopped: ${record.error}`);
    if (top.length > 0) {
      lines.push('', 'Most common failure reasons:');
      for (const [kind, n] of top) lines.push(`  ${n} × ${kind}`);
    }
    if (topWarnings.length > 0) {
      lines.push('', 'Most common warnings:');
      for (const [kind, n] of topWarnings) lines.push(`  ${n} × ${kind}`);
    }
    if (record.failed > 0)
      lines.push('', `Failure file (one reason per row): ${base}/api/imports/${importId}/failures`);
    if (record.warned > 0)
      lines.push(
        '',
        `Warnings file (what was left out of each row): ${base}/api/imports/${importId}/warnings`,
      );
    lines.push('', `Details: ${base}/api/imports/${importId}`);
    await this.mailer.send({
      to: user.email,
      subject: `Kith import ${record.status}: ${record.file_name} — ${record.created} created, ${record.updated} updated, ${record.failed} failed`,
      text: lines.join('\n'),
    });
  }
}
