// n8n loads the node and credential files listed in package.json's "n8n" section; nothing to export here.
module.exports = {};
