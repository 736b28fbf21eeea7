import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { KithError } from '../../domain/errors.js';
import type { BackgroundTasks } from '../../services.js';
import { numberOption, onInterrupt, openKithForCli } from '../cli-context.js';

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
      const { loadConfigWith } = await import('../../config.js');
      const { startBackgroundTasks } = await import('../../services.js');
      const config = loadConfigWith(options.port !== undefined ? { PORT: String(options.port) } : {});
      const host = options.host ?? config.host;
      const kith = await openKithForCli(config);
      const logLine = (message: string, error?: unknown) =>
        process.stderr.write(`${message}${error ? `: ${(error as Error).message}` : ''}\n`);
      let background: BackgroundTasks | null = null;
      let app: FastifyInstance | null = null;
      let address: string;
      let buildServer: typeof import('../../server/app.js').buildServer;
      let closeServer: typeof import('../../server/app.js').closeServer;
      try {
        // Loaded here, not at start-up: every other command would pay for loading the whole server.
        ({ buildServer, closeServer } = await import('../../server/app.js'));
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
      const running = { app, background };
      // Listening for stop signals before saying the server listens: whoever reads that line (a test, a
      // supervisor) may signal at once, and a signal with no listener kills the process unclean.
      // A stop signal (SIGTERM from systemd or a container, Ctrl-C): the server stops taking requests
      // and ends the live streams while the running job is put back in the queue after its current
      // batch, then the process exits 0. A second signal exits at once (the job's lease runs out).
      const stop = async (signal: NodeJS.Signals) => {
        logLine(`kith: ${signal}: stopping (a second ${signal} stops at once)`);
        try {
          await Promise.all([closeServer(running.app), running.background.stop()]);
          await kith.close();
        } catch (e) {
          logLine('kith: stopping failed', e);
          process.exit(1);
        }
        process.exit(0);
      };
      onInterrupt(
        (signal) => {
          logLine(`kith: ${signal} again: stopping now`);
          return running.background.runner.abandon();
        },
        (signal) => void stop(signal),
      );
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
    });
}
