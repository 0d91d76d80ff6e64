/**
 * Upstreams and their backends: balancing (pure, no I/O), connection pools kept per (upstream, event loop) so a
 * pooled connection always lives on the inbound connection's loop, and timeouts. Shared by HTTP and TCP.
 */
package io.loopgate.upstream;
