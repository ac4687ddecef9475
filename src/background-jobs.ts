// The periodic jobs a running server owns: the certificate expiry watch (and automatic renewal) and
// log stream delivery. Started after the server listens, stopped (and awaited) before the store closes.
import type { Services } from './services.js';
import { CertificateWatch } from './keys/certificate-watch.js';
import { LogStreamDispatcher } from './log-streams/dispatcher.js';

export interface BackgroundJobs {
  certificates: CertificateWatch;
  logStreams: LogStreamDispatcher;
  stop(): Promise<void>;
}

export function startBackgroundJobs(services: Services): BackgroundJobs {
  const { config, keys, store, clock, publishedKeys, kek } = services;
  const certificates = new CertificateWatch({ config, keys, store, clock, publishedKeys });
  const logStreams = new LogStreamDispatcher({ store, kek, clock, settings: config.logStreams });
  certificates.start();
  logStreams.start();
  return {
    certificates,
    logStreams,
    async stop() {
      await Promise.all([certificates.stop(), logStreams.stop()]);
    },
  };
}
