import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { startAutomationLogRetention } from '../../automation/automation-log-retention.js';
import { startSnoozeWakeUps } from '../../conversations/snooze-schedule.js';
import { startWebhookDeliveries } from '../../sync/webhooks/webhook-deliveries.js';
import { startDuplicateScanSchedule } from '../../dedupe/duplicate-scan-schedule.js';
import { JobRunner } from '../../jobs/job-runner.js';
import { buildServer } from '../../server/app.js';
import { openKith } from '../../services.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the API and web pages (migrations are applied first)')
    .option('--port <port>', 'port to listen on (default $PORT or 3000)')
    .option('--host <host>', 'address to bind (default $HOST or 0.0.0.0)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = loadConfig({ ...process.env, ...(options.port ? { PORT: options.port } : {}) });
      const kith = await openKith(config);
      // The server also works through background jobs (and resumes those a crash interrupted).
      const runner = new JobRunner(kith.store, kith.jobHandlers, {
        log: (message, error) => process.stderr.write(`${message}: ${(error as Error)?.message ?? ''}\n`),
      });
      const app = await buildServer(kith, {
        logger: { level: process.env.LOG_LEVEL ?? 'info' },
        trustProxy: config.trustProxy,
        onJobQueued: () => runner.poke(),
      });
      runner.start();
      const logLine = (message: string, error?: unknown) =>
        process.stderr.write(`${message}${error ? `: ${(error as Error).message}` : ''}\n`);
      const stopSchedule = startDuplicateScanSchedule(kith.store, logLine);
      const stopWakeUps = startSnoozeWakeUps(kith.conversations, logLine);
      const stopRetention = startAutomationLogRetention(kith.rules, kith.config.automationLogDays, logLine);
      const stopDeliveries = startWebhookDeliveries(kith.webhooks, logLine);
      const address = await app.listen({ port: config.port, host: options.host ?? config.host });
      app.log.info(`Kith is listening on ${address} (store: ${kith.store.dialect} ${kith.store.location})`);
      const setupToken = await kith.setup.issueTokenIfNeeded();
      if (setupToken) {
        const base = config.publicUrl ?? `http://localhost:${new URL(address).port}`;
        process.stderr.write(
          `\nNo user exists yet. Create the first administrator with this one-time link:\n  ${base}/setup#token=${setupToken}\nor run: kith users create --email you@example.com --password '…' --role admin\n\n`,
        );
      }
      const stop = async () => {
        stopSchedule();
        stopWakeUps();
        stopRetention();
        stopDeliveries();
        await runner.stop();
        await app.close();
        await kith.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
