/**
 * HTTP listeners: route matching (host, path, method, headers), header and path rewriting, streaming
 * forwarding to the upstream on the inbound connection's event loop, and the JSON error responses. Requests are
 * held to strict HTTP/1.1 framing and the listener's limits before anything is forwarded.
 */
package io.loopgate.proxy.http;
