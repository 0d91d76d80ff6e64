/**
 * What HTTP and TCP listeners share: their lifecycle (start, stop accepting, drain within the grace period,
 * close) and the failure model, which classifies every error by side and kind in one place.
 */
package io.loopgate.proxy;
