import { startBenchServer } from './server-process.js';
const server = await startBenchServer(undefined, process.argv[2]);
await new Promise((r) => setTimeout(r, 3000));
console.log('idle RSS MB', server.rssMegabytes().toFixed(1));
await server.stop();
