'use strict';
// The dev scripts' toolkit for driving a real n8n, one concern a file:
//   constants.js  package, node and credential names; sandbox settings
//   runtime.js    installing and locating the n8n runtimes (1.x and 2.x lines) in a cache outside the repository
//   process.js    child processes (process groups, Ctrl-C), ports, apt-get installs, secrets kept out of what is printed
//   pack.js       npm pack, installing like n8n's installer, user folders, the n8n-workflow resolution check
//   cli.js        n8n's environment and command line (imports, execute), binary data read-back
//   server.js     `n8n start` / `n8n worker` processes, Redis for queue mode
//   rest.js       fetch, the editor's REST API, webhooks
module.exports = {
	...require('./constants'),
	...require('./process'),
	...require('./pack'),
	...require('./cli'),
	...require('./server'),
	...require('./rest'),
	runtime: require('./runtime'),
};
