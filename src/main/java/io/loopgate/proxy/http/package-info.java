/**
 * HTTP listeners: route matching (host, path, method, headers), header and path rewriting, streaming
 * forwarding to the upstream on the inbound connection's event loop, and the JSON error responses.
 */
package io.loopgate.proxy.http;
