import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { loadConfigWith } from '../../config.js';
import { KithError } from '../../domain/errors.js';
import { type BackgroundTasks, startBackgroundTasks } from '../../services.js';
import { numberOption, openKithForCli } from '../cli-context.js';

/** Why the server could not listen, in words naming the address and what to change. */
function listenError(error: unknown, host: string, port: number): KithError {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${host}:${port}`;
  const reason =
    code === 'EADDRINUSE'
      ? `port ${port} is already in use by another program (another kith serve?); choose another with --port or PORT`
      : code === 'EACCES'
        ? `permission denied (ports below 1024 need privileges); choose another with --port or PORT`
        : code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine; choose another with --host or HOST`
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME'
            ? `${host} is not a valid address or known host name; choose another with --host or HOST`
            : (error as Error).message;
  return new KithError('listen_failed', `cannot listen on ${where}: ${reason}`, 500, {
    host,
    port,
    errno: typeof code === 'string' ? code : null,
  });
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the API and web pages (migrations are applied first)')
    .option(
      '--port <port>',
      'port to listen on, 0-65535 (default $PORT or 3000)',
      numberOption('--port', { min: 0, max: 65535 }),
    )
    .option('--host <host>', 'address to bind (default $HOST or 0.0.0.0)')
    .action(async (options: { port?: number; host?: string }) => {
      const config = loadConfigWith(options.port !== undefined ? { PORT: String(options.port) } : {});
      const host = options.host ?? config.host;
      const kith = await openKithForCli(config);
      const logLine = (message: string, error?: unknown) =>
        process.stderr.write(`${message}${error ? `: ${(error as Error).message}` : ''}\n`);
      let background: BackgroundTasks | null = null;
      let app: FastifyInstance | null = null;
      let address: string;
      try {
        // Loaded here, not at start-up: every other command would pay for loading the whole server.
        const { buildServer } = await import('../../server/app.js');
        app = await buildServer(kith, {
          logger: { level: config.logLevel },
          trustProxy: config.trustProxy,
          onJobQueued: () => background?.runner.poke(),
        });
        address = await app.listen({ port: config.port, host });
      } catch (e) {
        // Nothing keeps running when the server cannot listen: the process ends with the reason.
        await app?.close().catch(() => undefined);
        await kith.close();
        throw listenError(e, host, config.port);
      }
      // The server also works through background jobs (and resumes those a crash interrupted): started
      // once it listens, so a server that could not start leaves no job runner behind.
      background = startBackgroundTasks(kith, logLine);
      app.log.info(`Kith is listening on ${address} (store: ${kith.store.dialect} ${kith.store.location})`);
      const setupToken = await kith.setup.issueTokenIfNeeded();
      if (setupToken) {
        // The address the server answers on, as a browser on this machine reaches it (port 80 too).
        const local = new URL(address);
        local.hostname = 'localhost';
        const base = config.publicUrl ?? local.origin;
        process.stderr.write(
          `\nNo user exists yet. Create the first administrator with this one-time link:\n  ${base}/setup#token=${setupToken}\nor run: kith users create --email you@example.com --password '…' --role admin\n\n`,
        );
      }
      const running = { app, background };
      const stop = async () => {
        await running.background.stop();
        await running.app.close();
        await kith.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
