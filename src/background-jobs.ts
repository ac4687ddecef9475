// The periodic jobs a running server owns: the rotation scheduler, the certificate expiry watch (and
// automatic renewal) and log stream delivery. Started after the server listens, stopped (and awaited) before the store closes.
import type { Services } from './services.js';
import { CertificateWatch } from './keys/certificate-watch.js';
import { LogStreamDispatcher } from './log-streams/dispatcher.js';
import { rotationScheduler } from './keys/rotation-scheduler.js';
import type { PeriodicJob } from './periodic-job.js';
import { lineLogger } from './observability/logger.js';

export interface BackgroundJobs {
  certificates: CertificateWatch;
  logStreams: LogStreamDispatcher;
  /** The rotation scheduler (src/keys/rotation-scheduler.ts). */
  rotations: PeriodicJob;
  stop(): Promise<void>;
}

export function startBackgroundJobs(services: Services): BackgroundJobs {
  const { config, keys, store, clock, publishedKeys, kek, rollover, logger } = services;
  const warn = lineLogger(logger, 'warn');
  const certificates = new CertificateWatch({ config, keys, store, clock, publishedKeys, warn });
  const logStreams = new LogStreamDispatcher({ store, kek, clock, settings: config.logStreams, log: lineLogger(logger, 'error') });
  const rotations = rotationScheduler({ config, keys, rollover, clock, warn });
  rotations.start({ runNow: true });
  certificates.start();
  logStreams.start();
  return {
    certificates,
    logStreams,
    rotations,
    async stop() {
      await Promise.all([rotations.stop(), certificates.stop(), logStreams.stop()]);
    },
  };
}
