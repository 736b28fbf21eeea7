import type { Command } from 'commander';
import { loadConfigWith } from '../../config.js';
import { buildServer } from '../../server/app.js';
import { openKith, startBackgroundTasks } from '../../services.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the API and web pages (migrations are applied first)')
    .option('--port <port>', 'port to listen on (default $PORT or 3000)')
    .option('--host <host>', 'address to bind (default $HOST or 0.0.0.0)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = loadConfigWith(options.port ? { PORT: options.port } : {});
      const kith = await openKith(config);
      const logLine = (message: string, error?: unknown) =>
        process.stderr.write(`${message}${error ? `: ${(error as Error).message}` : ''}\n`);
      // The server also works through background jobs (and resumes those a crash interrupted).
      const background = startBackgroundTasks(kith, logLine);
      const app = await buildServer(kith, {
        logger: { level: config.logLevel },
        trustProxy: config.trustProxy,
        onJobQueued: () => background.runner.poke(),
      });
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
        await background.stop();
        await app.close();
        await kith.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
