/**
 * Micrometer meters and binders: per-loop, HTTP request, upstream and TCP meters. Recording never throws into
 * traffic and never runs a registry lookup per event on an event loop where a pre-built meter can be used.
 */
package io.loopgate.metrics;
