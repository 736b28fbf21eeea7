import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { startAutomationLogRetention } from '../../automation/automation-log-retention.js';
import { startSnoozeWakeUps } from '../../conversations/snooze-schedule.js';
import { startWebhookDeliveries } from '../../sync/webhooks/webhook-deliveries.js';
import { startDuplicateScanSchedule } from '../../dedupe/duplicate-scan-schedule.js';
import { whyNoJobRan } from '../../jobs/job-lease.js';
import { JobRunner } from '../../jobs/job-runner.js';
import { openKith } from '../../services.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run background jobs (imports…), resuming any whose process died')
    .option('--once', 'run the jobs and webhook deliveries that are waiting, then exit')
    .action(async (o: { once?: boolean }) => {
      const kith = await openKith(loadConfig());
      const log = (message: string, error?: unknown) =>
        process.stderr.write(`${message}${error ? `: ${(error as Error).message}` : ''}\n`);
      const runner = new JobRunner(kith.store, kith.jobHandlers, { log });
      if (o.once) {
        let ran = 0;
        while (await runner.runOnce()) ran++;
        // Why it stopped: a job held under a dead worker's lease looks like nothing to do otherwise.
        const why = await whyNoJobRan(kith.store.db, Object.keys(kith.jobHandlers));
        process.stderr.write(`ran ${ran} job${ran === 1 ? '' : 's'}${ran === 0 ? ': ' : ', then: '}${why}\n`);
        const sent = await kith.webhooks.deliverDue();
        if (sent > 0) process.stderr.write(`sent ${sent} webhook deliver${sent === 1 ? 'y' : 'ies'}\n`);
        await kith.close();
        return;
      }
      runner.start();
      const stopSchedule = startDuplicateScanSchedule(kith.store, log);
      const stopWakeUps = startSnoozeWakeUps(kith.conversations, log);
      const stopRetention = startAutomationLogRetention(kith.rules, kith.config.automationLogDays, log);
      const stopDeliveries = startWebhookDeliveries(kith.webhooks, log);
      process.stderr.write(`worker ${runner.workerId} waiting for jobs\n`);
      const stop = async () => {
        stopSchedule();
        stopWakeUps();
        stopRetention();
        stopDeliveries();
        await runner.stop();
        await kith.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
