import type { Command } from 'commander';
import { onInterrupt, openKithForCli } from '../cli-context.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run background jobs (imports…), resuming any whose process died')
    .option('--once', 'run the jobs and webhook deliveries that are waiting, then exit')
    .action(async (o: { once?: boolean }) => {
      const { loadConfig } = await import('../../config.js');
      const { startBackgroundTasks } = await import('../../services.js');
      const kith = await openKithForCli(loadConfig());
      const log = (message: string, error?: unknown) =>
        process.stderr.write(`${message}${error ? `: ${(error as Error).message}` : ''}\n`);
      if (o.once) {
        const runner = kith.jobs.runner({ log });
        let ran = 0;
        while (await runner.runOnce()) ran++;
        // Why it stopped: a job held under a dead worker's lease looks like nothing to do otherwise.
        const why = await kith.jobs.whyNoneRan();
        process.stderr.write(`ran ${ran} job${ran === 1 ? '' : 's'}${ran === 0 ? ': ' : ', then: '}${why}\n`);
        const sent = await kith.webhooks.deliverDue();
        if (sent > 0) process.stderr.write(`sent ${sent} webhook deliver${sent === 1 ? 'y' : 'ies'}\n`);
        await kith.close();
        return;
      }
      const background = startBackgroundTasks(kith, log);
      process.stderr.write(`worker ${background.runner.workerId} waiting for jobs\n`);
      const stop = async () => {
        await background.stop();
        await kith.close();
        process.exit(0);
      };
      // The first signal puts the running job back after its batch; a second exits at once, its job
      // left under its lease but not counted as crashed.
      onInterrupt(
        (signal) => {
          process.stderr.write(`worker: ${signal} again: stopping now\n`);
          return background.runner.abandon();
        },
        () => void stop(),
      );
    });
}
