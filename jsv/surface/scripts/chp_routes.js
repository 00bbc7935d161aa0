// Run with node in an image that has Debian's configurable-http-proxy: construct the proxy
// (no port is opened) and print the REST API's handler table as it holds it.
const path = "/usr/share/nodejs/configurable-http-proxy/lib/configproxy.js";
const { ConfigurableProxy } = require(path);
const proxy = new ConfigurableProxy({ authToken: "x" });
const version = require("/usr/share/nodejs/configurable-http-proxy/package.json").version;
const routes = [];
for (const [pattern, handlers] of proxy.apiHandlers) {
  for (const method of Object.keys(handlers)) {
    routes.push({ method: method.toUpperCase(), pattern: pattern.source,
      handler: "ConfigurableProxy.apiHandlers", source: "configurable-http-proxy/lib/configproxy.js" });
  }
}
console.log(JSON.stringify({ versions: { "configurable-http-proxy": version }, routes: routes }));
